import MLMCore
import MLMOrder
import Testing

/// Shuffle quality against the uniform random permutation, each statistic with a 4σ tolerance.
@Suite struct ShuffleQualityTests {
    typealias Stats = ShuffleStatistics

    /// A prime count (every lookup near the top cycle-walks) and a power of two (for equal documents).
    static let prime = 1_000_003
    static let primeOrder = Stats.order(SequencePermutation(count: prime, key: OrderKey.make(seed: 42, epoch: 0)))
    static let power = 1 << 18
    static let powerOrder = Stats.order(SequencePermutation(count: power, key: OrderKey.make(seed: 7, epoch: 3)))
    static let mid = 100_003

    static func midOrder(seed: UInt64, epoch: UInt64) -> [Int] {
        Stats.order(SequencePermutation(count: mid, key: OrderKey.make(seed: seed, epoch: epoch)))
    }

    @Test func largeOrdersAreBijections() {
        for order in [Self.primeOrder, Self.powerOrder] {
            var seen = [Bool](repeating: false, count: order.count)
            for sequence in order where sequence >= 0 && sequence < order.count { seen[sequence] = true }
            #expect(seen.allSatisfy { $0 })
        }
    }

    /// Corpus position and output position are uncorrelated: |ρ| ≤ 4/√(N − 1), for several counts and keys.
    @Test(arguments: [1_000, 1_024, 4_097, 65_521, 100_003])
    func positionsAreUncorrelated(count: Int) {
        let tolerance = Stats.spearmanTolerance(count)
        for seed in 0..<3 as Range<UInt64> {
            let order = Stats.order(SequencePermutation(count: count, key: OrderKey.make(seed: seed, epoch: 1)))
            let rho = Stats.spearman(Array(0..<count), order)
            #expect(abs(rho) <= tolerance, "ρ = \(rho) for N = \(count), seed \(seed)")
        }
        let rho = Stats.spearman(Array(0..<Self.prime), Self.primeOrder)
        #expect(abs(rho) <= Stats.spearmanTolerance(Self.prime), "ρ = \(rho) for N = \(Self.prime)")
    }

    /// The corpus-decile × output-decile table is as even as a uniform permutation's: χ²(81) within 4σ, on
    /// both sides (an over-regular order such as an affine map `a·p + b mod N` gives χ² near 0).
    @Test func decileTableLooksUniform() {
        for order in [Self.primeOrder, Self.powerOrder, Self.midOrder(seed: 1, epoch: 0)] {
            let chi = Stats.decileChiSquare(order)
            #expect(Stats.decileChiSquareBand.contains(chi), "χ² = \(chi) for N = \(order.count)")
        }
        let affine = (0..<Self.mid).map { ($0 &* 48_271 &+ 11) % Self.mid }
        #expect(Stats.decileChiSquare(affine) < Stats.decileChiSquareBand.lowerBound)
    }

    /// Output neighbours are corpus neighbours (|a − b| ≤ w) as often as in a uniform permutation, for a
    /// window of 1 (expected ≈ 2) and of N/1000 (expected ≈ 2000): within 4√E + 1.
    @Test(arguments: [1, 1_000])
    func neighboursAreRarelyCloseInTheCorpus(window: Int) {
        let order = Self.primeOrder
        let expected = Stats.expectedCloseNeighbours(n: order.count, window: window)
        let observed = Double(Stats.closeNeighbours(order, window: window))
        #expect(abs(observed - expected) <= 4 * expected.squareRoot() + 1, "\(observed) close neighbours, expected \(expected)")
        let identity = Double(Stats.closeNeighbours(Array(0..<order.count), window: window))
        #expect(identity > expected + 4 * expected.squareRoot() + 1)
    }

    /// Neighbours from the same document (random sizes 1…32): as often as uniform, Σ n(n − 1)/N ± 4√E + 1.
    @Test func neighboursRarelyShareADocument() {
        var random = CounterRandom(seed: 11, index: 0)
        var sizes: [Int] = [], document: [Int] = []
        while document.count < Self.prime {
            let size = min(1 + random.below(32), Self.prime - document.count)
            sizes.append(size)
            document += [Int](repeating: sizes.count - 1, count: size)
        }
        let expected = Stats.expectedSameDocumentNeighbours(sizes: sizes)
        let observed = Double(Stats.sameDocumentNeighbours(Self.primeOrder, document: document))
        #expect(abs(observed - expected) <= 4 * expected.squareRoot() + 1, "\(observed) same-document pairs, expected \(expected)")
    }

    /// A batch of 256 holds as many distinct documents (of 8 sequences) as a uniform sample does: the mean
    /// over all 1024 batches within 4σ of the exact hypergeometric moments.
    @Test(arguments: [64, 256])
    func batchesHoldManyDistinctDocuments(batch: Int) {
        let size = 8
        let (mean, variance) = Stats.distinctDocumentsMoments(n: Self.power, size: size, batch: batch)
        let batches = Double(Self.power / batch)
        let observed = Stats.meanDistinctDocuments(Self.powerOrder, size: size, batch: batch)
        #expect(abs(observed - mean) <= 4 * (variance / batches).squareRoot(), "\(observed) distinct, expected \(mean)")
        let corpusOrder = Stats.meanDistinctDocuments(Array(0..<Self.power), size: size, batch: batch)
        #expect(corpusOrder < mean - 4 * variance.squareRoot())
    }

    /// Epochs and seeds give unrelated orders: |ρ| between two orders ≤ 4/√(N − 1), and about one position
    /// (Poisson(1)) holds the same sequence in both; including (s, e + 1) against (s + 1, e).
    @Test func epochsAndSeedsGiveUnrelatedOrders() {
        let pairs: [((UInt64, UInt64), (UInt64, UInt64))] = [((1, 0), (1, 1)), ((1, 1), (2, 0)), ((0, 0), (1, 0)),
                                                             ((5, 8), (5, 9)), ((3, 0), (0, 3))]
        for (a, b) in pairs {
            let first = Self.midOrder(seed: a.0, epoch: a.1), second = Self.midOrder(seed: b.0, epoch: b.1)
            let rho = Stats.spearman(first, second)
            #expect(abs(rho) <= Stats.spearmanTolerance(Self.mid), "ρ = \(rho) between \(a) and \(b)")
            let same = zip(first, second).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
            #expect(same <= 8, "\(same) positions agree between \(a) and \(b)")
        }
    }
}
