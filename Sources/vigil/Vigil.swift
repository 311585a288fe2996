// The `vigil` root command: one subcommand per job, each a small type in Commands/.
import ArgumentParser
import Pipeline

@main
struct Vigil: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Watch video: decode with FFmpeg, extract features, classify with AttentionLSTM / AttentionCluster.",
        discussion: "stdout carries only JSON; logs and progress go to stderr.",
        version: "0.1.0",
        subcommands: [Info.self, Frames.self, Extract.self, Predict.self, Convert.self, Classify.self, Train.self, Eval.self, Watch.self, Cameras.self, Events.self]
    )

    /// Picks OpenBLAS's kernel (a one-time re-exec, before any argument is parsed), makes a closed stdout an error
    /// (exit 74) rather than a SIGPIPE death, then runs the command.
    static func main() {
        Startup.prepare()
        main(nil)
    }
}
