extension BlendSchedule {
    /// The schedule for `--weights` text: comma-separated positive decimals (`5,3,2`, `0.7,0.3`, `1.5,1`).
    ///
    /// Decimals are scaled by the same power of ten to integers (at most 6 fraction digits), so the
    /// schedule is exact: `0.7,0.3` is `7,3`.
    /// - Parameters:
    ///   - text: The option's value.
    ///   - sources: The number of sources the weights are for.
    public init(parsing text: String, sources: Int) throws(OrderError) {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard items.count == sources else {
            throw OrderError(.badWeights, "--weights '\(text)' has \(items.count) weight(s) for \(sources) source(s): "
                             + "give one weight per source, in the order of the sources")
        }
        var parts: [(whole: Int, fraction: String)] = []
        for item in items {
            let split = item.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let fraction = split.count == 2 ? String(split[1]) : ""
            guard let whole = Int(split[0].isEmpty ? "0" : String(split[0])), whole >= 0,
                  !(split[0].isEmpty && fraction.isEmpty), fraction.count <= 6,
                  fraction.allSatisfy({ $0 >= "0" && $0 <= "9" }), whole < 1 << 30 else {
                throw OrderError(.badWeights, "--weights: '\(item)' is not a positive decimal below 2^30 with at "
                                 + "most 6 fraction digits (e.g. --weights 5,3,2 or 0.7,0.3)")
            }
            parts.append((whole, fraction))
        }
        let digits = parts.map(\.fraction.count).max() ?? 0
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let weights = parts.map { part -> Int in
            let padded = part.fraction + String(repeating: "0", count: digits - part.fraction.count)
            return part.whole * scale + (Int(padded) ?? 0)
        }
        try self.init(weights: weights)
    }
}
