import MLMCore

/// Draws ids in proportion to corpus counts in O(1) per draw (Vose's alias method).
///
/// Only ids in the allowed list (the non-special ids) with a positive count can be drawn. Build the table once
/// and share it; drawing takes two values from the caller's generator.
///
/// ```swift
/// let table = UnigramAliasTable(counts: counts, allowedIDs: nonSpecialIDs)
/// var random = CounterRandom(seed: 1, index: 0)
/// let id = table?.draw(&random)
/// ```
/// Complexity: O(V) to build, O(1) per draw.
public struct UnigramAliasTable: Hashable, Sendable {
    /// The drawable ids (allowed, positive count), in increasing order.
    public let ids: [UInt32]
    @usableFromInline let threshold: [Double]
    @usableFromInline let alias: [Int32]

    /// Builds the table.
    /// - Parameters:
    ///   - counts: Occurrences per id, indexed by id (ids past the end count 0).
    ///   - allowedIDs: The ids that may be drawn (the vocabulary's non-special ids).
    /// - Returns: `nil` when no allowed id has a positive count.
    public init?(counts: [UInt64], allowedIDs: [UInt32]) {
        var allowed = [Bool](repeating: false, count: counts.count)
        for id in allowedIDs where Int(id) < counts.count { allowed[Int(id)] = true }
        var ids: [UInt32] = []
        var weights: [Double] = []
        var total = 0.0
        for (id, count) in counts.enumerated() where allowed[id] && count > 0 {
            ids.append(UInt32(id))
            weights.append(Double(count))
            total += Double(count)
        }
        guard !ids.isEmpty else { return nil }
        let n = ids.count
        var scaled = weights.map { $0 * Double(n) / total }
        var threshold = [Double](repeating: 1, count: n)
        var alias = [Int32](repeating: 0, count: n)
        for i in 0..<n { alias[i] = Int32(i) }
        var small: [Int32] = []
        var large: [Int32] = []
        for i in 0..<n {
            if scaled[i] < 1 { small.append(Int32(i)) } else { large.append(Int32(i)) }
        }
        while let s = small.last, let l = large.last {
            small.removeLast()
            large.removeLast()
            threshold[Int(s)] = scaled[Int(s)]
            alias[Int(s)] = l
            scaled[Int(l)] = (scaled[Int(l)] + scaled[Int(s)]) - 1
            if scaled[Int(l)] < 1 { small.append(l) } else { large.append(l) }
        }
        // Whatever is left (numerical rest) keeps threshold 1: it is always drawn as itself.
        self.ids = ids
        self.threshold = threshold
        self.alias = alias
    }

    /// Draws one id.
    /// - Parameter random: The generator; two values are taken from it.
    /// - Returns: An allowed id with a positive count, with probability count / total.
    @inlinable
    public func draw(_ random: inout CounterRandom) -> UInt32 {
        let slot = random.below(ids.count)
        let coin = random.uniform()
        return coin < threshold[slot] ? ids[slot] : ids[Int(alias[slot])]
    }
}
