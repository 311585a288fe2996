// Hostile files through the binary (docs/robustness.md, "Hostile files"): each class ends with its documented exit
// status and one stderr line, no signal, within a time limit and under `ulimit -v` (an allocation the budget should
// have refused then fails, and vigil dies by a signal instead of exiting). Inputs: tools/make_hostile_files.py.
import Foundation
import Testing

/// Address space each run may use (KiB): a debug vigil converting the demo model needs well under 1 GB.
private let memoryLimitKB = 2_000_000
private let demoModel = MediaCLI.root.appendingPathComponent("samples/models/demo.safetensors").path

/// Runs vigil under `ulimit -v` (and `ulimit -f` when given, in KiB); the shell execs vigil, so the status is vigil's.
private func limitedVigil(_ arguments: [String], fileLimitKB: Int? = nil, limit: TimeInterval = 120) throws -> MediaCLI.Result {
    let limits = "ulimit -v \(memoryLimitKB)" + (fileLimitKB.map { "; ulimit -f \($0)" } ?? "")
    return try MediaCLI.run("/bin/sh", ["-c", "\(limits); exec \"$0\" \"$@\"", MediaCLI.binary.path] + arguments, limit: limit)
}

/// The run ended by exiting with `status` (not by a signal: the shell reports those as 128 + N), in time, with one
/// `vigil:` line on stderr containing `reason`.
private func expectRefusal(_ result: MediaCLI.Result, _ statuses: [Int32], _ reason: String, _ what: String) {
    #expect(!result.timedOut, "\(what) did not end in time")
    #expect(statuses.contains(result.status), "\(what): exit \(result.status), stderr \(result.stderr)")
    #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("vigil: ") && result.stderr.contains(reason),
            "\(what): \(result.stderr)")
    #expect(result.stdout.isEmpty, "\(what) printed \(result.stdout)")
}

/// A fresh folder in the scratch area.
private func folder(_ name: String) throws -> URL {
    let url = MediaCLI.scratch.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The crafted files, made by the committed generator, and its manifest.
private func hostileFiles() throws -> (URL, [[String: Any]]) {
    let directory = try folder("hostile")
    let made = try MediaCLI.run("/usr/bin/python3", ["tools/make_hostile_files.py", directory.path])
    guard made.status == 0 else { throw CLITestFailure("make_hostile_files.py failed: \(made.stderr)") }
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    return (directory, manifest as? [[String: Any]] ?? [])
}

@Suite struct HostileInputCLITests {
    @Test func everyCraftedFileEndsWithItsStatusUnderAMemoryLimit() throws {
        let (directory, manifest) = try hostileFiles()
        #expect(manifest.count == 10)
        let out = try folder("hostile-out")
        for entry in manifest {
            let file = directory.appendingPathComponent(entry["file"] as? String ?? "").path
            let arguments = switch entry["command"] as? String {
            case "watch": ["watch", "--pipeline", file, "--weights", demoModel]
            case "predict": ["predict", "--weights", demoModel, file]
            default: ["convert", file, "-o", out.appendingPathComponent("x.safetensors").path]
            }
            // A pipeline-file value out of range is 65, like every bad key (docs/robustness.md, "Hostile numbers").
            let status = Int32(entry["status"] as? Int ?? 0)
            let statuses = entry["command"] as? String == "watch" ? [64, 65] : [status]
            expectRefusal(try limitedVigil(arguments), statuses, entry["reason"] as? String ?? "", entry["file"] as? String ?? "")
        }
    }

    @Test func namedPipesAndDevicesAreRefusedByEveryReader() throws {
        let dir = try folder("fifo")
        let fifo = dir.appendingPathComponent("never-written").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let fifoReason = "\(fifo): is a named pipe (FIFO), not a regular file"
        let out = dir.appendingPathComponent("x.safetensors").path
        let runs: [(String, [String])] = [
            ("weights", ["convert", fifo, "-o", out]),
            ("labels", ["convert", demoModel, "-o", out, "--labels", fifo]),
            ("pipeline", ["watch", "--pipeline", fifo]),
            ("feature file", ["predict", "--weights", demoModel, fifo]),
            ("predict weights", ["predict", "--weights", fifo, fifo]),
        ]
        for (what, arguments) in runs {
            expectRefusal(try limitedVigil(arguments, limit: 30), [66], fifoReason, what)
        }
        expectRefusal(try limitedVigil(["convert", "/dev/zero", "-o", out], limit: 30), [66],
                      "/dev/zero: is a character device, not a regular file", "device")
    }

    @Test func framesOutNeverFollowsAPlantedSymlink() throws {
        let dir = try folder("frames-out")
        let victim = dir.appendingPathComponent("victim.txt")
        try Data("keep me\n".utf8).write(to: victim)
        let out = dir.appendingPathComponent("pngs")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        // A link at every name frames could write (the clip has 30 frames), all pointing at the victim.
        for index in 0..<40 {
            #expect(symlink(victim.path, out.appendingPathComponent(String(format: "frame-%06d.png", index)).path) == 0)
        }
        let sample = MediaCLI.root.appendingPathComponent("samples/media/sample.mp4").path
        let result = try limitedVigil(["frames", sample, "--seg-num", "2", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep me\n")
        let written = try MediaCLI.jsonLines(result.stdout).compactMap { $0["png"] as? String }
        #expect(written.count == 2)
        for planted in written {
            var info = stat()
            #expect(lstat(planted, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG, "the link was replaced by the PNG")
            #expect(try Data(contentsOf: URL(fileURLWithPath: planted)).starts(with: [0x89, 0x50, 0x4e, 0x47]))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(!names.contains { $0.hasSuffix(".vigil-tmp") }, "\(names)")
    }

    @Test func aFileSizeLimitEndsWithExit74AndNoTemporary() throws {
        let dir = try folder("fsize")
        let out = dir.appendingPathComponent("demo.pdparams").path
        // 1 MiB; the demo model is 9.6 MB. Without SIGXFSZ ignored the shell would report 128 + 25.
        let result = try limitedVigil(["convert", demoModel, "-o", out], fileLimitKB: 1024, limit: 60)
        expectRefusal(result, [74], "\(out): cannot be written (File too large)", "ulimit -f")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func anOverwrittenOutputKeepsItsModeAndStaleTemporariesAreRemoved() throws {
        let dir = try folder("mode")
        let out = dir.appendingPathComponent("demo.pdparams")
        try Data("old".utf8).write(to: out)
        #expect(chmod(out.path, 0o600) == 0)
        // A temporary a killed run left behind (no process has PID 99999999), and one of a live process (this one).
        let stale = dir.appendingPathComponent(".demo.pdparams.99999999.7.vigil-tmp").path
        let live = dir.appendingPathComponent(".demo.pdparams.\(getpid()).7.vigil-tmp").path
        for path in [stale, live] { #expect(FileManager.default.createFile(atPath: path, contents: Data("partial".utf8))) }
        let result = try limitedVigil(["convert", demoModel, "-o", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        var info = stat()
        #expect(stat(out.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(info.st_size > 1_000_000)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live))
    }
}
