// OpenBLAS kernel and thread choice. Debian's OpenBLAS 0.3.21 falls back to its slow Prescott kernels on CPUs it
// does not recognise; the kernel is fixed in the library's constructor, so the program re-executes itself once with
// OPENBLAS_CORETYPE set from the CPU's features (see docs/models.md, "OpenBLAS kernel").
import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Chooses and reports OpenBLAS's compute kernel and thread count.
public enum OpenBLASKernel {
    /// Environment variable that marks the re-executed process, so it never re-executes again.
    static let reexecMarker = "VIGIL_OPENBLAS_REEXEC"

    /// Kernels from slowest to fastest among those this program picks; names unknown here are left alone.
    static let ranked = ["prescott", "core2", "nehalem", "sandybridge", "haswell", "zen", "skylakex", "cooperlake"]

    /// The kernel OpenBLAS runs with (`openblas_get_corename`), e.g. "Haswell".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Number of threads OpenBLAS uses for one call.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Makes OpenBLAS use `count` threads (at least 1).
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The OPENBLAS_CORETYPE that fits a CPU with these /proc/cpuinfo `flags`, or nil when nothing better than the
    /// generic kernel applies.
    public static func coreType(forCPUFlags flags: Set<String>) -> String? {
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        if flags.contains("avx") { return "Sandybridge" }
        if flags.contains("sse4_2") { return "Nehalem" }
        return nil
    }

    /// The flags of the first processor in a /proc/cpuinfo text.
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// The kernel to switch to, or nil to keep the current one: a user-set OPENBLAS_CORETYPE always wins, an
    /// already re-executed process stays, and only a kernel ranked above the current one is worth a re-exec.
    public static func betterCoreType(environment: [String: String], cpuinfo: String, current: String) -> String? {
        if environment["OPENBLAS_CORETYPE"] != nil || environment[reexecMarker] != nil { return nil }
        guard let wanted = coreType(forCPUFlags: cpuFlags(cpuinfo: cpuinfo)),
            let wantedRank = ranked.firstIndex(of: wanted.lowercased()),
            let currentRank = ranked.firstIndex(of: current.lowercased())
        else { return nil }
        return currentRank < wantedRank ? wanted : nil
    }

    /// Re-executes this program once with OPENBLAS_CORETYPE set when OpenBLAS picked a slower kernel than the CPU
    /// supports. Returns (and the program goes on with the current kernel) when no switch is needed or exec fails.
    public static func reexecWithBetterKernelIfNeeded() {
        #if os(Linux)
        let environment = ProcessInfoEnvironment.current()
        guard let cpuinfo = readSmallFile("/proc/cpuinfo"),
            let wanted = betterCoreType(environment: environment, cpuinfo: cpuinfo, current: coreName)
        else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        setenv(reexecMarker, "1", 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", argv)
        // exec failed: stay in this process with the kernel OpenBLAS chose.
        for pointer in argv { free(pointer) }
        unsetenv("OPENBLAS_CORETYPE")
        #endif
    }

    /// Reads a text file of moderate size with plain libc calls (no Foundation in this module).
    static func readSmallFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 1 << 22 {
            let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if read <= 0 { break }
            bytes.append(contentsOf: chunk[0..<read])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The process environment as a dictionary, read from libc's `environ`.
enum ProcessInfoEnvironment {
    static func current() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }
}
