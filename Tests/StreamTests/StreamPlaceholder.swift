import Testing

@Test func streamPlaceholder() {}
