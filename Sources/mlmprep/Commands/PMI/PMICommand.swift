import ArgumentParser
import Foundation
import MLMCore
import MLMPMI
import MLMPipeline

/// `mlmprep pmi`: PMI n-gram tables (Levine et al. 2021) from a tokenized store.
struct PMICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pmi",
        abstract: "Count word n-grams of a tokenized store and write the PMI table for PMI masking.",
        discussion: """
            Examples:
              mlmprep pmi tok/ -o pmi.table
              mlmprep pmi show pmi.table --n 3 --top 20
              mlmprep mask tok/ --preset pmi --pmi pmi.table -o shards/

            Scale-out over N machines, in rounds (pruning needs the global counts of the shorter n-grams):
              round 1:       mlmprep pmi count tok/ --worker I/N -o r1.I            (every I)
                             mlmprep pmi merge r1.* -o c1
              round k=2…5:   mlmprep pmi count tok/ --worker I/N --after c(k-1) -o rk.I
                             mlmprep pmi merge rk.* -o ck            (k < max-n)
                             mlmprep pmi merge r5.* -o pmi.table     (k = max-n)
            The merged table is byte-identical to `mlmprep pmi tok/ -o pmi.table` with the same settings.
            """,
        subcommands: [PMIBuildCommand.self, PMIShowCommand.self, PMICountCommand.self, PMIMergeCommand.self],
        defaultSubcommand: PMIBuildCommand.self
    )
}

/// Shared by the pmi subcommands: opening the store and printing the summary.
enum PMICommandSupport {
    static func openStore(_ directory: String) throws -> (source: StoreRecordSource, identity: StoreIdentity) {
        let store = try TokenStore(directory: directory)
        let source = try StoreRecordSource(store: store)
        return (source, try source.identity())
    }

    /// Checks the output, opens the store and a temporary directory for spills (removed afterwards), and runs
    /// `body` with the counting options.
    static func counting<Result>(
        store: String, output: String, overwrite: Bool, settings: PMISettings, memoryLimit: Int,
        counting: PMICountingOptions, threads: Int, slice: WorkerSlice = .all,
        _ body: (StoreRecordSource, StoreIdentity, CountingOptions) throws -> Result
    ) throws -> Result {
        try PMIOutput.check(output, overwrite: overwrite)
        let (source, identity) = try openStore(store)
        let temporary = try PMIOutput.temporaryDirectory(near: output, given: counting.tempDir)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        var options = CountingOptions(
            settings: settings, temporaryDirectory: temporary, vocabularySize: source.store.vocabulary.count)
        options.slice = slice
        options.threads = threads
        options.memoryLimit = memoryLimit
        options.limitsResidentSet = true  // --memory-limit bounds the process's peak resident set
        return try body(source, identity, options)
    }

    static func vocabulary(of source: StoreRecordSource) -> PMIVocabulary {
        PMIVocabulary(tokens: source.store.vocabulary.tokens, continuingPrefix: source.store.vocabulary.continuingPrefix)
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    static func summaryLine(_ summary: PMIRunSummary) -> String {
        var parts = [
            "\(grouped(Int(summary.documents))) documents, \(grouped(Int(summary.totals.first ?? 0))) words"
        ]
        if summary.distinct.count == summary.candidates.count, let words = summary.candidates.first,
            let distinct = summary.distinct.first
        {
            parts.append("\(grouped(distinct)) distinct words, \(grouped(words)) frequent")
        }
        for (index, kept) in summary.kept.enumerated() {
            let length = index + 2
            let candidates = index + 1 < summary.candidates.count ? summary.candidates[index + 1] : 0
            parts.append("\(length)-grams: \(grouped(kept)) kept of \(grouped(candidates)) frequent")
        }
        return parts.joined(separator: "; ")
    }

    static func writeStats(_ summary: PMIRunSummary, seconds: Double, extra: [(key: String, value: JSONValue)] = [], to path: String?) throws {
        guard let path else { return }
        var members: [(key: String, value: JSONValue)] = []
        if case .object(let fields) = summary.jsonValue { members = fields }
        members += extra
        members.append(("seconds", .double(seconds)))
        let value = JSONValue.object(members)
        guard FileManager.default.createFile(atPath: path, contents: Data((value.prettyPrinted() + "\n").utf8)) else {
            CommandErrors.fail("cannot write --stats-json \(path)")
        }
    }

    static func note(_ text: String, quiet: Bool) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(("pmi: " + text + "\n").utf8))
    }
}

/// `mlmprep pmi STORE -o TABLE`: every round in one process.
struct PMIBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Count n-grams and write the PMI table (the default subcommand: `mlmprep pmi STORE -o TABLE`)."
    )

    @Argument(help: ArgumentHelp("The tokenized store (from mlmprep tokenize).", valueName: "store"))
    var store: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The table file to write.", valueName: "table"))
    var output: String

    @Flag(help: "Replace an existing table.")
    var overwrite = false

    @OptionGroup var counting: PMICountingOptions
    @OptionGroup var selection: PMISelectionOptions
    @OptionGroup var runOptions: RunOptions

    func settings() throws -> PMISettings {
        var settings = PMISettings()
        if let maxN = counting.maxN { settings.maximumLength = maxN }
        if let within = counting.within { settings.scope = within }
        if let minCount = selection.minCount { settings.minimumCount = minCount }
        if let size = selection.size { settings.size = size }
        settings.mix = try selection.parsedMix()
        if let score = selection.score { settings.score = score }
        do { try settings.validate() } catch { throw ValidationError(error.message) }
        return settings
    }

    func validate() throws {
        _ = try settings()
        _ = try counting.memoryLimitBytes(threads: runOptions.resolvedThreads)
    }

    func run() throws {
        let settings = try settings()
        let memoryLimit = try counting.memoryLimitBytes(threads: runOptions.resolvedThreads)
        try CommandErrors.reporting {
            let started = Date()
            let quiet = runOptions.quiet
            let (table, summary) = try PMICommandSupport.counting(
                store: store, output: output, overwrite: overwrite, settings: settings, memoryLimit: memoryLimit,
                counting: counting, threads: runOptions.resolvedThreads
            ) { source, identity, options in
                try PMIRounds.buildTable(
                    source: source, identity: identity, vocabulary: PMICommandSupport.vocabulary(of: source),
                    options: options, progress: { PMICommandSupport.note($0, quiet: quiet) })
            }
            try table.write(to: output)
            let seconds = Date().timeIntervalSince(started)
            try PMICommandSupport.writeStats(summary, seconds: seconds, to: runOptions.statsJSON)
            PMICommandSupport.note(
                PMICommandSupport.summaryLine(summary) + String(format: " → %@ (%.1f s)", output, seconds), quiet: quiet)
        }
    }
}
