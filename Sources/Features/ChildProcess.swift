// A plug-in child process: started through /bin/sh in its own process group, stdin and stdout on one Unix socket.
import Formats
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process whose stdin and stdout are one end of a Unix socket pair; the other end is `socket`.
/// Its stderr is ours. Killing it kills its whole process group (the shell and what it started); so does a signal
/// that ends vigil (`Termination`). A plug-in that leaves the group (`setsid`, `setpgid`) is not reached.
final class ChildProcess {
    let command: String
    let pid: pid_t
    /// Our end of the socket pair: write requests, read answers.
    let socket: Int32
    private var exitStatus: Int32? {
        didSet { if exitStatus != nil, let cleanup { Termination.removeCleanup(cleanup) } }
    }
    /// The `Termination` clean-up that kills the group if vigil is stopped by a signal.
    private var cleanup: Int?

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
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(fds[1])
        guard status == 0 else {
            close(fds[0])
            throw FeaturesError.pluginLaunch(command: command, reason: String(cString: strerror(status)))
        }
        self.command = command
        self.pid = pid
        socket = fds[0]
        let group = pid
        cleanup = Termination.addCleanup { _ = Glibc.kill(-group, SIGKILL) }
    }

    deinit {
        finish(grace: 2)
        close(socket)
    }

    /// Closes our writing side, gives the child `grace` seconds to exit, then kills its process group.
    func finish(grace: Double) {
        guard exitStatus == nil else { return }
        shutdown(socket, Int32(SHUT_WR))
        let deadline = Date().addingTimeInterval(grace)
        while exitStatus == nil, Date() < deadline {
            if reap() { return }
            usleep(10_000)
        }
        kill()
    }

    /// Kills the child's process group and waits for the child.
    func kill() {
        guard exitStatus == nil else { return }
        Glibc.kill(-pid, SIGKILL)
        var status: Int32 = 0
        if waitpid(pid, &status, 0) == pid { exitStatus = status }
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
