import ArgumentParser
import Foundation
import MLMPipeline

/// Options every long-running command shares: threads, output reporting.
struct RunOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Worker threads (default: all cores). Output is identical for any value.", valueName: "n"))
    var threads: Int?

    @Flag(help: "Print nothing but errors (no progress, no summary).")
    var quiet = false

    @Option(help: ArgumentHelp("Write the run's counts as JSON to this file.", valueName: "file"))
    var statsJSON: String?

    func validate() throws {
        if let threads, threads < 1 || threads > 1024 {
            throw ValidationError("--threads must be between 1 and 1024 (got \(threads))")
        }
        if let statsJSON { try OutputFileCheck.check(statsJSON, flag: "--stats-json") }
    }

    /// `--stats-json` as an output for ``MLMPipeline/PathAliasing``.
    var statsOutput: [NamedPath] { statsJSON.map { [NamedPath("--stats-json", $0)] } ?? [] }

    /// The number of worker threads to use.
    var resolvedThreads: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
