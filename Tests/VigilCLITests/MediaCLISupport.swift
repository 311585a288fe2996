// Running the built `vigil` binary and making test media for the info/frames CLI tests.
import Foundation

enum MediaCLI {
    /// The repository root (tests run the binary from here so paths in its output are relative).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    /// The `vigil` built next to this test bundle (debug or release), else the debug build in the repository.
    static let binary: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vigil")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return root.appendingPathComponent(".build/debug/vigil")
    }()

    /// A folder for this process's generated files.
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cli-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        let timedOut: Bool
        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    /// Runs `vigil <arguments>` from the repository root; killed (and flagged) after `limit` seconds.
    static func vigil(_ arguments: [String], limit: TimeInterval = 60) throws -> Result {
        try run(binary.path, arguments, limit: limit)
    }

    /// Runs a program from the repository root; stdout and stderr go through files so nothing can block on a pipe.
    static func run(_ executable: String, _ arguments: [String], limit: TimeInterval = 120) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = root
        let id = UUID().uuidString
        let outURL = scratch.appendingPathComponent("\(id).out"), errURL = scratch.appendingPathComponent("\(id).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(limit)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let timedOut = process.isRunning
        if timedOut { process.terminate() }
        process.waitUntilExit()
        try out.close()
        try err.close()
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        return Result(status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self), timedOut: timedOut)
    }

    /// `name` in the scratch folder, made by `ffmpeg -y <arguments> <path>` unless it exists.
    static func make(_ name: String, _ arguments: [String]) throws -> String {
        let path = scratch.appendingPathComponent(name).path
        if FileManager.default.fileExists(atPath: path) { return path }
        let partial = scratch.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        let result = try run("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-y"] + arguments + [partial])
        guard result.status == 0 else { throw CLITestFailure("ffmpeg failed making \(name): \(result.stderr)") }
        _ = try? FileManager.default.moveItem(atPath: partial, toPath: path)
        return path
    }

    /// A copy of `source` named `name` with `edit` applied to its bytes.
    static func damaged(_ source: String, _ name: String, _ edit: (inout Data) throws -> Void) throws -> String {
        var data = try Data(contentsOf: URL(fileURLWithPath: source))
        try edit(&data)
        let path = scratch.appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// (position, size) of video packet `n` (decode order) according to ffprobe.
    static func packet(_ n: Int, of path: String) throws -> (position: Int, size: Int) {
        let probe = try run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pos,size",
                                                 "-of", "default=noprint_wrappers=1", path])
        let values = probe.stdout.split(separator: "\n")
        let sizes = values.filter { $0.hasPrefix("size=") }.compactMap { Int($0.dropFirst(5)) }
        let positions = values.filter { $0.hasPrefix("pos=") }.compactMap { Int($0.dropFirst(4)) }
        guard n < sizes.count, n < positions.count else { throw CLITestFailure("no packet \(n) in \(path)") }
        return (positions[n], sizes[n])
    }

    /// The lines of stdout parsed as JSON objects (fails the caller if any line is not one).
    static func jsonLines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CLITestFailure("not a JSON object: \(line)")
            }
            return object
        }
    }
}

struct CLITestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
