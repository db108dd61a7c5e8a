import ArgumentParser
import MLMPipeline

/// `mlmprep verify`: checks a store or a batch directory against its manifest.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every shard, frame, record and count of a store or batch directory.",
        discussion: """
            Checks the manifest against the directory (format version; shards listed exactly once and in \
            order, none missing or unlisted; counts; vocab.txt against its recorded sha256 and size), each \
            shard's size and sha256, its seek table, every zstd frame (checksum, content size), every \
            safetensors header (offsets tile the buffer, dtypes as the manifest says), every id against the \
            vocabulary size, and the document, sequence and token counts per shard and in all. Names the first \
            damaged shard and record (or the manifest field) and exits 1.
            """
    )

    @Argument(help: ArgumentHelp("A directory written by mlmprep tokenize or mlmprep mask.", valueName: "dir"))
    var directory: String

    @Flag(help: "Print nothing when everything is fine.")
    var quiet = false

    func run() throws {
        try CommandErrors.reporting {
            let report = try OutputVerifier.verify(directory)
            if !quiet {
                var out = StandardOutput()
                try out.write(
                    "verify: \(directory) is intact: \(report.shards) shard(s), \(report.records) record(s), "
                        + "\(report.sequences) sequences/documents, \(report.bytes) bytes\n")
                for name in report.strayFiles {
                    try out.write("verify: note: \(name) is not listed in manifest.json (left by another run?)\n")
                }
                try out.flush()
            }
        }
    }
}
