import ArgumentParser
import Foundation
import MLMCore
import MLMPipeline
import MLMTokenizer
import MLMVocab

/// `mlmprep vocab`: trains a WordPiece vocabulary as Hugging Face's `BertWordPieceTokenizer.train` does.
struct VocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocab",
        abstract: "Train a WordPiece vocab.txt on your text (Hugging Face's WordPieceTrainer).",
        discussion: """
            Reads the text as tokenize does (same readers, BERT normalizer and pre-tokenizer), counts the words on \
            all cores, then runs the BPE merges of tokenizers' WordPieceTrainer (continuation prefix ##). Special \
            tokens get ids 0, 1, …; then the alphabet; then ##-characters; then merged tokens.

            Example: mlmprep vocab corpus/*.txt --size 8000 -o vocab.txt --tokenizer-json tokenizer.json
            """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var normalizer: NormalizerOptions
    @OptionGroup var runOptions: RunOptions

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The vocab.txt to write.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("Also write a Hugging Face tokenizer.json for the vocabulary.", valueName: "file"))
    var tokenizerJSON: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Vocabulary size to reach (merging stops there).", valueName: "n"))
    var size = 30522

    @Option(parsing: .unconditional, help: ArgumentHelp("Merge only pairs seen at least this often.", valueName: "n"))
    var minFrequency = 2

    @Option(parsing: .unconditional, help: ArgumentHelp("Keep at most this many characters (the most frequent).", valueName: "n"))
    var limitAlphabet = 1000

    @Option(help: ArgumentHelp("Special tokens, comma-separated, given ids 0, 1, … (must include [UNK]).", valueName: "list"))
    var specialTokens = "[PAD],[UNK],[CLS],[SEP],[MASK]"

    @Option(
        help: ArgumentHelp(
            "Take the alphabet cut and the ##-character order from this tokenizers-trained vocab.txt (for tests).",
            visibility: .hidden))
    var alphabetLike: String?

    var specialTokenList: [String] { specialTokens.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }

    func validate() throws {
        if size < 1 { throw ValidationError("--size must be at least 1 (got \(size))") }
        if minFrequency < 0 { throw ValidationError("--min-frequency must be at least 0 (got \(minFrequency))") }
        if limitAlphabet < 0 { throw ValidationError("--limit-alphabet must be at least 0 (got \(limitAlphabet))") }
        if !specialTokenList.contains("[UNK]") {
            throw ValidationError("--special-tokens must include [UNK] (WordPiece needs an unknown token)")
        }
        if tokenizerJSON == output { throw ValidationError("--tokenizer-json and -o must be different files") }
        do {
            try trainerSettings(reference: nil).validate()
        } catch {
            throw ValidationError("--special-tokens: \(error.message)")
        }
    }

    func trainerSettings(reference: ReferenceOrder?) -> WordPieceTrainerSettings {
        var settings = WordPieceTrainerSettings()
        settings.vocabSize = size
        settings.minFrequency = minFrequency
        settings.limitAlphabet = limitAlphabet
        settings.specialTokens = specialTokenList
        settings.reference = reference
        return settings
    }

    func run() throws {
        try CommandErrors.reporting {
            let trainer = try WordPieceTrainer(settings: trainerSettings(reference: try loadReference()))
            var job = WordCountJob(
                inputs: try input.expandedPaths(), reader: input.readerOptions, normalizer: normalizer.options)
            job.threads = runOptions.resolvedThreads
            let display = ProgressDisplay(enabled: !runOptions.quiet, label: "vocab")
            var warnings = WarningPrinter(quiet: runOptions.quiet)
            job.progress = { display.update($0) }
            job.report = { warnings.print($0) }
            let counted = try job.run()
            display.finish()
            warnings.finish()
            precondition(counted.counts.addsUp, "document counts do not add up: \(counted.counts)")
            let started = Date()
            let result = try trainer.train(counted.table)
            let trainSeconds = Date().timeIntervalSince(started)
            try VocabFile.write(Array((result.tokens.joined(separator: "\n") + "\n").utf8), to: output)
            if let tokenizerJSON {
                let json = TokenizerJSON.make(
                    tokens: result.tokens, specialTokens: specialTokenList, normalizer: normalizer.options)
                try VocabFile.write(json, to: tokenizerJSON)
            }
            if let path = runOptions.statsJSON {
                try StatsFile.write(counted.counts, seconds: counted.seconds + trainSeconds, to: path)
            }
            if !runOptions.quiet { summarize(counted, result, trainSeconds: trainSeconds) }
        }
    }

    private func loadReference() throws -> ReferenceOrder? {
        guard let alphabetLike else { return nil }
        let tokens = try Vocabulary.load(vocabTxt: alphabetLike).tokens
        return ReferenceOrder(tokens: tokens, specialTokens: specialTokenList)
    }

    private func summarize(_ counted: WordCountJob.Result, _ result: WordPieceTrainer.Result, trainSeconds: Double) {
        let counts = counted.counts
        let megabytes = Double(counts.bytesRead) / 1_000_000
        Diagnostics.line(
            "vocab: \(counts.documentsRead) documents read = \(counts.documentsWritten) counted + "
                + "\(counts.documentsSkippedTotal) skipped\(Diagnostics.reasons(counts)); \(counts.words) words, "
                + "\(counted.table.count) distinct; \(String(format: "%.1f", megabytes)) MB counted in "
                + "\(String(format: "%.2f", counted.seconds)) s")
        Diagnostics.line(
            "vocab: \(result.tokens.count) tokens (\(settingsLine(result))) after \(result.merges) merges in "
                + "\(String(format: "%.2f", trainSeconds)) s; wrote \(output)"
                + (tokenizerJSON.map { " and \($0)" } ?? ""))
    }

    private func settingsLine(_ result: WordPieceTrainer.Result) -> String {
        "\(specialTokenList.count) special, \(result.alphabetSize) of \(result.charactersSeen) characters kept, "
            + "\(result.initialSize) before merging"
    }
}
