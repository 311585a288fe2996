// Running the two modalities' branches (rgb, audio) on two cores at once. Their LSTM recurrences are long chains of
// small matrix-vector products that gain little from OpenBLAS's own threads, so each branch gets one core and
// OpenBLAS runs single-threaded inside it; the branches touch disjoint buffers and parameters.
import Dispatch
import Tensor

/// Runs `body(i)` for each branch index, concurrently when OpenBLAS was given two or more threads.
func forEachBranch(_ count: Int, _ body: (Int) -> Void) {
    let threads = OpenBLASKernel.threads
    guard threads >= 2, count > 1 else {
        for i in 0..<count { body(i) }
        return
    }
    OpenBLASKernel.setThreads(1)
    withoutActuallyEscaping(body) { body in
        let branches = DisjointWork(body: body)
        DispatchQueue.concurrentPerform(iterations: count) { branches.body($0) }
    }
    OpenBLASKernel.setThreads(threads)
}

/// Work whose concurrent calls touch disjoint memory (one branch each), so it may cross threads.
private struct DisjointWork: @unchecked Sendable {
    let body: (Int) -> Void
}
