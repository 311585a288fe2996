// A pipeline file with many entries is read in time linear in its size: each key lookup used to scan the whole
// mapping (Yams' Node.Mapping), so 20 000 cameras took 33 s. The CLI side runs in HostileInputCLITests.
import Foundation
import Testing
@testable import Pipeline

@Test func twentyThousandCamerasAndLabelsAreAllRead() throws {
    var yaml = "watch:\n  events:\n    labels:\n"
    for i in 0..<20_000 { yaml += "      label\(i): {on: 0.5, off: 0.25}\n" }
    yaml += "cameras:\n"
    for i in 0..<20_000 { yaml += "  cam\(i): {url: 'rtsp://127.0.0.1:1/\(i)', fps: 2}\n" }
    let config = try PipelineConfig.parse(yaml: yaml, file: URL(fileURLWithPath: "/tmp/many.yaml"))
    #expect(config.cameras.count == 20_000)
    #expect(config.cameras.last?.name == "cam19999")
    #expect(config.watch.events.labels.count == 20_000)
    #expect(config.watch.events.labels["label123"]?.off == 0.25)
}
