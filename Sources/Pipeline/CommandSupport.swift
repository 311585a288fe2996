// What the small CLI commands call: each job that is more than parsing lives here, so the CLI imports only Pipeline
// (and ArgumentParser).
import Formats
import Foundation
import Logging
import Media
import Models
import Stream
import Tensor
import Training

/// Process start-up, once, before any command runs: OpenBLAS's kernel (a one-time re-exec), the default compute
/// policy, stdout's policy (a closed stdout is an error, exit 74, not a SIGPIPE death), and a file-size limit
/// (ulimit -f) that must not kill vigil without a word: SIGXFSZ is ignored, the write fails with EFBIG and the
/// command ends with its one line and exit 74, its temporary removed (Formats' OutputFile).
public enum Startup {
    public static func prepare() {
        signal(SIGXFSZ, SIG_IGN)
        Termination.install()  // TERM, INT, HUP: clean up and exit 128 + N until watch or train takes them over
        OpenBLASKernel.reexecWithBetterKernelIfNeeded()
        ComputePolicy.apply(ComputePolicy.decide(threads: nil, cores: OpenBLASKernel.threads))
        JSONLineWriter.ignoreBrokenPipes()
    }

    /// The exit status of a command that stopped early on SIGINT, SIGTERM or SIGHUP: 128 + N (130 when none arrived).
    public static var stoppedStatus: Int32 { 128 + (Termination.lastSignal ?? SIGINT) }

    /// Before a failure is reported: if a stop signal is ending the process, let it (exit 128 + N), since the
    /// failure (a plug-in killed by the signal's clean-up) is its consequence.
    public static func yieldToStopSignal() { Termination.parkIfExiting() }
}

/// The process's compute policy: OpenBLAS's thread count and whether AttentionLSTM runs its two branches (rgb,
/// audio) concurrently. Decided at start-up, before any model runs, and never switched inside a forward pass
/// (OpenBLAS's thread count is process-wide). Vigil's own threads (the two branches, one pair per camera) are its
/// parallelism by default, with OpenBLAS single-threaded on each caller's thread; `--threads N` hands the cores to
/// OpenBLAS instead and runs the branches one after the other.
public struct ComputePolicy: Equatable, Sendable {
    /// OpenBLAS's threads per call.
    public let blasThreads: Int
    /// Whether AttentionLSTM's branches run on two threads at once.
    public let concurrentBranches: Bool

    /// The policy for an explicit `threads` request (nil: none) on a process OpenBLAS gave `cores` threads by
    /// default (its core count, or OPENBLAS_NUM_THREADS).
    public static func decide(threads: Int?, cores: Int) -> ComputePolicy {
        if let threads { return ComputePolicy(blasThreads: max(1, threads), concurrentBranches: false) }
        return ComputePolicy(blasThreads: 1, concurrentBranches: cores >= 2)
    }

    /// Makes `policy` the process's: call only at start-up, before any model runs.
    public static func apply(_ policy: ComputePolicy) {
        OpenBLASKernel.setThreads(policy.blasThreads)
        BranchParallelism.configure(concurrent: policy.concurrentBranches)
    }

    /// A command's start: `--threads` (nil: the start-up default stays), logged on stderr with `verbose`.
    public static func configure(threads: Int?, verbose: Bool) {
        if let threads { apply(decide(threads: threads, cores: threads)) }
        var logger = Logger(label: "vigil", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = verbose ? .debug : .warning
        let branches = BranchParallelism.isConcurrent ? "concurrent" : "sequential"
        logger.debug("OpenBLAS kernel \(OpenBLASKernel.coreName), \(OpenBLASKernel.threads) thread(s), \(branches) branches")
    }
}

/// `vigil info`: the facts of a media file or stream.
public enum MediaInspection {
    /// Opens and probes `location` (exact frame count for files).
    public static func info(_ location: String) throws -> MediaInfo { try MediaSource(url: location).info }
}

/// `vigil convert`: weights from one format to the other, checked by building the model on the way.
public enum WeightConversion {
    /// Reads `input`, builds its model (every key, consistent shapes) or fails, stores `labels` (a label map file)
    /// in a `.safetensors` output, and writes `output` in the format its extension names.
    public static func convert(_ input: URL, to output: URL, labels: URL?) throws {
        var weights = try loadWeights(input)
        guard let kind = ModelKind.of(tensors: weights.tensors, metadata: weights.metadata) else {
            throw ModelError.badInput("\(input.path): the weights are neither AttentionLSTM's nor AttentionCluster's")
        }
        _ = try kind.make(weights: weights.tensors)
        weights.metadata[WeightFile.MetadataKey.modelType] = kind.rawValue
        if let labels { weights = try weights.withLabelNames(LabelMap.load(labels)) }
        try saveWeights(weights, to: output)
    }
}

/// `vigil eval`: YouTube-8M metrics of weights on labelled feature files.
public enum Evaluation {
    /// The metrics; `config` gives the model type and seg_num when the weights do not, and the dropout rate.
    public static func run(
        weights: URL, config: URL?, inputs: [URL], topK: Int, batchSize: Int, batchMean: Int?
    ) throws -> VideoMetrics {
        let pipeline = try config.map { try PipelineConfig.load(contentsOf: $0) }
        let evaluator = try TrainingInputs.evaluator(
            weights: weights, modelType: pipeline?.model.type?.rawValue, segments: pipeline?.sampling.segNum,
            dropRate: pipeline?.model.dropRate)
        let data = try FeatureDataset.load(inputs: inputs)
        try data.validateLabels(classes: evaluator.model.classCount)
        return try evaluator.evaluate(data, batchSize: batchSize, topK: topK, batchMean: batchMean).metrics
    }
}

extension Predictor {
    /// The model `settings` name (`vigil predict`, `vigil classify`): weights, labels, AttentionCluster's seg_num and
    /// row sampling as resolved there; the pipeline file's model sizes are checked against the weights.
    public convenience init(settings: PipelineSettings) throws {
        guard let url = settings.weights else {
            throw PipelineError.usage("no weights: give --weights or set model.weights in \(settings.config.source?.path ?? "a --pipeline")")
        }
        try self.init(weights: url, config: settings.config, labels: settings.labels, segments: settings.segments, mode: settings.rowMode)
    }

    /// Every video of the feature files `inputs`, in input order, `batchSize` per forward pass (batches span
    /// files), each result passed to `emit`. A file that cannot be read fails after the videos before it were emitted.
    public func predict(
        files inputs: [URL], batchSize: Int, topK: Int, allScores: Bool, emit: (Prediction) throws -> Void
    ) throws {
        var pending: [FeatureRecord] = []
        func flush() throws {
            try predict(batch: pending, topK: topK, allScores: allScores, emit: emit)
            pending.removeAll()
        }
        for input in inputs {
            let records: [FeatureRecord]
            do { records = try readFeatureRecords(input) } catch {
                try flush()  // the videos of earlier files are printed before this file's error
                throw error
            }
            for record in records {
                pending.append(record)
                if pending.count == batchSize { try flush() }
            }
        }
        try flush()
    }
}

extension ScoreTimeline {
    /// Writes the drawing to `url` (through a temporary name, renamed when whole).
    public func writeSVG(to url: URL) throws {
        try OutputFile.write(Data(svg().utf8), to: url)
    }
}

extension WatchRequest {
    /// The sink of a watch without other destinations: JSON Lines on stdout (`--no-window-events`: no window lines).
    public static func standardOutputSink(writesWindows: Bool) -> any EventSink {
        EventWriter(writesWindows: writesWindows)
    }
}
