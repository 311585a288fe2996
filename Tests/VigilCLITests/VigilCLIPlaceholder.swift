import Testing

@Test func vigilcliPlaceholder() {}
