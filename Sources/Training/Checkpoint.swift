// Checkpoint: trained weights as a Vigil safetensors file (Formats' writer and metadata keys) plus what training
// needs to resume: completed epochs, the best validation Hit@1 and AttentionCluster's seg_num.
import Formats
import Foundation
import Models
import Tensor

/// What a Vigil checkpoint records beside the tensors (safetensors `__metadata__`).
public struct CheckpointMetadata: Sendable, Equatable {
    /// The model's sizes (`model_type`, and `config` as JSON with the pipeline YAML's key names).
    public var blueprint: ModelBlueprint
    /// Class names (`label_names`), when known.
    public var labels: LabelMap?
    /// AttentionCluster's rows per video during training (`seg_num`).
    public var segments: Int?
    /// The dropout probability trained with (`drop_rate`); AttentionCluster's inference scales by 1 − it.
    public var dropRate: Float?
    /// Epochs completed when the file was written (`epoch`).
    public var epochsCompleted: Int
    /// Best validation Hit@1 so far (`best_hit_at_one`), if validated.
    public var bestHitAtOne: Double?

    /// Metadata for a checkpoint.
    public init(
        blueprint: ModelBlueprint, labels: LabelMap? = nil, segments: Int? = nil, dropRate: Float? = nil,
        epochsCompleted: Int = 0, bestHitAtOne: Double? = nil
    ) {
        self.blueprint = blueprint
        self.labels = labels
        self.segments = segments
        self.dropRate = dropRate
        self.epochsCompleted = epochsCompleted
        self.bestHitAtOne = bestHitAtOne
    }

    /// Reads back what `weightFile` wrote; nil when the file carries no Vigil config (e.g. a Paddle `.pdparams`).
    public init?(_ file: WeightFile, path: String) throws {
        guard let config = file.metadata[WeightFile.MetadataKey.config]?.data(using: .utf8),
            let blueprint = try? JSONDecoder().decode(ModelBlueprint.self, from: config)
        else { return nil }
        self.blueprint = blueprint
        labels = try file.labelMap(path: path)
        segments = file.metadata["seg_num"].flatMap { Int($0) }
        dropRate = file.metadata["drop_rate"].flatMap { Float($0) }
        epochsCompleted = file.metadata["epoch"].flatMap { Int($0) } ?? 0
        bestHitAtOne = file.metadata["best_hit_at_one"].flatMap { Double($0) }
    }

    /// `tensors` with this metadata, ready for Formats' `saveWeights`.
    public func weightFile(_ tensors: [String: Tensor]) throws -> WeightFile {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var metadata = [
            WeightFile.MetadataKey.config: String(decoding: try encoder.encode(blueprint), as: UTF8.self),
            "epoch": String(epochsCompleted),
            WeightFile.MetadataKey.modelType: blueprint.type,
        ]
        if let bestHitAtOne { metadata["best_hit_at_one"] = String(bestHitAtOne) }
        if let segments { metadata["seg_num"] = String(segments) }
        if let dropRate { metadata["drop_rate"] = String(dropRate) }
        let file = WeightFile(tensors: tensors, metadata: metadata, format: .safetensors)
        return try labels.map(file.withLabelNames) ?? file
    }
}

/// Writes training checkpoints and the optimiser state that lets a resumed run continue exactly.
public enum Checkpoint {
    /// Writes `weights` with `metadata` to `url` atomically.
    public static func write(_ weights: [String: Tensor], metadata: CheckpointMetadata, to url: URL) throws {
        try replacing(url) { try saveWeights(metadata.weightFile(weights), to: $0) }
    }

    /// Writes the optimiser's state beside the checkpoint at `checkpoint` (`NAME.optimizer.safetensors`), tagged
    /// with the optimiser kind and the completed epochs so that only the matching checkpoint picks it up.
    public static func writeOptimizerState(
        _ state: [String: [Float]], kind: OptimizerKind, epochsCompleted: Int, beside checkpoint: URL
    ) throws {
        let tensors = state.mapValues { Tensor(shape: [$0.count], scalars: $0) }
        let metadata = ["optimizer": kind.rawValue, "epoch": String(epochsCompleted), "format": "vigil-optimizer"]
        try replacing(optimizerURL(beside: checkpoint)) { try Safetensors.write(tensors, metadata: metadata, to: $0) }
    }

    /// The optimiser state saved beside `checkpoint`, if present and written for `kind` at `epochsCompleted`.
    public static func optimizerState(beside checkpoint: URL, kind: OptimizerKind, epochsCompleted: Int) throws -> [String: [Float]]? {
        let url = optimizerURL(beside: checkpoint)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let file = try Safetensors.read(contentsOf: url)
        guard file.metadata["optimizer"] == kind.rawValue, file.metadata["epoch"] == String(epochsCompleted) else { return nil }
        return file.tensors.mapValues(\.scalars)
    }

    static func optimizerURL(beside checkpoint: URL) -> URL {
        let stem = checkpoint.deletingPathExtension().lastPathComponent
        return checkpoint.deletingLastPathComponent().appendingPathComponent("\(stem).optimizer.safetensors")
    }

    /// Runs `write` on a temporary file beside `url`, then renames it into place. A `.safetensors` name is written
    /// directly: Formats' OutputFile already writes by temporary and rename, keeping the replaced file's mode. Other
    /// names still get safetensors bytes, through a `.safetensors` temporary that picks the format.
    private static func replacing(_ url: URL, _ write: (URL) throws -> Void) throws {
        if url.pathExtension.lowercased() == "safetensors" { return try write(url) }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).safetensors")
        try write(temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw TrainingError.writeFailed(path: url.path, reason: reason)
        }
    }

    /// The running average of the weights beside the latest checkpoint `checkpoint`: `NAME.average.safetensors`.
    public static func averageURL(beside checkpoint: URL) -> URL {
        let stem = checkpoint.deletingPathExtension().lastPathComponent
        return checkpoint.deletingLastPathComponent().appendingPathComponent("\(stem).average.safetensors")
    }

    /// The file beside `output` that holds the latest epoch's weights: `NAME.last.safetensors`.
    public static func latestURL(for output: URL) -> URL {
        let stem = output.deletingPathExtension().lastPathComponent
        return output.deletingLastPathComponent().appendingPathComponent("\(stem).last.safetensors")
    }
}
