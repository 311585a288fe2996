import Testing

@testable import Tensor

private let avx512Flags = "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512bw avx512vl\n"
private let avx2Flags = "flags\t: fpu sse4_2 avx avx2 fma\n"

@Test func coreTypeFollowsCPUFeatures() {
    #expect(OpenBLASKernel.coreType(forCPUFlags: OpenBLASKernel.cpuFlags(cpuinfo: avx512Flags)) == "SkylakeX")
    #expect(OpenBLASKernel.coreType(forCPUFlags: OpenBLASKernel.cpuFlags(cpuinfo: avx2Flags)) == "Haswell")
    #expect(OpenBLASKernel.coreType(forCPUFlags: ["sse2", "avx"]) == "Sandybridge")
    #expect(OpenBLASKernel.coreType(forCPUFlags: ["sse2"]) == nil)
}

@Test func reexecOnlyUpgradesAFallbackKernelAndNeverOverridesTheUser() {
    let better = OpenBLASKernel.betterCoreType(environment: [:], cpuinfo: avx512Flags, current: "Prescott")
    #expect(better == "SkylakeX")
    // A user-set OPENBLAS_CORETYPE wins; the re-executed process never re-executes again.
    #expect(OpenBLASKernel.betterCoreType(environment: ["OPENBLAS_CORETYPE": "Haswell"], cpuinfo: avx512Flags, current: "Prescott") == nil)
    #expect(OpenBLASKernel.betterCoreType(environment: ["VIGIL_OPENBLAS_REEXEC": "1"], cpuinfo: avx512Flags, current: "Prescott") == nil)
    // A recognised CPU keeps its kernel; unknown kernel names are left alone.
    #expect(OpenBLASKernel.betterCoreType(environment: [:], cpuinfo: avx512Flags, current: "Cooperlake") == nil)
    #expect(OpenBLASKernel.betterCoreType(environment: [:], cpuinfo: avx2Flags, current: "Haswell") == nil)
    #expect(OpenBLASKernel.betterCoreType(environment: [:], cpuinfo: avx512Flags, current: "NeoverseN1") == nil)
}

@Test func openBLASReportsAKernelAndThreadCount() {
    // The environment's OPENBLAS_CORETYPE (if any) is what the library runs with; tests never override it.
    #expect(!OpenBLASKernel.coreName.isEmpty)
    #expect(OpenBLASKernel.threads >= 1)
}
