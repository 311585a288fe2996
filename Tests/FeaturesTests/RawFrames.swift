import Foundation

/// RGB24 frames rendered by the ffmpeg CLI from a lavfi source graph (real media, made at test time).
func rawFrames(_ graph: String, width: Int, height: Int, count: Int) throws -> [[UInt8]] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
    process.arguments = [
        "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", graph, "-frames:v", "\(count)",
        "-s", "\(width)x\(height)", "-pix_fmt", "rgb24", "-f", "rawvideo", "-",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileReadCorruptFile) }
    let size = width * height * 3
    return stride(from: 0, to: data.count - size + 1, by: size).map { [UInt8](data[$0..<($0 + size)]) }
}

/// 16 kHz mono float samples rendered by the ffmpeg CLI from a lavfi audio source.
func rawAudio(_ graph: String) throws -> [Float] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
    process.arguments = ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", graph, "-ac", "1", "-ar", "16000", "-f", "f32le", "-"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
}
