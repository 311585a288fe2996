import Testing

@Test func trainingPlaceholder() {}
