import Features
import Formats
import Foundation
import Media
import Testing

@testable import Pipeline

@Test func classifyEqualsExtractThenModel() throws {
    let folder = try temporaryFolder()
    let clip = try testClip(in: folder)
    var settings = PipelineSettings()
    settings.flags.weights = try smallClusterWeights(in: folder)
    settings.config.sampling.segNum = 3
    settings.flags.topK = 5
    let pipeline = try ClassifyPipeline(settings)
    let (result, _) = try pipeline.run(clip.path)
    #expect(result.model == "attention_cluster")
    #expect(result.frames == 3 && result.sampledFrames == 4 && result.audio)
    #expect(result.topK.count == 5)
    #expect(result.topK.map(\.label) == result.topK.map { "label \($0.classIndex)" })
    #expect(zip(result.topK, result.topK.dropFirst()).allSatisfy { $0.score >= $1.score })

    // extract to a file, read it back, pick the same rows, run the same model: the same scores.
    let file = folder.appendingPathComponent("clip.safetensors")
    _ = try FeatureExtraction(settings: settings).run(clip.path).write(to: file)
    let record = try #require(try readFeatureRecords(file).first)
    let predictor = try Predictor(weights: try #require(settings.weights), segments: 3)
    let prediction = try predictor.predict(record, topK: 5, allScores: false)
    #expect(prediction.topK.map(\.classIndex) == result.topK.map(\.classIndex))
    // Equal up to float rounding: OpenBLAS's thread count is process-wide, and a model test running beside this one
    // may switch it (forEachBranch) while the head's sgemm runs, which can change the last bit or two.
    for (extracted, classified) in zip(prediction.topK, result.topK) {
        #expect(abs(extracted.score - classified.score) <= 1e-6 * max(1, abs(classified.score)))
    }

    let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
    for key in ["\"source\"", "\"duration\"", "\"model\"", "\"frames\"", "\"top_k\"", "\"class\"", "\"label\"", "\"score\"", "\"timings\"", "\"decode\"", "\"extract_rgb\""] {
        #expect(json.contains(key), "\(key)")
    }
}

@Test func configsAndExtractorsMustAgreeWithTheWeights() throws {
    let folder = try temporaryFolder()
    var settings = PipelineSettings()
    settings.flags.weights = try smallClusterWeights(in: folder)
    settings.config.model.numClasses = 7
    let mismatch = #expect(throws: PipelineError.self) { try ClassifyPipeline(settings) }
    #expect(mismatch?.errorDescription?.contains("model.num_classes disagrees with the weights: tensor logistic.weights has shape [8, 5]") == true)
    #expect(mismatch?.errorCode == 64)

    settings.config.model.numClasses = nil
    settings.config.model.type = .attentionLSTM
    #expect(throws: PipelineError.self) { try ClassifyPipeline(settings) }

    settings.config.model.type = nil
    settings.flags.rgbExtractor = "builtin:512"
    let dimension = #expect(throws: FeaturesError.self) { try ClassifyPipeline(settings) }
    #expect(dimension?.errorDescription == "rgb extractor 'builtin:512' gives 512 features but the model reads 1024")
    #expect(dimension?.errorCode == 64)

    settings.flags.rgbExtractor = "resnet"
    #expect(throws: FeaturesError.unknownExtractor("resnet")) { try ClassifyPipeline(settings) }

    settings.flags.rgbExtractor = nil
    settings.flags.weights = nil
    #expect(throws: PipelineError.self) { try ClassifyPipeline(settings) }
}

@Test func timelineDrawsOneLinePerClass() throws {
    let folder = try temporaryFolder()
    let clip = try testClip(in: folder)
    var settings = PipelineSettings()
    settings.flags.weights = try smallClusterWeights(in: folder)
    settings.flags.fps = 5
    let pipeline = try ClassifyPipeline(settings)
    let (result, features) = try pipeline.run(clip.path)
    #expect(features.frameCount == 20)
    let timeline = try pipeline.timeline(features, classes: Array(result.topK.prefix(3)), windowSeconds: 1)
    #expect(timeline.times.count == 16)  // 5-row windows over 20 rows, stride 1
    #expect(timeline.scores.allSatisfy { $0.count == 3 })
    let svg = timeline.svg()
    #expect(svg.hasPrefix("<svg"))
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
    #expect(svg.contains(">label \(result.topK[0].classIndex)<"))
}

@Test func defaultPipelineIsFoundBesideTheProgramNotInTheWorkingDirectory() throws {
    let root = try temporaryFolder()
    let bin = root.appendingPathComponent(".build/x86_64-unknown-linux-gnu/release")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let executable = bin.appendingPathComponent("vigil")
    #expect(PipelineConfig.defaultPipelineURL(executable: executable) == nil)
    try FileManager.default.createDirectory(at: root.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
    try "model: {type: attention_cluster}\n".write(to: root.appendingPathComponent("pipelines/default.yaml"), atomically: true, encoding: .utf8)
    #expect(PipelineConfig.defaultPipelineURL(executable: executable)?.standardizedFileURL.path
        == root.appendingPathComponent("pipelines/default.yaml").standardizedFileURL.path)
    let installed = root.appendingPathComponent("usr/bin/vigil")
    try FileManager.default.createDirectory(at: root.appendingPathComponent("usr/share/vigil/pipelines"), withIntermediateDirectories: true)
    try "{}\n".write(to: root.appendingPathComponent("usr/share/vigil/pipelines/default.yaml"), atomically: true, encoding: .utf8)
    #expect(PipelineConfig.defaultPipelineURL(executable: installed)?.path.hasSuffix("usr/share/vigil/pipelines/default.yaml") == true)
}
