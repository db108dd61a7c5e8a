import ArgumentParser
import Foundation
import MLMCore
import MLMPipeline
import MLMShards

/// `mlmprep merge`: joins the stores that the workers of a `tokenize --worker I/N` run wrote into one store.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the stores of every worker of a scale-out tokenize run into one store.",
        discussion: """
            The parts must come from one run: the same tokenizer, vocabulary, settings and inputs, and every \
            worker 0…N−1 exactly once; each shard is checked against its part's manifest (size and sha256). \
            The merged store holds the parts' shards in worker order (hard links where the file system allows, \
            copies otherwise) and one manifest with the counts added up; mask, pmi, verify and the Python \
            reader read it like any store, and masking it gives the batches of a one-process store of the \
            same inputs. \
            Batch directories (mask --worker) cannot be merged yet.

            Example: mlmprep merge tok.part-0 tok.part-1 tok.part-2 -o tok/
            """
    )

    @Argument(help: ArgumentHelp("The workers' store directories (from tokenize --worker I/N).", valueName: "dir"))
    var parts: [String] = []

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The store directory to write.", valueName: "dir"))
    var output: String

    @Flag(help: "Replace a store already in the output directory.")
    var overwrite = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if parts.isEmpty { throw ValidationError("give the store directories of every worker") }
    }

    func run() throws {
        try CommandErrors.reporting {
            // Batch directories: `mask --worker I/N` (with the training-order work, issue 10) will write each task's
            // share of an epoch's steps; merging them belongs here, next to StoreMerge (check the parts' settings,
            // store digest, seed, epoch and steps, then concatenate the batch sequence). Until then they are refused.
            for part in parts {
                let format = (try? ManifestFile.read(directory: part))?["format"]?.stringValue
                if let format, format != "mlmprep.tokens" {
                    throw MergeError(
                        "it is a \(format) directory, not a tokenized store: merging batch directories "
                            + "(mask --worker) comes with the training-order work; mask the merged store instead",
                        path: part)
                }
            }
            let started = Date()
            let result = try StoreMerge.merge(parts: parts, output: output, overwrite: overwrite)
            if !quiet {
                let counts = result.counts
                Diagnostics.line(
                    "merge: \(result.workers) worker(s) → \(output): \(counts.documentsRead) documents read = "
                        + "\(counts.documentsWritten) written + \(counts.documentsSkippedTotal) skipped; "
                        + "\(counts.tokens) tokens; \(result.shards.count) shard(s) (\(result.linked) linked, "
                        + "\(result.shards.count - result.linked) copied)"
                        + String(format: " in %.2f s", Date().timeIntervalSince(started)))
            }
        }
    }
}
