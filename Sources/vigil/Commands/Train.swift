// `vigil train` (placeholder until its issue lands).
import ArgumentParser

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("vigil train is not implemented yet")
    }
}
