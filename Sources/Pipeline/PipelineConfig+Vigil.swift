// Vigil's own pipeline layout (docs/pipelines.md): model, sampling, extractors, train, watch, cameras.

import Models

extension PipelineConfig {
    static func readVigil(_ top: YAMLSection) throws -> PipelineConfig {
        try top.rejectUnknownKeys(["model", "sampling", "extractors", "train", "watch", "cameras", "events"])
        var config = PipelineConfig()
        config.layout = .vigil
        if let model = try top.section("model") { config.model = try readModel(model) }
        if let sampling = try top.section("sampling") { config.sampling = try readSampling(sampling) }
        if let extractors = try top.section("extractors") {
            try extractors.rejectUnknownKeys(["rgb", "audio"])
            config.extractors.rgb = try extractors.string("rgb")
            config.extractors.audio = try extractors.string("audio")
        }
        if let train = try top.section("train") { config.train = try readTrain(train) }
        if let watch = try top.section("watch") { config.watch = try readWatch(watch) }
        if let cameras = try top.section("cameras") { config.cameras = try readCameras(cameras) }
        config.events = try top.strings("events") ?? []
        return config
    }

    static func readModel(_ s: YAMLSection) throws -> ModelConfig {
        try s.rejectUnknownKeys([
            "type", "weights", "labels", "num_classes", "feature_dims", "cluster_nums", "embedding_size", "lstm_size",
            "fc_sizes", "drop_rate", "top_k",
        ])
        var model = ModelConfig()
        if let type = try s.string("type") {
            guard let kind = ModelKind(rawValue: type) else {
                throw s.bad("type", "expected attention_cluster or attention_lstm, got '\(type)'")
            }
            model.type = kind
        }
        model.weights = try s.url("weights")
        model.labels = try s.url("labels")
        model.numClasses = try s.int("num_classes")
        model.featureDims = try s.ints("feature_dims")
        model.clusterNums = try s.ints("cluster_nums")
        model.embeddingSize = try s.int("embedding_size")
        model.lstmSize = try s.int("lstm_size")
        model.fcSizes = try s.ints("fc_sizes")
        model.dropRate = try readDropRate(s, "drop_rate")
        model.topK = try s.int("top_k")
        return model
    }

    static func readDropRate(_ s: YAMLSection, _ key: String) throws -> Double? {
        guard let rate = try s.double(key) else { return nil }
        guard rate < 1 else { throw s.bad(key, "must be below 1, got \(rate)") }
        return rate
    }

    static func readSampling(_ s: YAMLSection) throws -> SamplingConfig {
        try s.rejectUnknownKeys(["seg_num", "mode", "seed", "fps"])
        var sampling = SamplingConfig()
        sampling.segNum = try s.int("seg_num", maximum: NumberLimits.segments.upperBound)
        if let mode = try s.string("mode") {
            guard let value = SamplingConfig.Mode(rawValue: mode) else {
                throw s.bad("mode", "expected center or random, got '\(mode)'")
            }
            sampling.mode = value
        }
        if let seed = try s.int("seed", minimum: 0, maximum: Int.max) { sampling.seed = UInt64(seed) }
        sampling.fps = try s.double("fps", minimum: 0, inclusive: false, maximum: NumberLimits.framesPerSecond.upperBound)
        return sampling
    }

    static let trainKeys: Set<String> = [
        "optimizer", "centered", "learning_rate", "epochs", "batch_size", "lr_boundaries", "lr_values", "weight_decay",
        "average_from", "train_list", "valid_list", "test_list",
    ]

    static func readTrain(_ s: YAMLSection) throws -> TrainConfig {
        var train = TrainConfig()
        train.optimizer = try s.string("optimizer")?.lowercased()
        train.centered = try s.bool("centered")
        train.learningRate = try s.double("learning_rate", minimum: 0, inclusive: false)
        train.epochs = try s.int("epochs")
        train.batchSize = try s.int("batch_size")
        train.lrBoundaries = try s.ints("lr_boundaries", minimum: 0)
        train.lrValues = try s.doubles("lr_values")
        train.weightDecay = try s.double("weight_decay")
        train.averageFrom = try s.int("average_from", minimum: 1)
        train.trainList = try s.url("train_list")
        train.validList = try s.url("valid_list")
        train.testList = try s.url("test_list")
        train.extra = s.extraScalars(excluding: trainKeys)
        try checkSchedule(train, in: s)
        return train
    }

    static func checkSchedule(_ train: TrainConfig, in s: YAMLSection) throws {
        let boundaries = train.lrBoundaries ?? [], values = train.lrValues ?? []
        guard !(boundaries.isEmpty && values.isEmpty) else { return }
        guard values.count == boundaries.count + 1 else {
            throw s.bad("lr_values", "needs one more value than lr_boundaries (\(boundaries.count)), got \(values.count)")
        }
    }

    static func readWatch(_ s: YAMLSection) throws -> WatchConfig {
        var watch = WatchConfig()
        watch.window = try s.double("window", minimum: 0, inclusive: false, maximum: NumberLimits.seconds.upperBound)
        watch.stride = try s.double("stride", minimum: 0, inclusive: false, maximum: NumberLimits.seconds.upperBound)
        if let events = try s.section("events") {
            watch.events.thresholds = try readThresholds(events)
            if let labels = try events.section("labels") {
                for label in labels.keys {
                    guard let section = try labels.section(label) else { continue }
                    try section.rejectUnknownKeys(thresholdKeys)
                    watch.events.labels[label] = try readThresholds(section)
                }
            }
            try events.rejectUnknownKeys(thresholdKeys.union(["labels"]))
        }
        watch.extra = s.extraScalars(excluding: ["window", "stride"])
        return watch
    }

    static let thresholdKeys: Set<String> = ["on", "off", "min_windows", "max_quiet"]

    static func readThresholds(_ s: YAMLSection) throws -> EventThresholds {
        var t = EventThresholds()
        t.on = try s.double("on")
        t.off = try s.double("off")
        t.minWindows = try s.int("min_windows")
        t.maxQuiet = try s.double("max_quiet")
        return t
    }

    static func readCameras(_ s: YAMLSection) throws -> [CameraConfig] {
        try s.keys.map { name in
            guard let camera = try s.section(name) else { throw s.bad(name, "expected a mapping with a url") }
            guard let url = try camera.string("url") else { throw camera.bad("url", "missing") }
            var config = CameraConfig(name: name, url: url)
            config.fps = try camera.double("fps", minimum: 0, inclusive: false, maximum: NumberLimits.framesPerSecond.upperBound)
            config.segNum = try camera.int("seg_num", maximum: NumberLimits.segments.upperBound)
            config.window = try camera.double("window", minimum: 0, inclusive: false, maximum: NumberLimits.seconds.upperBound)
            config.stride = try camera.double("stride", minimum: 0, inclusive: false, maximum: NumberLimits.seconds.upperBound)
            config.extra = camera.extraScalars(excluding: ["url", "fps", "seg_num", "window", "stride"])
            return config
        }
    }
}
