import MLMCore
import MLMMasking
import Testing

/// Vose's alias table against its counts.
@Suite struct UnigramAliasTableTests {
    @Test("draws follow the counts (chi-square over 10^6 draws)")
    func drawsFollowCounts() throws {
        let counts: [UInt64] = [0, 5, 1, 0, 1000, 250, 3, 77, 77, 1, 0, 12_000]
        let table = try #require(UnigramAliasTable(counts: counts, allowedIDs: Array(1..<11)))
        #expect(table.ids == [1, 2, 4, 5, 6, 7, 8, 9])
        var random = CounterRandom(seed: 3, index: 0)
        var drawn = [Int](repeating: 0, count: counts.count)
        let draws = 1_000_000
        for _ in 0..<draws { drawn[Int(table.draw(&random))] += 1 }
        #expect(drawn[0] == 0 && drawn[3] == 0 && drawn[10] == 0 && drawn[11] == 0)
        let ids = table.ids.map(Int.init)
        let total = Double(ids.reduce(0) { $0 + counts[$1] })
        let expected = ids.map { Double(draws) * Double(counts[$0]) / total }
        let chi = Tolerance.chiSquare(observed: ids.map { drawn[$0] }, expected: expected)
        #expect(chi <= Tolerance.chiSquareCritical(degrees: ids.count - 1), "chi-square \(chi)")
    }

    @Test("no allowed id with a positive count gives no table")
    func emptyTable() {
        #expect(UnigramAliasTable(counts: [0, 0, 5], allowedIDs: [0, 1]) == nil)
        #expect(UnigramAliasTable(counts: [], allowedIDs: [0, 1]) == nil)
    }

    @Test("a single id is always drawn")
    func singleID() throws {
        let table = try #require(UnigramAliasTable(counts: [0, 0, 9], allowedIDs: [2, 40]))
        var random = CounterRandom(seed: 1, index: 1)
        for _ in 0..<100 { #expect(table.draw(&random) == 2) }
    }
}
