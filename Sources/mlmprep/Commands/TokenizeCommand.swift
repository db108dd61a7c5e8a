import ArgumentParser
import Foundation
import MLMCore
import MLMPipeline
import MLMReaders
import MLMShards
import MLMTokenizer

/// `mlmprep tokenize`: streams text into a tokenized store (docs/design.md §3.3).
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize text into a store that mask, pmi and inspect read.",
        discussion: """
            Plain text follows BERT's layout: one sentence per line, a blank line ends a document. The store \
            holds zstd-compressed safetensors records (ids, flags, doc_offsets), a copy of vocab.txt, and \
            manifest.json, written last. Counts add up: documents read = written + skipped (by reason).

            Example: mlmprep tokenize corpus/*.txt --vocab vocab.txt -o tok/
            """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var tokenizerOptions: TokenizerOptions
    @OptionGroup var runOptions: RunOptions

    @OptionGroup var outputOptions: ShardOutputOptions

    @Option(help: ArgumentHelp("Sentence boundaries: input lines, or ICU's sentence break iterator.", valueName: "lines|icu"))
    var sentences: SentenceSource = .lines

    @Option(
        help: ArgumentHelp(
            "Words in Chinese ideograph runs: char (BERT: every ideograph a word) or icu (ICU's dictionary words, "
                + "for whole-word masking; ids unchanged).", valueName: "char|icu"))
    var cjkWords: CJKWordSource = .char

    @Option(help: ArgumentHelp("Invalid UTF-8: replace (U+FFFD, dropped by BERT), skip the document, or fail.", valueName: "replace|skip|fail"))
    var invalidUTF8: InvalidUTF8Policy = .replace

    @Option(
        help: ArgumentHelp(
            "Tokenize only worker I's share of N (the documents that start in the I-th of N equal byte ranges of the "
                + "inputs), for a scale-out run joined by mlmprep merge. Default: a Slurm array task's place in its "
                + "array, or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX of MLMPREP_WORKER_COUNT.",
            valueName: "I/N"))
    var worker: String?

    @Option(help: ArgumentHelp("Text per reader chunk and record, in bytes (default 1 MiB; for tests).", visibility: .hidden))
    var chunkBytes: Int?

    func validate() throws {
        if outputOptions.output == nil { throw ValidationError("give the store directory to write: -o DIR") }
        if let chunkBytes, chunkBytes < 1 { throw ValidationError("--chunk-bytes must be at least 1 (got \(chunkBytes))") }
        if let slice = try WorkerOption.resolve(worker), !slice.isAll, input.inputs.contains("-") {
            throw ValidationError("--worker \(slice) cannot split standard input ('-'); give the input as files")
        }
        if outputOptions.resume && input.inputs.contains("-") {
            throw ValidationError("--resume cannot read standard input ('-') again; give the input as files")
        }
        var sizing = TokenizeJobSettings(inputs: [], output: outputOptions.output ?? "")
        sizing.reader = input.readerOptions
        if let chunkBytes { sizing.reader.targetChunkBytes = chunkBytes }
        sizing.threads = runOptions.resolvedThreads
        try ResourceChecks.checkTokenize(sizing)
    }

    func run() throws {
        try CommandErrors.reporting {
            let (vocabulary, tokenizer) = try tokenizerOptions.load()
            let output = outputOptions.output ?? ""
            let inputs = try input.expandedPaths()
            // A missing or unreadable input (or a directory) is named as such before any path is compared.
            for path in inputs where path != "-" { _ = try InputFileStatus(path: path) }
            try PathAliasing.check(
                inputs: inputs.map { NamedPath("the input", $0) } + tokenizerOptions.inputPaths,
                outputs: [NamedPath("-o", output)] + runOptions.statsOutput)
            var settings = TokenizeJobSettings(inputs: inputs, output: output)
            settings.reader = input.readerOptions
            settings.reader.worker = try WorkerOption.resolve(worker) ?? .all
            if let chunkBytes { settings.reader.targetChunkBytes = chunkBytes }
            settings.threads = runOptions.resolvedThreads
            outputOptions.apply(to: &settings)
            settings.invalidUTF8 = invalidUTF8
            settings.sentences = sentences
            settings.cjkWords = cjkWords
            var job = TokenizeJob(settings: settings, vocabulary: vocabulary, tokenizer: tokenizer)
            let display = ProgressDisplay(enabled: !runOptions.quiet, label: "tokenize")
            var warnings = WarningPrinter(quiet: runOptions.quiet)
            job.progress = { display.update($0) }
            job.report = { warnings.print($0) }
            let quiet = runOptions.quiet
            job.notice = { if !quiet { Diagnostics.line("mlmprep: note: \($0)") } }
            let result = try job.run()
            display.finish()
            warnings.finish()
            let counts = result.counts
            if let path = runOptions.statsJSON { try StatsFile.write(counts, seconds: result.seconds, to: path) }
            if result.alreadyFinished {
                if !quiet { Diagnostics.line("tokenize: \(output) already holds the finished run; nothing to resume") }
                return
            }
            if !runOptions.quiet {
                let megabytes = Double(counts.bytesRead) / 1_000_000
                let rate = result.seconds > 0 ? megabytes / result.seconds : 0
                let unknownShare = counts.tokens > 0 ? 100 * Double(counts.unknownTokens) / Double(counts.tokens) : 0
                Diagnostics.line(
                    "tokenize: \(counts.documentsRead) documents read = \(counts.documentsWritten) written + "
                        + "\(counts.documentsSkippedTotal) skipped\(Diagnostics.reasons(counts)); "
                        + "\(counts.tokens) tokens (\(String(format: "%.3f", unknownShare))% [UNK]), "
                        + "\(counts.sentences) sentences; \(String(format: "%.1f", megabytes)) MB in "
                        + "\(String(format: "%.2f", result.seconds)) s (\(String(format: "%.1f", rate)) MB/s); "
                        + "\(result.shards.count) shard(s) in \(output)"
                        + (result.resumedShards > 0 ? " (\(result.resumedShards) kept from the interrupted run)" : ""))
            }
            precondition(counts.addsUp, "document counts do not add up: \(counts)")
        }
    }
}

extension SentenceSource: ExpressibleByArgument {}
extension CJKWordSource: ExpressibleByArgument {}
extension InvalidUTF8Policy: ExpressibleByArgument {}
