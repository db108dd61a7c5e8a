import ArgumentParser
import Foundation
import MLMPMI
import MLMPipeline

/// `mlmprep pmi merge`: sums the parts of one round into the next count file, or into the table.
struct PMIMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Sum every worker's part of one round: a count file for the next round, or the table after the last.",
        discussion: """
            --min-count is fixed when round 1 is merged; --size, --mix and --score are used when the last \
            round (max-n) is merged. Parts of every worker 0…N−1 of the round must be given, once each.
            """
    )

    @Argument(help: ArgumentHelp("Part files of one round (from mlmprep pmi count).", valueName: "part"))
    var parts: [String]

    @Option(help: ArgumentHelp("The count file the parts were counted against (rounds 2…max-n; default: where it was when they were counted).", valueName: "counts"))
    var after: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The count file or table to write.", valueName: "file"))
    var output: String

    @Flag(help: "Replace an existing output file.")
    var overwrite = false

    @OptionGroup var selection: PMISelectionOptions

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Option(help: ArgumentHelp("Write the counts as JSON to this file.", valueName: "file"))
    var statsJSON: String?

    func validate() throws {
        if parts.isEmpty { throw ValidationError("give the part files of one round") }
        if let minCount = selection.minCount, minCount < 1 {
            throw ValidationError("--min-count must be at least 1, got \(minCount)")
        }
        if let size = selection.size, size < 1 { throw ValidationError("--size must be at least 1, got \(size)") }
        _ = try selection.parsedMix()
    }

    func run() throws {
        var given = PMIRounds.MergeSettings()
        given.minimumCount = selection.minCount
        given.size = selection.size
        given.mix = try selection.parsedMix()
        given.score = selection.score
        try CommandErrors.reporting {
            let started = Date()
            try PathAliasing.check(
                inputs: parts.map { NamedPath("the part", $0) } + (after.map { [NamedPath("--after", $0)] } ?? []),
                outputs: [NamedPath("-o", output)] + (statsJSON.map { [NamedPath("--stats-json", $0)] } ?? []))
            try PMIJob.checkOutput(output, overwrite: overwrite)
            let (round, wroteTable, summary) = try PMIRounds.merge(
                parts: parts, after: after, given: given, output: output)
            let seconds = Date().timeIntervalSince(started)
            try PMICommandSupport.writeStats(
                summary, seconds: seconds, extra: [("round", .int(round)), ("table", .bool(wroteTable))], to: statsJSON)
            let what = wroteTable
                ? "table: " + PMICommandSupport.summaryLine(summary)
                : "round \(round) merged: \(PMICommandSupport.grouped(summary.candidates.last ?? 0)) frequent "
                    + (round == 1 ? "words" : "\(round)-grams") + " of \(PMICommandSupport.grouped(summary.distinct.first ?? 0))"
            PMICommandSupport.note(what + String(format: " → %@ (%.1f s)", output, seconds), quiet: quiet)
        }
    }
}
