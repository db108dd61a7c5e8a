import ArgumentParser
import Foundation
import MLMCore
import MLMMasking
import MLMOrder
import MLMPacking
import MLMPipeline
import MLMShards

/// `mlmprep mask`: packs a tokenized store into sequences, masks them and writes batches.
struct MaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mask",
        abstract: "Pack, mask and batch a tokenized store, to shards or to standard output.",
        discussion: """
            Examples:
              mlmprep mask tok/ --rate 0.4 -o shards/
              mlmprep mask tok/ --preset bert --seq-len 128 -o shards/
              mlmprep mask tok/ --strategy span --rate 0.15 --stdout | python train.py

            Units: token, word (whole words) or span (SpanBERT: lengths in words from a geometric \
            distribution truncated to [--span-min, --span-max], anchored at word starts). The budget is \
            rate × candidates with probabilistic rounding, so the expected realised rate equals --rate for \
            every strategy and sequence length; a unit that would overshoot is taken with probability \
            remaining/length, so units are never split.

            Corruption and prediction (Wettig et al. 2022, §5): with --corrupt-rate C > --predict-rate P, \
            C of the tokens are corrupted and labels are put on a random P/C share of them. With P > C, \
            P of the tokens are selected and every sequence is written k = ceil(P/C) times: copy j \
            corrupts and predicts only the j-th of k disjoint parts of the selection (the paper's \
            construction).

            A preset sets every parameter of a published recipe; flags given explicitly override it \
            (wherever they stand on the command line).

            Budgets (--budget): unbiased (the default, above); google (--preset bert, bert-wwm): \
            min(--max-predictions, max(1, round(rate·n))) with n all real tokens ([CLS] and both [SEP] \
            included, rounding half to even), units walked in a random order, one that would overshoot \
            skipped (Google's create_masked_lm_predictions); electra (--preset electra): max(1, \
            min(--max-predictions, round(n·rate))) positions drawn with replacement, repeats collapsing \
            (ELECTRA's pretrain_helpers.mask). Other presets use the unbiased budget.
            """
    )

    @OptionGroup var storeArgument: StoreArgument
    @OptionGroup var outputOptions: ShardOutputOptions

    @Flag(help: "Write the batches to standard output (the same zstd frames, flushed per batch).")
    var stdout = false

    @Option(help: ArgumentHelp("A published recipe: \(MaskingPreset.names).", valueName: "name"))
    var preset: MaskingPreset?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Masking rate: both the prediction and the corruption rate (default \(MaskingSettings().predictRate)).",
            valueName: "r"))
    var rate: Double?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Share of candidate tokens that get a label (default: --rate).", valueName: "r"))
    var predictRate: Double?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Share of candidate tokens whose input is changed (default: --rate).", valueName: "r"))
    var corruptRate: Double?

    @Option(help: ArgumentHelp("Masking units (pmi needs --pmi).", valueName: "token|word|span|pmi"))
    var strategy: MaskingStrategy?

    @Option(help: ArgumentHelp("The PMI table for --strategy pmi / --preset pmi (from mlmprep pmi).", valueName: "table"))
    var pmi: String?

    @Option(
        help: ArgumentHelp(
            "Replacement probabilities MASK,RANDOM,KEEP (default \(Self.shown(MaskingSettings().replace))).",
            valueName: "m,r,k"))
    var replace: String?

    @Option(help: ArgumentHelp("One replacement draw per unit or per token.", valueName: "unit|token"))
    var replacePer: ReplacementGranularity?

    @Option(help: ArgumentHelp("Random replacement ids: uniform over non-special tokens, or by unigram frequency.", valueName: "uniform|unigram"))
    var randomFrom: RandomReplacementSource?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("At most this many predicted tokens per sequence.", valueName: "n"))
    var maxPredictions: Int?

    @Option(
        help: ArgumentHelp(
            "Budget rule: unbiased (default), google (bert, bert-wwm) or electra (electra; token units).",
            valueName: "unbiased|google|electra"))
    var budget: MaskingBudget?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Geometric parameter of span lengths (in words).", valueName: "p"))
    var spanP: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Shortest span, in words.", valueName: "n"))
    var spanMin: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Longest span, in words.", valueName: "n"))
    var spanMax: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Sequence length, [CLS] and [SEP] included.", valueName: "L"))
    var seqLen = 512

    @Option(parsing: .unconditional, help: ArgumentHelp("Sequences per batch (record).", valueName: "B"))
    var batchSize = 256

    @Option(help: ArgumentHelp("Packing: full (across documents), doc, pair (A/B segments), single (one document per sequence), electra (ELECTRA's examples).", valueName: "mode"))
    var pack: PackingMode?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Pair packing: probability of a shorter target length.", valueName: "p"))
    var shortSeqProb: Double?

    @Option(help: ArgumentHelp("Pair packing task: nsp (random next) or sop (swapped order).", valueName: "nsp|sop"))
    var pairTask: PairTask?

    @Option(parsing: .unconditional, help: ArgumentHelp("Random seed.", valueName: "n"))
    var seed: UInt64 = 0

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Epoch: a fresh, reproducible masking of the same data.", valueName: "n"))
    var epoch: UInt64 = 0

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Write this many differently masked passes (epochs epoch … epoch+K−1).", valueName: "K"))
    var epochs = 1

    @Option(help: ArgumentHelp("dtype of input_ids: i32 or u16 (vocabularies of at most 65536 tokens).", valueName: "i32|u16"))
    var ids: IDType = .i32

    @Flag(help: "Drop a last batch smaller than --batch-size.")
    var dropLast = false

    @OptionGroup(title: "Training order") var order: OrderOptions

    @OptionGroup var runOptions: RunOptions

    @OptionGroup var formatOptions: MaskFormatOptions

    enum IDType: String, ExpressibleByArgument, CaseIterable { case i32, u16 }

    /// `m,r,k` as `--replace` takes it.
    static func shown(_ replace: ReplacementProbabilities) -> String { "\(replace.mask),\(replace.random),\(replace.keep)" }

    func validate() throws {
        if stdout == (outputOptions.output != nil) { throw ValidationError("give either -o DIR or --stdout") }
        if outputOptions.resume && stdout {
            throw ValidationError("--resume needs an output directory (-o DIR): a stream on standard output cannot be resumed")
        }
        try formatOptions.check(
            stdout: stdout, resume: outputOptions.resume, sizeLimit: outputOptions.resolvedMaxShardBytes)
        for (name, value) in [("--rate", rate), ("--predict-rate", predictRate), ("--corrupt-rate", corruptRate)] {
            if let value, !(value > 0 && value < 1) { throw ValidationError("\(name) must be in (0, 1), got \(value)") }
        }
        if seqLen < 3 || seqLen > 1 << 20 { throw ValidationError("--seq-len must be between 3 and 1048576, got \(seqLen)") }
        if batchSize < 1 || batchSize > 1 << 20 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let maxPredictions, maxPredictions < 1 { throw ValidationError("--max-predictions must be at least 1") }
        // Span flags given explicitly are checked whatever the strategy (the masking settings check them only for
        // --strategy span), so that a mistyped value is never silently ignored.
        if let spanP, !(spanP > 0 && spanP <= 1) { throw ValidationError("--span-p must be in (0, 1], got \(spanP)") }
        if let spanMin, spanMin < 1 { throw ValidationError("--span-min must be at least 1, got \(spanMin)") }
        if let spanMax, spanMax < (spanMin ?? 1) || spanMax > MaskingSettings.maximumSpanWords {
            throw ValidationError(
                "--span-max must be between --span-min (\(spanMin ?? 1)) and \(MaskingSettings.maximumSpanWords), "
                    + "got \(spanMax)")
        }
        if let shortSeqProb, !(0...1).contains(shortSeqProb) {
            throw ValidationError("--short-seq-prob must be in [0, 1], got \(shortSeqProb)")
        }
        _ = try maskingSettings()
        _ = try order.settings(dropLast: dropLast)
        do {
            try packingSettings().validate()
        } catch {
            throw ValidationError(error.message)
        }
        var sizing = MaskJobSettings(
            store: storeArgument.store, destination: .standardOutput, packing: packingSettings(), masking: try maskingSettings())
        (sizing.epoch, sizing.epochs, sizing.threads) = (epoch, epochs, runOptions.resolvedThreads)
        try ResourceChecks.checkMask(sizing)
    }

    /// The masking settings: the preset's, then every explicit flag.
    func maskingSettings() throws -> MaskingSettings {
        var settings = preset?.settings(sequenceLength: seqLen, seed: seed, rate: rate) ?? MaskingSettings(seed: seed)
        if let strategy { settings.strategy = strategy }
        if settings.strategy == .pmi && pmi == nil {
            throw ValidationError("--strategy pmi (and --preset pmi) needs a PMI table: --pmi FILE (make one with mlmprep pmi)")
        }
        if settings.strategy != .pmi && pmi != nil {
            throw ValidationError("--pmi is used only by --strategy pmi or --preset pmi")
        }
        if preset == nil, let rate {
            settings.predictRate = rate
            settings.corruptRate = rate
        }
        if let predictRate { settings.predictRate = predictRate }
        if let corruptRate { settings.corruptRate = corruptRate }
        if let replace {
            let parts = replace.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3, let m = parts[0], let r = parts[1], let k = parts[2] else {
                throw ValidationError("--replace takes three numbers MASK,RANDOM,KEEP, e.g. 0.8,0.1,0.1 (got \(replace))")
            }
            settings.replace = ReplacementProbabilities(mask: m, random: r, keep: k)
        }
        if let replacePer { settings.replacePer = replacePer }
        if let randomFrom { settings.randomFrom = randomFrom }
        if let maxPredictions { settings.maxPredictions = maxPredictions }
        if let budget { settings.budget = budget }
        if let spanP { settings.spanP = spanP }
        if let spanMin { settings.spanMin = spanMin }
        if let spanMax { settings.spanMax = spanMax }
        do {
            try settings.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return settings
    }

    /// The packing settings: the preset's, then every explicit flag (special ids are set from the store).
    func packingSettings() -> PackingSettings {
        let mode = pack ?? preset?.packingMode ?? .full
        let shortProbability = shortSeqProb ?? preset?.shortSequenceProbability ?? 0
        return PackingSettings(
            mode: mode, sequenceLength: seqLen, clsID: 0, sepID: 0, padID: 0, batchSize: batchSize, seed: seed,
            epoch: epoch, shortSequenceProbability: shortProbability, pairTask: pairTask ?? .nsp)
    }

    func run() throws {
        let output = outputOptions.output
        try CommandErrors.reporting {
            try PathAliasing.check(
                inputs: [NamedPath("the store", storeArgument.store)] + (pmi.map { [NamedPath("--pmi", $0)] } ?? []),
                outputs: (output.map { [NamedPath("-o", $0)] } ?? []) + runOptions.statsOutput,
                writesStandardOutput: stdout)
            var settings = MaskJobSettings(
                store: storeArgument.store,
                destination: try formatOptions.destination(
                    stdout: stdout, directory: output ?? "", sizeLimit: outputOptions.resolvedMaxShardBytes,
                    overwrite: outputOptions.overwrite),
                packing: packingSettings(), masking: try maskingSettings())
            settings.epoch = epoch
            settings.epochs = epochs
            settings.dropLast = dropLast
            settings.idsU16 = ids == .u16
            settings.threads = runOptions.resolvedThreads
            outputOptions.apply(to: &settings)
            settings.compressionLevel = formatOptions.recordLevel(outputOptions.level)
            settings.pmiTable = pmi
            settings.order = try order.settings(dropLast: dropLast)
            // --resume is how the run is continued, not a setting of it: the manifest of a resumed run must be the
            // uninterrupted run's.
            let command = CommandLine.arguments.dropFirst().filter { $0 != "--resume" }
            settings.recordedSettings = [
                ("pmi_table", pmi.map { .string($0) } ?? .null),
                ("preset", preset.map { .string($0.rawValue) } ?? .null),
                ("command", .string(command.joined(separator: " "))),
            ]
            var job = MaskJob(settings: settings)
            let display = ProgressDisplay(enabled: !runOptions.quiet, label: "mask")
            let quiet = runOptions.quiet
            job.progress = { display.updateMask($0) }
            job.notice = { if !quiet { Diagnostics.line("mlmprep: note: \($0)") } }
            job.orderReport = { if !quiet { Diagnostics.line("mask: \($0.line)") } }
            let result = try job.run()
            display.finish()
            if let path = runOptions.statsJSON { try StatsFile.write(result, to: path) }
            if result.alreadyFinished {
                if !quiet { Diagnostics.line("mask: \(output ?? "") already holds the finished run; nothing to resume") }
                return
            }
            if !runOptions.quiet {
                let s = result.statistics
                let candidates = Double(max(s.candidates, 1))
                Diagnostics.line(
                    "mask: \(result.documents) documents → \(result.sequences) sequences in \(result.batches) batches "
                        + "(\(result.tokens) tokens); predicted \(String(format: "%.4f", Double(s.predicted) / candidates)), "
                        + "corrupted \(String(format: "%.4f", Double(s.corrupted) / candidates)) of \(s.candidates) "
                        + "candidates ([MASK] \(s.maskedWithMask), random \(s.randomReplaced), kept \(s.keptButPredicted)); "
                        + "\(String(format: "%.2f", result.seconds)) s"
                        + (result.pipeClosed ? "; the reader closed the pipe" : "")
                        + (result.resumedShards > 0 ? "; \(result.resumedShards) shard(s) kept from the interrupted run" : ""))
            }
        }
    }
}

extension MaskingPreset: ExpressibleByArgument {}
extension MaskingStrategy: ExpressibleByArgument {}
extension MaskingBudget: ExpressibleByArgument {}
extension ReplacementGranularity: ExpressibleByArgument {}
extension RandomReplacementSource: ExpressibleByArgument {}
extension PackingMode: ExpressibleByArgument {}
extension PairTask: ExpressibleByArgument {}
