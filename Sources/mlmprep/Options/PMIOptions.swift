import ArgumentParser
import Foundation
import MLMPMI
import MLMPipeline

extension SegmentScope: ExpressibleByArgument {}
extension PMIScore: ExpressibleByArgument {}

/// What n-grams are counted: `--max-n` and `--within` (fixed in round 1 of a scale-out run).
struct PMICountingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Longest n-gram counted, in words (2…8; default \(PMISettings().maximumLength)).", valueName: "n"))
    var maxN: Int?

    @Option(help: ArgumentHelp("N-grams stay within a document (default) or a sentence.", valueName: "document|sentence"))
    var within: SegmentScope?

    @Option(help: ArgumentHelp(
        "Memory for the counting tables, e.g. 3G, 512M (default 3G). Bigger corpora spill sorted runs to disk.",
        valueName: "size"))
    var memoryLimit: String?

    @Option(help: ArgumentHelp("Where spill files go (default: next to the output).", valueName: "dir"))
    var tempDir: String?

    /// The job settings these options (and the command's own) describe.
    func jobSettings(
        store: String, output: String, overwrite: Bool, pmi: PMISettings, memoryLimit: Int, threads: Int
    ) -> PMIJob.Settings {
        var settings = PMIJob.Settings(store: store, output: output)
        settings.overwrite = overwrite
        settings.pmi = pmi
        settings.memoryLimit = memoryLimit
        settings.temporaryDirectoryBase = tempDir
        settings.threads = threads
        return settings
    }

    /// `--memory-limit` in bytes (default 3 GiB, or less where the process may use less; see
    /// ``ResourceChecks/pmiMemoryLimit(_:explicit:threads:)``).
    func memoryLimitBytes(threads: Int) throws -> Int {
        let text = memoryLimit ?? "3G"
        guard let bytes = ByteSize.parse(text), bytes >= 128 << 20 else {
            throw ValidationError("--memory-limit must be a size of at least 128M such as 3G or 512M, got \(text)")
        }
        return try ResourceChecks.pmiMemoryLimit(bytes, explicit: memoryLimit != nil, threads: threads)
    }
}

/// How entries are chosen: `--min-count`, `--size`, `--mix`, `--score`.
struct PMISelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Keep n-grams counted at least this often (default \(PMISettings().minimumCount)).", valueName: "count"))
    var minCount: Int?

    @Option(help: ArgumentHelp("Entries in the table over all lengths (default \(PMISettings().size)).", valueName: "entries"))
    var size: Int?

    @Option(help: ArgumentHelp(
        "Percent of --size per length 2…max-n (default \(PMISettings().effectiveMix.map { "\($0)" }.joined(separator: ",")) "
            + "for max-n \(PMISettings().maximumLength)); the rounding remainder goes to bigrams.",
        valueName: "p2,p3,…"))
    var mix: String?

    @Option(help: ArgumentHelp(
        "pmi: PMI_n of Levine et al. 2021 (default); pmi-freq: weighted by the n-gram's probability (AI21's lists).",
        valueName: "pmi|pmi-freq"))
    var score: PMIScore?

    /// `--mix` as numbers.
    func parsedMix() throws -> [Double]? {
        guard let mix else { return nil }
        let values = mix.split(separator: ",", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--mix must be comma-separated percentages such as 50,25,12.5,12.5, got \(mix)")
        }
        return values.map { $0! }
    }
}

/// Sizes such as `3G`, `512M`, `1.5GiB` or plain bytes.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) { digits.removeLast(suffix.count) }
        var scale = 1.0
        if let last = digits.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][String(last)] {
            scale = pow(1024, Double(power))
            digits.removeLast()
        }
        guard let value = Double(digits), value > 0, value * scale < 9e18 else { return nil }
        return Int(value * scale)
    }
}
