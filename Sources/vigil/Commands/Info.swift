// `vigil info` (placeholder until its issue lands).
import ArgumentParser

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("vigil info is not implemented yet")
    }
}
