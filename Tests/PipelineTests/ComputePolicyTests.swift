// The start-up compute policy: who gets the cores, OpenBLAS or AttentionLSTM's two branches.
import Testing

@testable import Pipeline

@Suite struct ComputePolicyTests {
    @Test func byDefaultTheBranchesGetTheCoresAndOpenBLASOneThread() {
        #expect(ComputePolicy.decide(threads: nil, cores: 2) == ComputePolicy(blasThreads: 1, concurrentBranches: true))
        #expect(ComputePolicy.decide(threads: nil, cores: 8) == ComputePolicy(blasThreads: 1, concurrentBranches: true))
    }

    @Test func oneCoreRunsTheBranchesInTurn() {
        #expect(ComputePolicy.decide(threads: nil, cores: 1) == ComputePolicy(blasThreads: 1, concurrentBranches: false))
    }

    @Test func threadsHandsTheCoresToOpenBLAS() {
        #expect(ComputePolicy.decide(threads: 4, cores: 2) == ComputePolicy(blasThreads: 4, concurrentBranches: false))
        #expect(ComputePolicy.decide(threads: 1, cores: 2) == ComputePolicy(blasThreads: 1, concurrentBranches: false))
    }
}
