// Plug-in answers the exec-reply fuzz target (Fuzz/run.sh exec-reply) found, each kept as a test.
import Foundation
import Testing

@testable import Features

/// A plug-in declaring a dimension of 2,155,905,152 made the host allocate 8.6 GB for its first reply; a declared
/// dimension above 2^20 is now refused at the hello.
@Test func aHugeDeclaredDimensionIsRefusedAtTheHello() throws {
    // VGLX, version 1, dimension 0x80808080 (little-endian), as printf octal escapes.
    let command = #"printf '\126\107\114\130\001\000\000\000\200\200\200\200'; read -r line"#
    let error = #expect(throws: FeaturesError.self) {
        _ = try ExecExtractor(command: command, kind: .frames, width: 10, height: 2, timeout: 5, startupTimeout: 5)
    }
    #expect(error?.errorDescription?.hasSuffix("declares dimension 2155905152, expected 0") == true)
}
