import Testing
@testable import MLMVocab

@Suite("Word count table")
struct WordCountTableTests {
    func words(_ seed: UInt64, _ count: Int) -> [[UInt8]] {
        var generator = PairQueueTests.Generator(state: seed)
        return (0..<count).map { _ in
            let length = Int(generator.next() % 12)  // includes the empty word and 8-byte boundaries
            return (0..<length).map { _ in UInt8(0x61 + generator.next() % 5) }
        }
    }

    func add(_ words: [[UInt8]], to table: inout WordCountTable) {
        for word in words { word.withUnsafeBufferPointer { table.add($0, count: 1) } }
    }

    func contents(_ table: WordCountTable) -> [[UInt8]: Int] {
        var result: [[UInt8]: Int] = [:]
        table.forEach { word, count in result[Array(word), default: 0] += count }
        return result
    }

    @Test("counts as a dictionary does, through growth and merging")
    func matchesDictionary() {
        let first = words(1, 20000)
        let second = words(2, 15000)
        var expected: [[UInt8]: Int] = [:]
        for word in first + second where !word.isEmpty { expected[word, default: 0] += 1 }
        var a = WordCountTable()
        var b = WordCountTable()
        add(first, to: &a)
        add(second, to: &b)
        a.merge(b)
        let got = contents(a)
        // The empty word has no base address in some arrays: it is either absent or counted, never corrupt.
        var withoutEmpty = got
        withoutEmpty[[]] = nil
        #expect(withoutEmpty == expected)
        #expect(a.count == got.count)
        #expect(a.totalCount == got.values.reduce(0, +))
    }
}
