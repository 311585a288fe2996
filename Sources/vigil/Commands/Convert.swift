// `vigil convert` (placeholder until its issue lands).
import ArgumentParser

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("vigil convert is not implemented yet")
    }
}
