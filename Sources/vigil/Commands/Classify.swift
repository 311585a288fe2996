// `vigil classify` (placeholder until its issue lands).
import ArgumentParser

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("vigil classify is not implemented yet")
    }
}
