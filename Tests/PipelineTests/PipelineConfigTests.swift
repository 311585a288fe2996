import Foundation
import Testing

@testable import Pipeline

/// Writes `yaml` to a fresh temporary folder as `name` and returns its URL.
func writeYAML(_ yaml: String, name: String = "pipeline.yaml", under folder: String = "") throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("vigil-pipeline-\(UUID().uuidString)").appendingPathComponent(folder)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let file = directory.appendingPathComponent(name)
    try yaml.write(to: file, atomically: true, encoding: .utf8)
    return file
}

@Test func readsVigilLayoutWithPathsRelativeToTheFile() throws {
    let file = try writeYAML(
        """
        model:
          type: attention_cluster
          weights: ../models/demo.safetensors
          labels: /abs/labels.txt
          num_classes: 3862
          feature_dims: [1024, 128]
          cluster_nums: [32, 32]
          fc_sizes: [1024, 4096]
          drop_rate: 0.5
        sampling: {seg_num: 100, mode: random, seed: 7, fps: 2}
        extractors: {rgb: builtin, audio: "exec:python3 plug.py"}
        train: {optimizer: Adam, learning_rate: 0.001, epochs: 5, batch_size: 64, lr_boundaries: [2], lr_values: [0.1, 0.01], weight_decay: 0, average_from: 4, warmup: 3}
        watch:
          window: 100
          stride: 2
          events: {on: 0.6, off: 0.4, min_windows: 2, max_quiet: 10, labels: {motion: {on: 0.7}}}
        cameras:
          front: {url: "rtsp://127.0.0.1:8554/cam", fps: 1, transport: udp}
          back: {url: "udp://127.0.0.1:5000"}
        """, under: "pipelines")
    let config = try PipelineConfig.load(contentsOf: file)
    let root = file.deletingLastPathComponent().deletingLastPathComponent()
    #expect(config.layout == .vigil)
    #expect(config.model.type == .attentionCluster)
    #expect(config.model.weights?.path == root.appendingPathComponent("models/demo.safetensors").standardizedFileURL.path)
    #expect(config.model.labels?.path == "/abs/labels.txt")
    #expect(config.model.featureDims == [1024, 128])
    #expect(config.model.clusterNums == [32, 32])
    #expect(config.model.fcSizes == [1024, 4096])
    #expect(config.model.dropRate == 0.5)
    #expect(config.sampling.segNum == 100)
    #expect(config.sampling.mode == .random)
    #expect(config.sampling.seed == 7)
    #expect(config.sampling.fps == 2)
    #expect(config.extractors.rgb == "builtin")
    #expect(config.extractors.audio == "exec:python3 plug.py")
    #expect(config.train.optimizer == "adam")
    #expect(config.train.lrValues == [0.1, 0.01])
    #expect(config.train.averageFrom == 4)
    #expect(config.train.extra == ["warmup": "3"])
    #expect(config.watch.window == 100)
    #expect(config.watch.events.thresholds.minWindows == 2)
    #expect(config.watch.events.labels["motion"]?.on == 0.7)
    #expect(config.watch.events.labels["motion"]?.off == nil)
    #expect(config.cameras.map(\.name) == ["front", "back"])
    #expect(config.cameras[0].url == "rtsp://127.0.0.1:8554/cam")
    #expect(config.cameras[0].extra == ["transport": "udp"])
    #expect(config.cameras[1].fps == nil)
}

@Test func readsPaddleVideoAttentionLSTMLayout() throws {
    let file = try writeYAML(
        """
        MODEL:
            framework: "Recognizer1D"
            head:
                name: "AttentionLstmHead"
                num_classes: 3862
                feature_num: 2
                feature_dims: [1024, 128]
                embedding_size: 512
                lstm_size: 1024
        DATASET:
            batch_size: 128
            num_workers: 4
            train:
                format: "FeatureDataset"
                file_path: "data/train.list"
            valid:
                format: "FeatureDataset"
                file_path: "data/val.list"
        OPTIMIZER:
            name: 'RMSProp'
            centered: True
            learning_rate:
                name: 'PiecewiseDecay'
                boundaries: [5, 8]
                values: [0.00025, 0.000025, 0.0000025]
            weight_decay:
                name: 'L2'
                value: 0.0004
        model_name: "AttentionLSTM"
        epochs: 10
        """)
    let config = try PipelineConfig.load(contentsOf: file)
    #expect(config.layout == .paddleVideo)
    #expect(config.model.type == .attentionLSTM)
    #expect(config.model.numClasses == 3862)
    #expect(config.model.featureDims == [1024, 128])
    #expect(config.model.embeddingSize == 512)
    #expect(config.model.lstmSize == 1024)
    #expect(config.train.optimizer == "rmsprop")
    #expect(config.train.centered == true)
    #expect(config.train.lrBoundaries == [5, 8])
    #expect(config.train.lrValues == [0.00025, 0.000025, 0.0000025])
    #expect(config.train.learningRate == 0.00025)
    #expect(config.train.weightDecay == 0.0004)
    #expect(config.train.batchSize == 128)
    #expect(config.train.epochs == 10)
    #expect(config.train.trainList?.path == file.deletingLastPathComponent().appendingPathComponent("data/train.list").path)
}

@Test func readsPaddleCVAttentionClusterLayout() throws {
    let file = try writeYAML(
        """
        MODEL:
            name: "AttentionCluster"
            dataset: "YouTube-8M"
            bone_network: None
            drop_rate: 0.5
            feature_num: 2
            feature_names: ['rgb', 'audio']
            feature_dims: [1024, 128]
            seg_num: 100
            cluster_nums: [32, 32]
            num_classes: 3862
            topk: 20
            UNIQUE:
                good: 20
                bad: 30
        TRAIN:
            epoch: 5
            learning_rate: 0.001
            pretrain_base: None
            batch_size: 2048
            num_gpus: 8
            filelist: "data/train.list"
        VALID:
            batch_size: 2048
            filelist: "data/val.list"
        INFER:
            batch_size: 1
        """)
    let config = try PipelineConfig.load(contentsOf: file)
    #expect(config.layout == .paddleCV)
    #expect(config.model.type == .attentionCluster)
    #expect(config.model.clusterNums == [32, 32])
    #expect(config.model.topK == 20)
    #expect(config.model.dropRate == 0.5)
    #expect(config.sampling.segNum == 100)
    #expect(config.train.optimizer == "adam")
    #expect(config.train.epochs == 5)
    #expect(config.train.learningRate == 0.001)
    #expect(config.train.batchSize == 2048)
    #expect(config.train.validList?.lastPathComponent == "val.list")
}

@Test func badPipelineFilesNameTheFileAndTheKey() throws {
    let cases: [(String, String)] = [
        ("model: {type: resnet}", "model.type: expected attention_cluster or attention_lstm, got 'resnet'"),
        ("sampling: {seg_num: -3}", "sampling.seg_num: must be at least 1, got -3"),
        ("sampling: {fps: zero}", "sampling.fps: expected a number"),
        ("modle: {type: attention_lstm}", "unknown key 'modle'"),
        ("model: [1, 2]", "model: expected a mapping"),
        ("train: {lr_boundaries: [1, 2], lr_values: [0.1]}", "train.lr_values: needs one more value than lr_boundaries (2), got 1"),
        ("train: {average_from: 0}", "train.average_from: must be at least 1, got 0"),
        ("cameras: {front: {fps: 1}}", "cameras.front.url: missing"),
        ("- just\n- a list", "not a valid pipeline YAML: the top level is not a mapping"),
        ("model: {type: [unclosed", "not a valid pipeline YAML"),
        ("MODEL: {name: TSN}", "MODEL.name: Vigil runs AttentionCluster and AttentionLSTM, not 'TSN'"),
    ]
    for (yaml, message) in cases {
        let file = try writeYAML(yaml)
        let error = #expect(throws: PipelineError.self) { try PipelineConfig.load(contentsOf: file) }
        let line = error?.errorDescription ?? ""
        #expect(line.hasPrefix(file.path), "\(line)")
        #expect(line.contains(message), "\(line)")
        #expect(!line.contains("\n"))
        #expect(error?.errorCode == 65)
    }
    let missing = URL(fileURLWithPath: "/nonexistent/p.yaml")
    let error = #expect(throws: PipelineError.self) { try PipelineConfig.load(contentsOf: missing) }
    #expect(error == .unreadable(path: "/nonexistent/p.yaml", reason: "no such file"))
    #expect(error?.errorCode == 66)
}

@Test func everyShippedPipelineLoads() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../pipelines").standardized
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
    #expect(!files.isEmpty)
    for name in files {
        let config = try PipelineConfig.load(contentsOf: folder.appendingPathComponent(name))
        #expect(config.layout == .vigil, "\(name)")
        #expect(config.model.type != nil, "\(name)")
    }
}

@Test func readsTheEventsListOfSinks() throws {
    let file = try writeYAML("events:\n  - stdout\n  - mqtt://vigil@broker.lan/home/vigil\n  - https://hooks.example.com/x?a=1,2\n")
    #expect(try PipelineConfig.load(contentsOf: file).events == ["stdout", "mqtt://vigil@broker.lan/home/vigil", "https://hooks.example.com/x?a=1,2"])
    let bad = try writeYAML("events: {mqtt: broker}")
    let error = #expect(throws: PipelineError.self) { try PipelineConfig.load(contentsOf: bad) }
    #expect(error?.errorDescription?.contains("events: expected a list of strings") == true)
}
