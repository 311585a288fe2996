// The processes an exec plug-in started, found through /proc even after they left its process group: every process
// whose environment carries the plug-in's token, and every descendant (by parent pid) of the plug-in or of one of those.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Finds and kills what one plug-in started. `ChildProcess` (their one owner) puts `variable=token` in the plug-in's
/// environment; a child inherits it through `setsid`, a double fork and `exec`, so a daemon the plug-in detached is
/// still found after its parent died and init adopted it. Only a process that also clears its environment escapes.
enum PluginProcesses {
    /// The environment variable that marks a plug-in's processes.
    static let variable = "VIGIL_PLUGIN"

    /// A token no other plug-in of any running vigil carries: our pid and 64 random bits.
    static func newToken() -> String { "\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))" }

    /// SIGKILLs the plug-in's process group and every process that belongs to it, scanning /proc again until a scan
    /// finds none left (a process may fork while its relatives are killed); at most `rounds` scans. `root` is the
    /// plug-in's pid while it has not been reaped (after that the pid may name another process): nil, only the token
    /// counts.
    static func killAll(root: pid_t?, token: String, rounds: Int = 5) {
        if let root { _ = kill(-root, SIGKILL) }
        for round in 0..<rounds {
            let found = members(root: root, token: token)
            if found.isEmpty { return }
            for pid in found { _ = kill(pid, SIGKILL) }
            if round + 1 < rounds { usleep(2_000) }
        }
    }

    /// The live (not zombie) processes that belong to the plug-in `root` marked with `token`, `root` included.
    static func members(root: pid_t?, token: String) -> [pid_t] {
        let marker = Array("\(variable)=\(token)".utf8)
        var children: [pid_t: [pid_t]] = [:]
        var seeds: [pid_t] = []
        var live: Set<pid_t> = []
        let own = getpid()
        for pid in processIDs() where pid != own {
            guard let (parent, state) = parentAndState(of: pid), state != "Z", state != "X" else { continue }
            live.insert(pid)
            children[parent, default: []].append(pid)
            if pid == root || environment(of: pid, contains: marker) { seeds.append(pid) }
        }
        var found: Set<pid_t> = []
        var stack = seeds
        while let pid = stack.popLast() {
            guard live.contains(pid), found.insert(pid).inserted else { continue }
            stack += children[pid] ?? []
        }
        return found.sorted()
    }

    /// Every numeric entry of /proc.
    private static func processIDs() -> [pid_t] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return names.compactMap { pid_t($0) }
    }

    /// The parent pid and state letter from /proc/PID/stat ("pid (comm) S ppid …"; comm may hold spaces and ')').
    private static func parentAndState(of pid: pid_t) -> (pid_t, Character)? {
        guard let bytes = read("/proc/\(pid)/stat", limit: 4096),
              let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        let fields = String(decoding: bytes[(close + 1)...], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let parent = pid_t(fields[1]) else { return nil }
        return (parent, state)
    }

    /// Whether /proc/PID/environ (NUL-separated, readable for our own user's processes) holds `entry`.
    private static func environment(of pid: pid_t, contains entry: [UInt8]) -> Bool {
        guard let bytes = read("/proc/\(pid)/environ", limit: 1 << 20) else { return false }
        return bytes.split(separator: 0, omittingEmptySubsequences: true).contains { $0.elementsEqual(entry) }
    }

    /// Up to `limit` bytes of a /proc file (their size reads as 0, so read until the end).
    private static func read(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = Glibc.read(fd, &chunk, chunk.count)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }
}
