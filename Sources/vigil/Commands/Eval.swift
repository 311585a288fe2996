// `vigil eval` (placeholder until its issue lands).
import ArgumentParser

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("vigil eval is not implemented yet")
    }
}
