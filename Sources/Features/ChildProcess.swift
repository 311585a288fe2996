// A plug-in child process: started through /bin/sh in its own process group and marked in its environment, stdin
// and stdout on one Unix socket.
import Formats
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process whose stdin and stdout are one end of a Unix socket pair; the other end is `socket`.
/// Its stderr is ours. Ending it, normally or not, kills its whole process group (the shell and what it started) and
/// every process `PluginProcesses` finds with its token, so also what left the group (`setsid`, `setpgid`, a
/// daemonising double fork); so does a signal that ends vigil (`Termination`).
final class ChildProcess {
    let command: String
    let pid: pid_t
    /// Our end of the socket pair: write requests, read answers.
    let socket: Int32
    private var exitStatus: Int32? {
        didSet { if exitStatus != nil { reaped.set() } }
    }
    /// Set once the child is reaped: its pid may then name another process (read by the signal clean-up).
    private let reaped = ReapedFlag()
    /// The `Termination` clean-up that kills the group if vigil is stopped by a signal.
    private var cleanup: Int?
    /// `PluginProcesses.variable`'s value in the plug-in's environment, inherited by all it starts.
    private let token = PluginProcesses.newToken()
    /// Whether `kill()` ran (everything the plug-in started is gone).
    private var isEnded = false

    /// Starts `/bin/sh -c command`.
    init(command: String) throws {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw FeaturesError.pluginLaunch(command: command, reason: String(cString: strerror(errno)))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own group; the signals vigil ignores or catches at their defaults again in the plug-in.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in Termination.signals + [SIGPIPE, SIGXFSZ] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environment = ["\(PluginProcesses.variable)=\(token)"]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if !text.hasPrefix(PluginProcesses.variable + "=") { environment.append(text) }  // vigil run by a plug-in
            entry += 1
        }
        let envp = environment.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        close(fds[1])
        guard status == 0 else {
            close(fds[0])
            throw FeaturesError.pluginLaunch(command: command, reason: String(cString: strerror(status)))
        }
        self.command = command
        self.pid = pid
        socket = fds[0]
        let (root, token, reaped) = (pid, token, reaped)
        cleanup = Termination.addCleanup { PluginProcesses.killAll(root: reaped.isSet ? nil : root, token: token) }
    }

    deinit {
        finish(grace: 2)
        close(socket)
    }

    /// Closes our writing side, gives the child `grace` seconds to exit, then kills what is left of it.
    func finish(grace: Double) {
        guard !isEnded else { return }
        shutdown(socket, Int32(SHUT_WR))
        let deadline = Date().addingTimeInterval(grace)
        while !reap(), Date() < deadline { usleep(10_000) }
        kill()
    }

    /// Kills the child, its process group and every process it started (`PluginProcesses`), and waits for the child.
    /// Also after the child exited by itself: what it left running in the background dies with it.
    func kill() {
        guard !isEnded else { return }
        isEnded = true
        PluginProcesses.killAll(root: exitStatus == nil ? pid : nil, token: token)
        var status: Int32 = 0
        if exitStatus == nil, waitpid(pid, &status, 0) == pid { exitStatus = status }
        if let cleanup { Termination.removeCleanup(cleanup) }
    }

    /// Collects the child's exit status if it has exited; true when it has.
    @discardableResult
    func reap() -> Bool {
        if exitStatus != nil { return true }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return false }
        exitStatus = status
        return true
    }

    /// "exited with status 3", "was killed by signal 9", or "is still running", after waiting up to `wait` seconds.
    func exitDescription(wait: Double) -> String {
        let deadline = Date().addingTimeInterval(wait)
        while !reap(), Date() < deadline { usleep(10_000) }
        guard let status = exitStatus else { return "is still running" }
        let signal = status & 0x7f
        return signal == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(signal)"
    }
}

/// A flag set once from one thread and read from another.
private final class ReapedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
