// Running the two modalities' branches (rgb, audio) on two cores at once. Their LSTM recurrences are long chains of
// small matrix-vector products that gain little from OpenBLAS's own threads, so each branch gets one core and
// OpenBLAS runs single-threaded inside it; the branches touch disjoint buffers and parameters. Whether they run
// concurrently is a process-wide choice made once at start-up (Pipeline's `ComputePolicy`), together with
// OpenBLAS's thread count; nothing here changes either during a forward or backward pass.
import Tensor

/// The process's branch policy: concurrent only when start-up gave OpenBLAS a single thread and the process at
/// least two cores (concurrent callers of a multi-threaded OpenBLAS would queue on its pool's lock).
public enum BranchParallelism {
    /// Written only by `configure`, at start-up before any thread that runs a model exists; read-only afterwards.
    nonisolated(unsafe) private static var concurrent = false

    /// Whether `forEachBranch` runs the branches on their own threads.
    public static var isConcurrent: Bool { concurrent }

    /// Set once at start-up, before any model runs (Pipeline's `ComputePolicy.apply`).
    public static func configure(concurrent: Bool) { Self.concurrent = concurrent }
}

/// Runs `body(i)` for each branch index, concurrently when `concurrently` (the start-up policy by default).
func forEachBranch(_ count: Int, concurrently: Bool = BranchParallelism.isConcurrent, _ body: (Int) -> Void) {
    guard concurrently, count > 1 else {
        for i in 0..<count { body(i) }
        return
    }
    forEachPart(count, body)  // Tensor's: one thread per branch, each writing its own memory
}
