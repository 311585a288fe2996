import Testing

@Test func featuresPlaceholder() {}
