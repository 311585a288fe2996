// TERM, INT and HUP through the binary (docs/robustness.md, "Signals"): every command handles the three alike.
// `extract` and `classify` remove their temporaries, kill an exec plug-in's process group and exit 128 + N (an
// exit, not a death by the signal); `watch` ends every open event and exits 0.
import Foundation
import Testing

/// The sample clip every extraction reads.
private let sample = MediaCLI.root.appendingPathComponent("samples/media/sample.mp4").path

/// True once `pid` no longer exists (reaped by init after vigil exited), within `seconds`.
private func isGone(_ pid: pid_t, within seconds: Double) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}

/// True once `pid` is gone or a zombie (killed; the reaper here may not reap orphans), within `seconds`.
private func isDead(_ pid: pid_t, within seconds: Double) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        let state = stat[stat.index(after: stat.lastIndex(of: ")") ?? stat.startIndex)...].split(separator: " ").first
        if state == "Z" || state == "X" { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}

/// A plug-in command that first detaches a `sleep 1000` daemon the way daemons do (a subshell runs `setsid` in the
/// background and exits, so the sleep has a new session and init for a parent), writes its pid to `pidFile`, then
/// runs `rest`.
private func pluginDetachingADaemon(pidFile: String, then rest: String) -> String {
    "exec:( setsid sh -c 'echo $$ > \(pidFile).tmp && mv \(pidFile).tmp \(pidFile) && exec sleep 1000 </dev/null >/dev/null 2>&1' & ); \(rest)"
}

/// The pid `pidFile` names once it exists, within 30 s.
private func daemonPid(_ pidFile: String) -> pid_t? {
    let deadline = Date(timeIntervalSinceNow: 30)
    while Date() < deadline {
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
           let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return nil
}

@Suite struct SignalCLITests {
    /// A plug-in whose daemon left its process group and session: the group kill cannot reach it; the token in its
    /// environment does, when extraction ends normally.
    @Test func aDaemonAPluginDetachedWithSetsidDiesWhenExtractionEnds() throws {
        let folder = MediaCLI.scratch.appendingPathComponent("setsid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pidFile = folder.appendingPathComponent("daemon.pid").path
        let extractor = MediaCLI.root.appendingPathComponent("samples/extractors/numpy_extractor.py").path
        let plugin = pluginDetachingADaemon(pidFile: pidFile, then: "exec /usr/bin/python3 \(extractor)")
        let run = try MediaCLI.run(MediaCLI.binary.path, [
            "extract", sample, "-o", folder.appendingPathComponent("out.safetensors").path, "--rgb-extractor", plugin,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let daemon = try #require(daemonPid(pidFile), "the plug-in never started its daemon")
        #expect(isDead(daemon, within: 5), "the daemon \(daemon) outlived vigil")
    }

    @Test func aDaemonAPluginDetachedWithSetsidDiesWhenVigilIsTerminated() throws {
        let folder = MediaCLI.scratch.appendingPathComponent("setsid-term-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pidFile = folder.appendingPathComponent("daemon.pid").path
        let process = Process()
        process.executableURL = MediaCLI.binary
        process.arguments = ["extract", sample, "-o", folder.appendingPathComponent("out.safetensors").path,
                             "--rgb-extractor", pluginDetachingADaemon(pidFile: pidFile, then: "sleep 600"),
                             "--extractor-timeout", "600"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let daemon = try #require(daemonPid(pidFile), "the plug-in never started its daemon")
        kill(process.processIdentifier, SIGTERM)
        let exitDeadline = Date(timeIntervalSinceNow: 10)
        while process.isRunning, Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + SIGTERM)
        #expect(isDead(daemon, within: 5), "the daemon \(daemon) outlived vigil")
    }

    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func aStopSignalDuringExtractionKillsThePluginGroupAndExits(_ signal: Int32) throws {
        let folder = MediaCLI.scratch.appendingPathComponent("signal-\(signal)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pidFile = folder.appendingPathComponent("plugin.pid").path
        // The plug-in starts a grandchild (same process group), notes both pids, then never answers.
        let plugin = "exec:sleep 600 & echo $$ $! > \(pidFile); wait"
        let process = Process()
        process.executableURL = MediaCLI.binary
        process.arguments = ["extract", sample, "-o", folder.appendingPathComponent("out.safetensors").path,
                             "--rgb-extractor", plugin, "--extractor-timeout", "600"]
        process.currentDirectoryURL = MediaCLI.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date(timeIntervalSinceNow: 30)
        var pids: [pid_t] = []
        while pids.count < 2, Date() < deadline {
            pids = ((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? "").split(separator: " ")
                .compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(pids.count == 2, "the plug-in never started")
        kill(process.processIdentifier, signal)
        let exitDeadline = Date(timeIntervalSinceNow: 10)
        while process.isRunning, Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "vigil died by signal \(process.terminationStatus)")
        #expect(process.terminationStatus == 128 + signal)
        for pid in pids { #expect(isGone(pid, within: 5), "plug-in process \(pid) outlived vigil") }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".vigil-tmp") || $0 == "out.safetensors" }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func hangupEndsOpenWatchEventsLikeTerm() throws {
        let fixture = try WatchFixture()
        let port = freePort(udp: true)
        let url = "udp://127.0.0.1:\(port)"
        let sender = try udpSender(port: port)
        let vigil = try ChildProcess(vigilBinary.path, fixture.watchArguments([url]))
        #expect(vigil.waitForEvent("start", timeoutSeconds: 20))
        #expect(vigil.interrupt(SIGHUP) == 0)
        let log = try WatchLog(vigil.lines)
        try log.checkInvariants()
        #expect(log.of(type: "end").first?["reason"]?.string == "shutdown")
        _ = sender
    }
}

/// A tiny AttentionCluster training run over the Models parity fixture (3 videos, 16 + 8 wide) repeated 20 times,
/// with more epochs than a test waits for.
private func endlessTraining(in folder: URL) throws -> [String] {
    let list = folder.appendingPathComponent("train.list"), config = folder.appendingPathComponent("c.yaml")
    let features = MediaCLI.root.appendingPathComponent("Tests/ModelsTests/Fixtures/attention_cluster/features.pkl").path
    try String(repeating: features + "\n", count: 20).write(to: list, atomically: true, encoding: .utf8)
    try """
        model: {type: attention_cluster, num_classes: 12, feature_dims: [16, 8], cluster_nums: [2, 2], fc_sizes: [20, 12]}
        sampling: {seg_num: 5, mode: center, seed: 7}
        train: {optimizer: adam, learning_rate: 0.001, epochs: 1000000, batch_size: 1}

        """.write(to: config, atomically: true, encoding: .utf8)
    return ["train", "--config", config.path, "--train", list.path, "-o", folder.appendingPathComponent("out.safetensors").path]
}

@Suite struct TrainSignalCLITests {
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func everyStopSignalWritesACheckpoint(_ signal: Int32) throws {
        let folder = MediaCLI.scratch.appendingPathComponent("train-signal-\(signal)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let vigil = try ChildProcess(vigilBinary.path, try endlessTraining(in: folder))
        #expect(vigil.waitForLines(timeoutSeconds: 60) { !$0.isEmpty })  // an epoch finished
        #expect(vigil.interrupt(signal, timeoutSeconds: 30) == 128 + signal)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.last.safetensors").path))
    }
}
