// FeatureDataset: the labelled videos of a feature list, held in memory, with seeded shuffling and batching.
import Formats
import Foundation
import Tensor

/// The videos of one data list (train or validation).
public struct FeatureDataset: Sendable {
    /// Every video, in list order then file order.
    public var videos: [FeatureRecord]
    /// Where the videos came from (the list's path), for error messages.
    public var source: String

    /// A dataset of `videos` read from `source`.
    public init(videos: [FeatureRecord], source: String = "the dataset") {
        self.videos = videos
        self.source = source
    }

    /// Reads every feature file the list at `list` names (any format Formats reads), spreading files over all cores.
    public static func load(list: URL) throws -> FeatureDataset {
        var dataset = try load(files: FeatureList.read(list))
        dataset.source = list.path
        guard !dataset.videos.isEmpty else { throw TrainingError.malformed(path: list.path, reason: "the listed files hold no videos") }
        return dataset
    }

    /// Reads feature files and lists of them (`.list`, `.txt`), in order.
    public static func load(inputs: [URL]) throws -> FeatureDataset {
        var files: [URL] = []
        for input in inputs {
            files += ["list", "txt"].contains(input.pathExtension.lowercased()) ? try FeatureList.read(input) : [input]
        }
        var dataset = try load(files: files)
        dataset.source = inputs.count == 1 ? inputs[0].path : "the inputs"
        return dataset
    }

    /// Reads `files` concurrently; the first failure (in file order) is thrown.
    static func load(files: [URL]) throws -> FeatureDataset {
        let loaded = parallelMap(files.count) { index in Result { try readFeatureRecords(files[index]) } }
        var videos: [FeatureRecord] = []
        for result in loaded { videos += try result.get() }
        return FeatureDataset(videos: videos)
    }

    /// One more than the largest label (the class count when nothing else gives it).
    public var classCount: Int { (videos.flatMap(\.labels).max() ?? 0) + 1 }

    /// Fails, naming `source`, unless every video has the model's modalities (rgb; rgb and audio: one per
    /// `featureDims` entry) of the given widths with at least one row and labels inside 0..<classes. Feature files
    /// carry at most rgb and audio, so a model of more modalities cannot train on them.
    public func validate(classes: Int, featureDims: [Int]) throws {
        guard featureDims.count <= 2 else {
            throw TrainingError.malformed(
                path: source, reason: "the model reads \(featureDims.count) modalities; feature files carry rgb and audio only")
        }
        for video in videos {
            for ((name, tensor), width) in zip([("rgb", video.rgb), ("audio", video.audio)], featureDims) {
                guard tensor.shape.count == 2, tensor.shape[1] == width, tensor.shape[0] > 0 else {
                    throw TrainingError.malformed(
                        path: source, reason: "video \(video.id): \(name) features have shape \(tensor.shape), expected [T, \(width)]")
                }
            }
        }
        try validateLabels(classes: classes)
    }

    /// Fails, naming `source` and the video, when a label lies outside 0..<classes.
    public func validateLabels(classes: Int) throws {
        for video in videos {
            if let bad = video.labels.first(where: { !(0..<classes).contains($0) }) {
                throw TrainingError.malformed(path: source, reason: "video \(video.id): label \(bad) is outside 0..<\(classes)")
            }
        }
    }

    /// Consecutive batches of at most `size` video indices, in `order` (the last batch may be short).
    public static func batches(_ order: [Int], size: Int) -> [[Int]] {
        stride(from: 0, to: order.count, by: max(1, size)).map { Array(order[$0..<min($0 + max(1, size), order.count)]) }
    }

    /// Multi-hot labels [B, K] for the videos at `indices`.
    func labelMatrix(_ indices: [Int], classes: Int) -> Tensor {
        var labels = Tensor(zeros: [indices.count, classes])
        for (row, index) in indices.enumerated() {
            for label in videos[index].labels where (0..<classes).contains(label) { labels.scalars[row * classes + label] = 1 }
        }
        return labels
    }
}
