// Live inputs that never answer: `vigil info` ends with exit 69 and a "timed out" line, whatever the protocol does
// with the interrupt (RTSP reports it as invalid data). The full set of drills is tools/fault_drills.sh.
import Foundation
import Testing

/// A TCP listener on 127.0.0.1 that accepts connections and never sends a byte (a camera that answers and is silent).
final class SilentListener: @unchecked Sendable {
    let port: Int
    private let socketDescriptor: Int32
    private var accepted: [Int32] = []
    private let lock = NSLock()

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        socketDescriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        guard bound, listen(descriptor, 8) == 0 else { throw HarnessError("cannot listen on 127.0.0.1") }
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(descriptor, nil, nil)
                if connection < 0 { return }
                lock.withLock { accepted.append(connection) }
            }
        }
    }

    deinit {
        shutdown(socketDescriptor, Int32(SHUT_RDWR))
        close(socketDescriptor)
        lock.withLock { accepted.forEach { close($0) } }
    }
}

@Test(arguments: ["rtsp", "http"])
func infoOnASilentServerTimesOutWithExit69(scheme: String) throws {
    let listener = try SilentListener()
    let url = "\(scheme)://127.0.0.1:\(listener.port)/cam"
    let stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-silent-\(scheme)-\(getpid()).err")
    defer { try? FileManager.default.removeItem(at: stderrFile) }
    let vigil = try ChildProcess(vigilUnderTest, ["info", url], stderrFile: stderrFile)
    let status = vigil.waitForExit(timeoutSeconds: 60)
    #expect(status == 69)
    #expect(vigil.lines.isEmpty)
    let message = try String(contentsOf: stderrFile, encoding: .utf8)
    #expect(message == "vigil: \(url): no answer within 10 s (timed out)\n")
}
