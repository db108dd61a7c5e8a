/// Which source each position of a blended stream comes from: the deterministic largest-deficit rule.
///
/// With integer weights `w_i` (sum `W`), position `t` goes to the source with the largest deficit
/// `w_i · (t + 1) − W · c_i(t)`, where `c_i(t)` counts the source's positions before `t` (ties to the lower
/// index): the share the prefix *including* `t` should hold minus what it holds. This is Megatron-LM's
/// `build_blending_indices` (which uses `w_i · max(t, 1)`, the share before `t`) in exact integer arithmetic.
/// With the `t + 1` form every deficit stays above `−W`, which makes the schedule exactly periodic: after `W`
/// positions every source holds exactly `w_i` of them and the deficits are back where they started. So one
/// period (`W` entries, 6 bytes each) gives random access to any position in O(1), and a check of every
/// prefix of one period checks every prefix of the stream. Every prefix holds each source within 2 of its
/// share (below `1 + w_i/W` above it; the bound below is the one tests check).
public struct BlendSchedule: Hashable, Sendable {
    /// The weights, divided by their greatest common divisor.
    public let weights: [Int]
    /// `W`, the sum of the weights: the schedule repeats every `W` positions.
    public let period: Int
    /// The source of each position of one period.
    @usableFromInline let sourceAt: [UInt16]
    /// How many positions of the same source come before it within the period.
    @usableFromInline let rankAt: [UInt32]

    /// The largest period (sum of reduced weights) accepted: the table takes 6 bytes per position.
    public static let maximumPeriod = 1 << 22
    /// The most sources accepted.
    public static let maximumSources = 1 << 12

    /// Creates the schedule for positive integer weights (one per source).
    public init(weights: [Int]) throws(OrderError) {
        guard !weights.isEmpty && weights.count <= Self.maximumSources else {
            throw OrderError(.badWeights, "a blend needs 1...\(Self.maximumSources) sources, got \(weights.count)")
        }
        if let bad = weights.firstIndex(where: { $0 <= 0 }) {
            throw OrderError(.badWeights, "weight \(bad + 1) is \(weights[bad]): every source needs a positive "
                             + "weight (leave a source out instead of giving it 0)")
        }
        let divisor = weights.reduce(0) { Self.gcd($0, $1) }
        let reduced = weights.map { $0 / divisor }
        let (period, overflow) = reduced.reduce((0, false)) { sum, w in
            let (s, o) = sum.0.addingReportingOverflow(w)
            return (s, sum.1 || o)
        }
        guard !overflow && period <= Self.maximumPeriod else {
            throw OrderError(.badWeights, "the weights \(weights) reduce to a period of more than "
                             + "\(Self.maximumPeriod) positions: use fewer digits")
        }
        self.weights = reduced
        self.period = period
        (sourceAt, rankAt) = Self.onePeriod(weights: reduced, period: period)
    }

    /// The number of sources.
    public var sources: Int { weights.count }

    /// The source of position `position` (≥ 0) and how many positions of that source come before it.
    @inlinable
    public func source(at position: Int) -> (source: Int, index: Int) {
        let (cycle, offset) = position.quotientAndRemainder(dividingBy: period)
        let source = Int(sourceAt[offset])
        return (source, cycle * weights[source] + Int(rankAt[offset]))
    }

    /// How many of the positions `0..<position` come from `source` (O(period) time; for checks and counts).
    public func count(of source: Int, before position: Int) -> Int {
        let (cycle, offset) = position.quotientAndRemainder(dividingBy: period)
        return cycle * weights[source] + sourceAt[0..<offset].reduce(0) { $0 + ($1 == source ? 1 : 0) }
    }

    /// Runs the largest-deficit rule over one period.
    static func onePeriod(weights: [Int], period: Int) -> ([UInt16], [UInt32]) {
        var counts = [Int](repeating: 0, count: weights.count)
        var sources = [UInt16](), ranks = [UInt32]()
        sources.reserveCapacity(period)
        ranks.reserveCapacity(period)
        for t in 0..<period {
            var best = 0, bestDeficit = Int.min
            for (i, w) in weights.enumerated() {
                let deficit = w * (t + 1) - period * counts[i]
                if deficit > bestDeficit { (best, bestDeficit) = (i, deficit) }
            }
            sources.append(UInt16(best))
            ranks.append(UInt32(counts[best]))
            counts[best] += 1
        }
        return (sources, ranks)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
