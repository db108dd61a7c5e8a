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
            throw CommandFailure.input("cannot write --stats-json \(path)")
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

    @OptionGroup var storeArgument: StoreArgument

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
            try PathAliasing.check(
                inputs: [NamedPath("the store", storeArgument.store)],
                outputs: [NamedPath("-o", output)] + runOptions.statsOutput)
            let job = PMIJob(settings: counting.jobSettings(
                store: storeArgument.store, output: output, overwrite: overwrite, pmi: settings, memoryLimit: memoryLimit,
                threads: runOptions.resolvedThreads))
            let summary = try job.buildTable(progress: { PMICommandSupport.note($0, quiet: quiet) })
            let seconds = Date().timeIntervalSince(started)
            try PMICommandSupport.writeStats(summary, seconds: seconds, to: runOptions.statsJSON)
            PMICommandSupport.note(
                PMICommandSupport.summaryLine(summary) + String(format: " → %@ (%.1f s)", output, seconds), quiet: quiet)
        }
    }
}
