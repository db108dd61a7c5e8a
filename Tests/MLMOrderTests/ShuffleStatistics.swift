import MLMOrder

/// Statistics of an order against what a uniform random permutation gives, each with its 4σ tolerance.
enum ShuffleStatistics {
    /// The order of a permutation as an array (`order[p]` = sequence at position p).
    static func order(_ permutation: SequencePermutation) -> [Int] {
        (0..<permutation.count).map { permutation[$0] }
    }

    /// Spearman's ρ between two orders of 0..<N (for permutations it is Pearson's r of the values).
    /// Uniform: mean 0, variance 1/(N − 1).
    static func spearman(_ a: [Int], _ b: [Int]) -> Double {
        let n = Double(a.count)
        let mean = (n - 1) / 2
        var covariance = 0.0
        for i in a.indices { covariance += (Double(a[i]) - mean) * (Double(b[i]) - mean) }
        let variance = (n * n - 1) / 12 * n
        return covariance / variance
    }

    /// `4/√(N − 1)`: the 4σ band of ρ for a uniform permutation.
    static func spearmanTolerance(_ n: Int) -> Double { 4 / Double(n - 1).squareRoot() }

    /// Pearson's χ² of the corpus-decile × output-decile table (81 degrees of freedom with fixed margins).
    static func decileChiSquare(_ order: [Int]) -> Double {
        let n = order.count
        var table = [Double](repeating: 0, count: 100)
        var rows = [Double](repeating: 0, count: 10), columns = [Double](repeating: 0, count: 10)
        for position in 0..<n {
            let row = position * 10 / n, column = order[position] * 10 / n
            table[row * 10 + column] += 1
            rows[row] += 1
            columns[column] += 1
        }
        var chi = 0.0
        for row in 0..<10 {
            for column in 0..<10 {
                let expected = rows[row] * columns[column] / Double(n)
                let difference = table[row * 10 + column] - expected
                chi += difference * difference / expected
            }
        }
        return chi
    }

    /// The 4σ band of χ²(81): 81 ± 4·√162.
    static let decileChiSquareBand: ClosedRange<Double> = (81 - 4 * 162.0.squareRoot())...(81 + 4 * 162.0.squareRoot())

    /// How many output neighbours lie within `window` of each other in the corpus (|a − b| ≤ window).
    static func closeNeighbours(_ order: [Int], window: Int) -> Int {
        zip(order, order.dropFirst()).reduce(0) { $0 + (abs($1.0 - $1.1) <= window ? 1 : 0) }
    }

    /// The uniform expectation of ``closeNeighbours(_:window:)``: (N − 1) · P(0 < |X − Y| ≤ w) for a random
    /// pair of distinct values, = (2wN − w(w + 1)) / N.
    static func expectedCloseNeighbours(n: Int, window: Int) -> Double {
        let w = Double(window), count = Double(n)
        return (2 * w * count - w * (w + 1)) / count
    }

    /// How many output neighbours come from the same document (`document[s]` = document of sequence s).
    static func sameDocumentNeighbours(_ order: [Int], document: [Int]) -> Int {
        zip(order, order.dropFirst()).reduce(0) { $0 + (document[$1.0] == document[$1.1] ? 1 : 0) }
    }

    /// Its uniform expectation: (N − 1) · Σ n_d(n_d − 1) / (N(N − 1)) = Σ n_d(n_d − 1) / N.
    static func expectedSameDocumentNeighbours(sizes: [Int]) -> Double {
        let n = Double(sizes.reduce(0, +))
        return sizes.reduce(0.0) { $0 + Double($1) * Double($1 - 1) } / n
    }

    /// Mean distinct documents per batch of `batch` consecutive positions (documents of `size` sequences).
    static func meanDistinctDocuments(_ order: [Int], size: Int, batch: Int) -> Double {
        var total = 0, batches = 0
        var seen = [Int](repeating: -1, count: order.count / size + 1)
        for start in stride(from: 0, to: order.count - batch + 1, by: batch) {
            var distinct = 0
            for position in start..<(start + batch) {
                let document = order[position] / size
                if seen[document] != start { seen[document] = start; distinct += 1 }
            }
            total += distinct
            batches += 1
        }
        return Double(total) / Double(batches)
    }

    /// Mean and variance of the distinct documents in a uniform sample of `batch` of `n` sequences, in
    /// documents of `size` each: D(1 − q₁) and D q₁(1 − q₁) + D(D − 1)(q₂ − q₁²), q_k the chance that k
    /// given documents are all missed.
    static func distinctDocumentsMoments(n: Int, size: Int, batch: Int) -> (mean: Double, variance: Double) {
        func missed(_ excluded: Int) -> Double {
            var logP = 0.0
            for k in 0..<batch { logP += log(Double(n - excluded - k) / Double(n - k)) }
            return exp(logP)
        }
        let documents = Double(n / size)
        let q1 = missed(size), q2 = missed(2 * size)
        return (documents * (1 - q1), documents * q1 * (1 - q1) + documents * (documents - 1) * (q2 - q1 * q1))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
