import Testing

@Test func formatsPlaceholder() {}
