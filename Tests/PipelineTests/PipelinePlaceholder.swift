import Testing

@Test func pipelinePlaceholder() {}
