// `vigil frames` (placeholder until its issue lands).
import ArgumentParser

struct Frames: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("vigil frames is not implemented yet")
    }
}
