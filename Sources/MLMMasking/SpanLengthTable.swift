import MLMCore

/// Span lengths in words: P(ℓ) ∝ p(1−p)^(ℓ−min) on [min, max], drawn by inverse CDF on a precomputed table.
///
/// With p = 0.2 on 1…10 the probabilities are .224 .179 .143 .115 .092 .073 .059 .047 .038 .030 (mean 3.80).
struct SpanLengthTable: Sendable {
    /// The shortest length.
    let minimum: Int
    /// `cumulative[k]` = P(ℓ ≤ minimum + k); the last entry is exactly 1.
    let cumulative: [Double]

    /// Builds the table; the settings were validated (0 < p ≤ 1, 1 ≤ min ≤ max).
    init(p: Double, minimum: Int, maximum: Int) {
        self.minimum = minimum
        let weights = (0...(maximum - minimum)).map { p * Self.power(1 - p, $0) }
        let total = weights.reduce(0, +)
        var running = 0.0
        var cumulative = weights.map { weight -> Double in
            running += weight / total
            return running
        }
        cumulative[cumulative.count - 1] = 1
        self.cumulative = cumulative
    }

    /// The probability of length `length` (0 outside the range).
    func probability(_ length: Int) -> Double {
        let k = length - minimum
        guard k >= 0, k < cumulative.count else { return 0 }
        return k == 0 ? cumulative[0] : cumulative[k] - cumulative[k - 1]
    }

    /// Draws a length with one uniform value.
    @inline(__always)
    func draw(_ random: inout CounterRandom) -> Int {
        let u = random.uniform()
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) >> 1
            if u < cumulative[middle] { high = middle } else { low = middle + 1 }
        }
        return minimum + low
    }

    private static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= base }
        return result
    }
}
