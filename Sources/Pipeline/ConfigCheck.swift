// A config's stated sizes against the sizes the weights imply; a disagreement names the tensor and both shapes.
import Models

/// Compares the sizes a `ModelConfig` states with a loaded model's.
struct ConfigCheck {
    let config: ModelConfig
    let weights: String

    func attentionCluster(_ sizes: AttentionCluster.Sizes) throws {
        let f = sizes.featureDims, c = sizes.clusterCounts
        try check(config.numClasses, sizes.classes, "num_classes", "logistic.weights", [sizes.fcSizes[1], sizes.classes])
        for i in 0..<f.count {
            try check(config.featureDims?[safe: i], f[i], "feature_dims[\(i)]", "satt\(i).conv.weight", [c[i], f[i], 1, 1])
            try check(config.clusterNums?[safe: i], c[i], "cluster_nums[\(i)]", "satt\(i).conv.weight", [c[i], f[i], 1, 1])
        }
        let z = zip(f, c).reduce(0) { $0 + $1.0 * $1.1 }
        try check(config.fcSizes?[safe: 0], sizes.fcSizes[0], "fc_sizes[0]", "fc1.weights", [z, sizes.fcSizes[0]])
        try check(config.fcSizes?[safe: 1], sizes.fcSizes[1], "fc_sizes[1]", "fc2.weights", [sizes.fcSizes[0], sizes.fcSizes[1]])
        try checkCounts(featureCount: f.count, clusterCount: c.count)
    }

    func attentionLSTM(_ sizes: AttentionLSTM.Sizes) throws {
        let f = sizes.featureDims, e = sizes.embeddingSizes, h = sizes.lstmSizes
        try check(config.numClasses, sizes.classes, "num_classes", "head.fc_logit.weight", [sizes.fcSizes[1], sizes.classes])
        for i in 0..<f.count {
            try check(config.featureDims?[safe: i], f[i], "feature_dims[\(i)]", "head.fc_feature\(i).weight", [f[i], e[i]])
            try check(config.embeddingSize, e[i], "embedding_size", "head.fc_feature\(i).weight", [f[i], e[i]])
            try check(config.lstmSize, h[i], "lstm_size", "head.bi_lstm\(i).weight_hh_l0", [4 * h[i], h[i]])
        }
        let z = h.reduce(0) { $0 + 2 * $1 }
        try check(config.fcSizes?[safe: 0], sizes.fcSizes[0], "fc_sizes[0]", "head.fc_out1.weight", [z, sizes.fcSizes[0]])
        try check(config.fcSizes?[safe: 1], sizes.fcSizes[1], "fc_sizes[1]", "head.fc_out2.weight", [sizes.fcSizes[0], sizes.fcSizes[1]])
        try checkCounts(featureCount: f.count, clusterCount: nil)
    }

    private func checkCounts(featureCount: Int, clusterCount: Int?) throws {
        if let dims = config.featureDims, dims.count != featureCount {
            throw PipelineError.usage("config feature_dims \(dims) lists \(dims.count) modalities; the weights \(weights) have \(featureCount)")
        }
        if let nums = config.clusterNums, let clusterCount, nums.count != clusterCount {
            throw PipelineError.usage("config cluster_nums \(nums) lists \(nums.count) modalities; the weights \(weights) have \(clusterCount)")
        }
    }

    private func check(_ stated: Int?, _ actual: Int, _ key: String, _ tensor: String, _ shape: [Int]) throws {
        guard let stated, stated != actual else { return }
        throw PipelineError.usage("config \(key) is \(stated) but tensor \(tensor) in \(weights) has shape \(shape) (\(actual))")
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
