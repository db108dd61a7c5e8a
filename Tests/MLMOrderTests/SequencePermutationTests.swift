import MLMCore
import MLMOrder
import Testing

/// The keyed bijection: every count, inverse, identity, determinism, keys.
@Suite struct SequencePermutationTests {
    /// Counts of every shape: tiny, squares and their neighbours, powers of two ± 1, primes (about 10⁶: in
    /// ``ShuffleQualityTests``).
    static let counts: [Int] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 17, 31, 32, 33, 63, 64, 65, 99, 100, 101,
                                127, 255, 256, 257, 1023, 1024, 1025, 4095, 4097, 65535, 65536, 65537,
                                7919, 104_729, 1 << 17 + 1]

    static func key(_ seed: UInt64, _ epoch: UInt64 = 0) -> UInt64 { OrderKey.make(seed: seed, epoch: epoch) }

    @Test(arguments: counts)
    func isABijectionWithItsInverse(count: Int) {
        let permutation = SequencePermutation(count: count, key: Self.key(UInt64(count)))
        var seen = [Bool](repeating: false, count: count)
        var ok = true
        for position in 0..<count {
            let sequence = permutation[position]
            guard sequence >= 0 && sequence < count && !seen[sequence] else { ok = false; break }
            seen[sequence] = true
            if permutation.position(of: sequence) != position { ok = false; break }
        }
        #expect(ok)
        #expect(seen.allSatisfy { $0 })
    }

    @Test(arguments: [1, 2, 3, 100, 65537])
    func shuffleNoneIsTheIdentity(count: Int) {
        let identity = SequencePermutation(count: count, key: Self.key(7), shuffle: .none)
        #expect(identity.isIdentity)
        #expect((0..<count).allSatisfy { identity[$0] == $0 && identity.position(of: $0) == $0 })
        #expect(SequencePermutation.identity(count: count).isIdentity)
        let shuffled = SequencePermutation(count: count, key: Self.key(7), shuffle: .global)
        #expect(count < 3 || (0..<count).contains { shuffled[$0] != $0 })
    }

    @Test func sameKeySameOrderAndLargeCountsWork() {
        let a = SequencePermutation(count: 123_457, key: Self.key(3, 9))
        let b = SequencePermutation(count: 123_457, key: Self.key(3, 9))
        #expect((0..<1000).allSatisfy { a[$0 * 97] == b[$0 * 97] })
        // Random access far out in a 2^62-sized order: in range and inverted.
        let huge = SequencePermutation(count: SequencePermutation.maximumCount, key: Self.key(1))
        var random = CounterRandom(seed: 5, index: 0)
        for _ in 0..<200 {
            let position = Int(random.next() >> 2)
            let sequence = huge[position]
            #expect(sequence >= 0 && sequence < SequencePermutation.maximumCount)
            #expect(huge.position(of: sequence) == position)
        }
    }

    /// For tiny counts every permutation is reachable and they come with equal frequency over many keys:
    /// χ² over the N! permutations within 4σ of its N! − 1 degrees of freedom.
    @Test(arguments: [2, 3, 4, 5, 6])
    func tinyCountsGiveEveryPermutationEquallyOften(count: Int) {
        let factorial = (1...count).reduce(1, *)
        let keys = min(factorial * 400, 100_000)
        var frequency = [Int: Int]()
        for seed in 0..<keys {
            let permutation = SequencePermutation(count: count, key: Self.key(UInt64(seed)))
            let code = (0..<count).reduce(0) { $0 * count + permutation[$1] }
            frequency[code, default: 0] += 1
        }
        #expect(frequency.count == factorial)
        let expected = Double(keys) / Double(factorial)
        let chi = frequency.values.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        let df = Double(factorial - 1)
        #expect(chi <= df + 4 * (2 * df).squareRoot(), "χ² \(chi) for \(factorial) permutations")
    }

    /// The key is a hash of (seed, epoch, source, pass): (s, e + 1) and (s + 1, e) differ, and so do all nearby.
    @Test func keysNeverAliasNearbySettings() {
        var keys = Set<UInt64>()
        for seed in 0..<20 as Range<UInt64> {
            for epoch in 0..<20 as Range<UInt64> {
                for source in 0..<3 { for pass in 0..<3 { keys.insert(OrderKey.make(seed: seed, epoch: epoch, source: source, pass: pass)) } }
            }
        }
        #expect(keys.count == 20 * 20 * 9)
        #expect(OrderKey.make(seed: 1, epoch: 1) != OrderKey.make(seed: 2, epoch: 0))
    }
}
