import Testing

@Test func mediaPlaceholder() {}
