import Testing

@Test func modelsPlaceholder() {}
