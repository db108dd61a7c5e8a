import ArgumentParser
import Foundation
import MLMPMI

/// `mlmprep pmi show TABLE`: the top entries of a table, as text.
struct PMIShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a PMI table's settings and its top n-grams with their counts and scores."
    )

    @Argument(help: ArgumentHelp("A table written by mlmprep pmi.", valueName: "table"))
    var table: String

    @Option(help: ArgumentHelp("Only n-grams of this length.", valueName: "n"))
    var n: Int?

    @Option(help: ArgumentHelp("Entries per length (default 20).", valueName: "k"))
    var top: Int = 20

    func validate() throws {
        if let n, n < 2 { throw ValidationError("--n must be at least 2, got \(n)") }
        if top < 0 { throw ValidationError("--top must be 0 or more, got \(top)") }
    }

    func run() throws {
        try CommandErrors.reporting {
            let loaded = try PMITable.read(path: table)
            let header = loaded.header
            var out = StandardOutput()
            let mix = (header["mix"]?.arrayValue ?? []).map { value -> String in
                let number = value.doubleValue ?? Double(value.intValue ?? 0)
                return number == number.rounded() ? String(Int(number)) : String(number)
            }
            try out.write(
                "\(table): score \(header["score"]?.stringValue ?? "?"), n-grams of 2…\(header["max_n"]?.intValue ?? 0) "
                    + "words within a \(header["within"]?.stringValue ?? "?"), min count \(header["min_count"]?.intValue ?? 0), "
                    + "size \(header["size"]?.intValue ?? 0), mix \(mix.joined(separator: ",")), "
                    + "\(header["documents"]?.intValue ?? 0) documents, \(loaded.entries.count) entries\n")
            let kept = (header["kept"]?.arrayValue ?? []).compactMap(\.intValue)
            let candidates = (header["candidates"]?.arrayValue ?? []).compactMap(\.intValue)
            var byLength: [Int: [PMITableBuilder.Entry]] = [:]
            for entry in loaded.entries { byLength[entry.length, default: []].append(entry) }
            let maximum = header["max_n"]?.intValue ?? (byLength.keys.max() ?? 2)
            for length in 2...max(2, maximum) where n == nil || n == length {
                let entries = byLength[length] ?? []
                let keptCount = length - 2 < kept.count ? kept[length - 2] : entries.count
                let candidateCount = length - 1 < candidates.count ? candidates[length - 1] : 0
                try out.write("\n\(length)-grams: \(keptCount) kept of \(candidateCount) with count ≥ min count\n")
                try out.write("  rank       count      score  n-gram\n")
                for (rank, entry) in entries.prefix(top).enumerated() {
                    try out.write(
                        String(format: "%6d %11llu %10.4f  ", rank + 1, entry.count, entry.score) + entry.text + "\n")
                }
            }
            try out.flush()
        }
    }
}
