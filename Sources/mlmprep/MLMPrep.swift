import ArgumentParser
import CMemory
import MLMSystem
import Foundation

/// The `mlmprep` command: turns raw text into masked-language-model training data.
@main
struct MLMPrep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlmprep",
        abstract: "Turn raw text into masked-language-model training data.",
        discussion: """
            Tokenize once (mlmprep tokenize), then mask as often as you like. Output is zstd-compressed \
            safetensors batches (the MLMB container) that any trainer can read.
            """,
        version: MLMPrepVersion.string,
        subcommands: [
            TokenizeCommand.self, MaskCommand.self, PMICommand.self, MergeCommand.self, InspectCommand.self,
            VerifyCommand.self, EncodeCommand.self, VocabCommand.self, ExportCommand.self, ReportCommand.self,
        ]
    )

    /// Runs the command line; bad usage exits with status 2 (not swift-argument-parser's 64), as docs/design.md §2 says.
    static func main() {
        // Not for pmi: its phases free large tables that the next phase must not find still resident, or its peak
        // would exceed --memory-limit (measured: 162 MiB held after round 2 with it, 74 MiB without).
        if CommandLine.arguments.dropFirst().first != "pmi" { keepFreedMemoryInTheHeap() }
        // A write past the file size limit (ulimit -f) then fails with EFBIG, reported as one line naming the
        // file, instead of killing the process with SIGXFSZ.
        _ = signal(SIGXFSZ, SIG_IGN)
        // Ctrl-C and SIGTERM stop a run at its next chunk or batch, through the error path that removes temporary
        // files and keeps the journal for --resume.
        Termination.installHandlers()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch _ where Termination.pendingSignal != nil {
            let stop = TerminationRequested(signal: Termination.pendingSignal ?? SIGINT)
            CommandFailure(
                message: "\(stop); temporary files were removed; with -o DIR, the same command with --resume continues "
                    + "from the last complete shard", status: stop.exitStatus
            ).print()
            Foundation.exit(stop.exitStatus)
        } catch let failure as CommandFailure {
            failure.print()
            Foundation.exit(failure.status)
        } catch {
            if exitCode(for: error) == .validationFailure {
                var message = fullMessage(for: error)
                if let hint = DashNameHint.hint(for: Array(CommandLine.arguments.dropFirst())) {
                    message = message.replacingFirstLine { $0 + " (\(hint))" }
                }
                FileHandle.standardError.write(Data((message + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// The tool's version, written into every manifest.
enum MLMPrepVersion {
    static let string = "0.1.0"
}

/// Batches, records and frames are a few MiB each. By default glibc serves such blocks with `mmap` and
/// returns them on `free`, so every batch faults in fresh zeroed pages (14% of `mask`'s time, measured).
/// Raising the mmap and trim thresholds keeps freed blocks in the heap for the next batch.
private func keepFreedMemoryInTheHeap() {
    _ = cmemory_keep_freed_blocks(256 << 20, 512 << 20)
}
