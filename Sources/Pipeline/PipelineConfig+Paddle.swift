// PaddlePaddle's own config layouts: PaddleVideo 2.x (attention_lstm_youtube8m.yaml) and PaddleCV
// (attention_cluster.yaml); see the reference spec §2.6 and §3.5. Keys Vigil has no use for are ignored.

import Models

extension PipelineConfig {
    /// PaddleVideo: MODEL.head {name, num_classes, feature_dims, embedding_size, lstm_size}, DATASET.batch_size
    /// and {train,valid,test}.file_path, OPTIMIZER {name, centered, learning_rate, weight_decay}, epochs.
    static func readPaddleVideo(_ top: YAMLSection) throws -> PipelineConfig {
        var config = PipelineConfig()
        config.layout = .paddleVideo
        if let model = try top.section("MODEL") {
            let head = try model.section("head") ?? model
            try readPaddleModel(head, name: head.string("name") ?? top.string("model_name"), into: &config)
        }
        if let dataset = try top.section("DATASET") {
            config.train.batchSize = try dataset.int("batch_size")
            config.train.trainList = try dataset.section("train")?.url("file_path")
            config.train.validList = try dataset.section("valid")?.url("file_path")
            config.train.testList = try dataset.section("test")?.url("file_path")
        }
        if let optimizer = try top.section("OPTIMIZER") {
            config.train.optimizer = try optimizer.string("name")?.lowercased()
            config.train.centered = try optimizer.bool("centered")
            if let schedule = try optimizer.section("learning_rate") {
                config.train.lrBoundaries = try schedule.ints("boundaries", minimum: 0)
                config.train.lrValues = try schedule.doubles("values")
                config.train.learningRate = try schedule.double("learning_rate") ?? config.train.lrValues?.first
                try checkSchedule(config.train, in: schedule)
            } else {
                config.train.learningRate = try optimizer.double("learning_rate", minimum: 0, inclusive: false)
            }
            if let decay = try optimizer.section("weight_decay") {
                config.train.weightDecay = try decay.double("value")
            } else {
                config.train.weightDecay = try optimizer.double("weight_decay")
            }
        }
        config.train.epochs = try top.int("epochs")
        return config
    }

    /// PaddleCV: MODEL {name, drop_rate, feature_dims, seg_num, cluster_nums, num_classes, topk, embedding_size,
    /// lstm_size}, TRAIN {epoch, learning_rate, batch_size, filelist}, VALID/TEST {filelist}. Optimizer: Adam.
    static func readPaddleCV(_ top: YAMLSection) throws -> PipelineConfig {
        var config = PipelineConfig()
        config.layout = .paddleCV
        if let model = try top.section("MODEL") {
            try readPaddleModel(model, name: model.string("name"), into: &config)
        }
        if let train = try top.section("TRAIN") {
            config.train.optimizer = config.model.type == .attentionCluster ? "adam" : nil
            config.train.epochs = try train.int("epoch")
            config.train.learningRate = try train.double("learning_rate", minimum: 0, inclusive: false)
            config.train.batchSize = try train.int("batch_size")
            config.train.trainList = try train.url("filelist")
        }
        config.train.validList = try top.section("VALID")?.url("filelist")
        config.train.testList = try top.section("TEST")?.url("filelist")
        return config
    }

    /// The model keys both Paddle layouts share (in PaddleVideo's `MODEL.head`, PaddleCV's `MODEL`).
    static func readPaddleModel(_ s: YAMLSection, name: String?, into config: inout PipelineConfig) throws {
        config.model.type = try modelKind(name, in: s, key: "name")
        config.model.numClasses = try s.int("num_classes")
        config.model.featureDims = try s.ints("feature_dims")
        config.model.clusterNums = try s.ints("cluster_nums")
        config.model.embeddingSize = try s.int("embedding_size")
        config.model.lstmSize = try s.int("lstm_size")
        config.model.dropRate = try readDropRate(s, "drop_rate")
        config.model.topK = try s.int("topk")
        config.sampling.segNum = try s.int("seg_num", maximum: NumberLimits.segments.upperBound)
    }

    /// Maps Paddle's model or head names (AttentionCluster, AttentionLSTM, AttentionLstmHead) to a model kind.
    static func modelKind(_ name: String?, in s: YAMLSection, key: String) throws -> ModelKind? {
        guard let name else { return nil }
        switch name.lowercased() {
        case "attentioncluster", "attention_cluster": return .attentionCluster
        case "attentionlstm", "attentionlstmhead", "attention_lstm": return .attentionLSTM
        default: throw s.bad(key, "Vigil runs AttentionCluster and AttentionLSTM, not '\(name)'")
        }
    }
}
