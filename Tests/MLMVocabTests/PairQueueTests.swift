import Testing
@testable import MLMVocab

@Suite("Pair queue")
struct PairQueueTests {
    /// A small deterministic generator (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func entry(_ generator: inout Generator) -> PairEntry {
        // Few distinct counts and pairs, so that ties on count and on (count, pair) are frequent.
        PairEntry(
            count: Int(generator.next() % 6), pair: SymbolWords.pair(UInt32(generator.next() % 4), UInt32(generator.next() % 3)),
            sequence: 0, positionsStart: Int(generator.next() % 1000), positionsCount: 1)
    }

    @Test("pops by count, then lower pair, then first pushed", arguments: [0, 1, 2, 17, 500])
    func popOrder(size: Int) {
        var generator = Generator(state: UInt64(size))
        let initial = (0..<size).map { _ in entry(&generator) }
        var queue = PairQueue(initial)
        var expected = initial.enumerated().map { index, item -> PairEntry in
            var item = item
            item.sequence = index
            return item
        }
        // Interleave pushes and pops, checking every pop against a sorted model.
        var popped: [PairEntry] = []
        var model: [PairEntry] = expected
        for round in 0..<(size * 2 + 10) {
            if round % 3 == 0 {
                let item = entry(&generator)
                queue.push(item)
                var copy = item
                copy.sequence = size + round
                model.append(copy)
            } else if let top = queue.pop() {
                model.sort { $0.precedes($1) }
                let first = model.removeFirst()
                #expect(top.count == first.count && top.pair == first.pair && top.positionsStart == first.positionsStart)
                popped.append(top)
            }
        }
        while let top = queue.pop() {
            model.sort { $0.precedes($1) }
            let first = model.removeFirst()
            #expect(top.count == first.count && top.pair == first.pair && top.positionsStart == first.positionsStart)
        }
        #expect(model.isEmpty)
        expected.removeAll()
        #expect(queue.count == 0)
    }

    @Test("pair integers order as (left, right) tuples")
    func pairOrder() {
        let pairs: [(UInt32, UInt32)] = [(0, 5), (1, 0), (1, 2), (0, UInt32.max - 1), (UInt32.max - 1, 0)]
        for a in pairs {
            for b in pairs {
                let tupleLess = a.0 != b.0 ? a.0 < b.0 : a.1 < b.1
                #expect((SymbolWords.pair(a.0, a.1) < SymbolWords.pair(b.0, b.1)) == tupleLess)
            }
        }
    }
}
