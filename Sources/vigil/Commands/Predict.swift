// `vigil predict` (placeholder until its issue lands).
import ArgumentParser

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("vigil predict is not implemented yet")
    }
}
