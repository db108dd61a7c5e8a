import MLMCore
import MLMOrder
import Testing

/// The largest-deficit blend: every prefix within 2 of its share, exact periodicity, passes, parsing.
@Suite struct BlendScheduleTests {
    /// 2 and 5 sources, weights that do not divide evenly, large co-prime weights, and random ones.
    static let weightSets: [[Int]] = {
        var sets: [[Int]] = [[1], [1, 1], [5, 3], [2, 1], [37, 63], [997, 1009], [1, 1000], [7, 5, 3, 2, 1],
                             [13, 7, 5, 3, 2], [1, 1, 1, 1, 1], [100, 1, 1, 1, 1], [6, 10, 15]]
        var random = CounterRandom(seed: 3, index: 0)
        for _ in 0..<20 { sets.append((0..<(2 + random.below(4))).map { _ in 1 + random.below(500) }) }
        return sets
    }()

    /// The rule run step by step, independently of the period table: (source, index within source) per position.
    static func sequentialRule(_ weights: [Int], positions: Int) -> [(Int, Int)] {
        let total = weights.reduce(0, +)
        var counts = [Int](repeating: 0, count: weights.count)
        return (0..<positions).map { t in
            let best = weights.indices.max { a, b in
                let (da, db) = (weights[a] * (t + 1) - total * counts[a], weights[b] * (t + 1) - total * counts[b])
                return da < db || (da == db && a > b)  // ties go to the lower index
            }!
            counts[best] += 1
            return (best, counts[best] - 1)
        }
    }

    /// Every prefix of the stream (one period covers all, by periodicity) holds each source within 2 of its
    /// share: |W·c_i(t) − w_i·t| ≤ 2W, checked exactly; and the O(1) lookup agrees with the sequential rule
    /// over three periods (so the schedule really repeats).
    @Test(arguments: weightSets)
    func everyPrefixIsWithinTwoOfItsShare(weights: [Int]) throws {
        let schedule = try BlendSchedule(weights: weights)
        let divisor = weights.reduce(0) { Self.gcd($0, $1) }
        #expect(schedule.weights == weights.map { $0 / divisor })
        let w = schedule.weights, total = schedule.period
        let reference = Self.sequentialRule(w, positions: 3 * total + 7)
        #expect(reference.indices.allSatisfy { schedule.source(at: $0) == reference[$0] })
        var counts = [Int](repeating: 0, count: w.count)
        var worst = 0
        for t in 0...total {
            for i in w.indices { worst = max(worst, abs(total * counts[i] - w[i] * t)) }
            if t < total { counts[schedule.source(at: t).source] += 1 }
        }
        #expect(worst <= 2 * total, "prefix error \(Double(worst) / Double(total)) for weights \(weights)")
        #expect(counts == w, "after one period every source holds exactly its weight")
        let far = 1_000_000_007
        #expect(w.indices.allSatisfy { abs(total * schedule.count(of: $0, before: far) - w[$0] * far) <= 2 * total })
    }

    @Test func weightsParseAsExactDecimals() throws {
        #expect(try BlendSchedule(parsing: "5,3,2", sources: 3).weights == [5, 3, 2])
        #expect(try BlendSchedule(parsing: "0.7,0.3", sources: 2).weights == [7, 3])
        #expect(try BlendSchedule(parsing: "1.5,1", sources: 2).weights == [3, 2])
        #expect(try BlendSchedule(parsing: "10,20", sources: 2).weights == [1, 2])
        #expect(try BlendSchedule(parsing: ".25,.75", sources: 2).weights == [1, 3])
        for bad in ["0,1", "a,b", "1,2,3", "", "1.1234567,1", "-1,2", "1,,2", "1.,x"] {
            #expect(throws: OrderError.self) { try BlendSchedule(parsing: bad, sources: 2) }
        }
        #expect(throws: OrderError.self) { try BlendSchedule(weights: []) }
        #expect(throws: OrderError.self) { try BlendSchedule(weights: [1 << 23, 1]) }
    }

    /// A source smaller than its share is repeated pass by pass, each pass a fresh permutation of all of it:
    /// in every prefix the counts of its sequences differ by at most 1.
    @Test(arguments: [ShuffleMode.global, .none])
    func smallSourcesRepeatPassByPass(shuffle: ShuffleMode) throws {
        let lengths = [20, 500, 7]
        let order = try BlendedOrder(schedule: BlendSchedule(weights: [3, 2, 1]), sourceLengths: lengths,
                                     length: 3000, seed: 4, epoch: 1, shuffle: shuffle)
        var seen = lengths.map { [Int](repeating: 0, count: $0) }
        var passes = lengths.map { _ in [[Int]]() }
        var balanced = true
        for position in 0..<order.length {
            let origin = order[position]
            seen[origin.source][origin.sequence] += 1
            let counts = seen[origin.source]
            if counts.max()! - counts.min()! > 1 { balanced = false }
            if origin.pass == passes[origin.source].count { passes[origin.source].append([]) }
            passes[origin.source][origin.pass].append(origin.sequence)
        }
        #expect(balanced)
        #expect(order.origins(0..<order.length) == (0..<order.length).map { order[$0] })
        #expect(order.origins(1234..<1300) == (1234..<1300).map { order[$0] })
        let complete = passes[0].filter { $0.count == lengths[0] }
        #expect(complete.count == 3000 / 2 / 20)
        #expect(complete.allSatisfy { Set($0).count == lengths[0] })
        if shuffle == .global {
            #expect(Set(complete).count == complete.count, "every pass in a fresh order")
        } else {
            #expect(complete.allSatisfy { $0 == Array(0..<lengths[0]) })
        }
    }

    /// One source of weight 1 is exactly the unblended shuffled epoch.
    @Test func oneSourceIsThePlainShuffle() throws {
        let order = try BlendedOrder(schedule: BlendSchedule(weights: [1]), sourceLengths: [1001], seed: 8, epoch: 3,
                                     shuffle: .global)
        let plain = SequencePermutation(count: 1001, key: OrderKey.make(seed: 8, epoch: 3))
        #expect(order.length == 1001)
        #expect((0..<1001).allSatisfy { order[$0] == .init(source: 0, sequence: plain[$0], pass: 0) })
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
