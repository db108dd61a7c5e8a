import ArgumentParser
import CMemory
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
            VerifyCommand.self,
            EncodeCommand.self,
        ]
    )

    /// Runs the command line; bad usage exits with status 2 (not swift-argument-parser's 64), as DESIGN.md §2 says.
    static func main() {
        keepFreedMemoryInTheHeap()
        // A write past the file size limit (ulimit -f) then fails with EFBIG, reported as one line naming the
        // file, instead of killing the process with SIGXFSZ.
        _ = signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
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
