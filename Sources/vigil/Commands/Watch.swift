// `vigil watch` (placeholder until its issue lands).
import ArgumentParser

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("vigil watch is not implemented yet")
    }
}
