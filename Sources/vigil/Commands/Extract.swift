// `vigil extract` (placeholder until its issue lands).
import ArgumentParser

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("vigil extract is not implemented yet")
    }
}
