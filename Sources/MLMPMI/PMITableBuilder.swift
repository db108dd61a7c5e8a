import Foundation
import MLMCore

/// Scores the frequent n-grams and chooses the table's entries (DESIGN.md §3.4; definitions in ``PMIScore``).
///
/// `ll(x) = log count(x) − log T_|x|`; `best(x)` is the largest `Σ ll(s)` over all segmentations of `x` (itself
/// included): `best(w) = ll(w)` for a word, else `max(ll(x), max_i best(x[..<i]) + best(x[i...]))`; and
/// `maxseg(g) = max_i best(g[..<i]) + best(g[i...])` over the splits into at least two parts. Every part of a
/// frequent n-gram is frequent, so its count is known. Each length is ranked on its own: score descending, then
/// count descending, then text ascending (bytes); the first `quota` are kept.
public struct PMITableBuilder {
    /// The settings.
    public let settings: PMISettings
    /// The frequent words.
    public let words: WordTable
    /// The frequent n-grams of lengths 2…maximumLength.
    public let levels: [NgramLevel]
    /// `totals[n − 1]`: n-gram positions of length n.
    public let totals: [UInt64]
    /// The vocabulary's tokens, by id (for the text of words).
    public let tokens: [String]
    /// The prefix of continuing pieces (`##`).
    public let continuingPrefix: String

    /// Creates a builder.
    public init(
        settings: PMISettings, words: WordTable, levels: [NgramLevel], totals: [UInt64], tokens: [String],
        continuingPrefix: String = "##"
    ) {
        self.settings = settings
        self.words = words
        self.levels = levels
        self.totals = totals
        self.tokens = tokens
        self.continuingPrefix = continuingPrefix
    }

    /// One chosen n-gram.
    public struct Entry: Sendable, Equatable {
        /// Its words' texts joined by single spaces.
        public var text: String
        /// Its length in words.
        public var length: Int
        /// Its count.
        public var count: UInt64
        /// Its score.
        public var score: Double
    }

    /// The number of the part of n-gram `index` (length `length`) that starts at word `offset` and has `size`
    /// words (a word number when `size` is 1).
    func part(_ index: Int, length: Int, offset: Int, size: Int) -> Int {
        var index = index
        var length = length
        var offset = offset
        while length > size {
            let level = levels[length - 2]
            if offset > 0 {
                index = level.suffix(of: index)
                offset -= 1
            } else {
                index = level.prefix(of: index)
            }
            length -= 1
        }
        return index
    }

    /// Scores every frequent n-gram and keeps each length's best.
    /// - Returns: The chosen entries, by length then rank, and the number of candidates per length 1…max.
    public func build() -> (entries: [Entry], candidates: [Int]) {
        let wordTexts: [[UInt8]] = (0..<words.count).map { wordText(words.run.word($0)) }
        // best(x) for every frequent n-gram, level by level; best[0] holds the words.
        var best: [[Double]] = []
        best.append((0..<words.count).map { ll(words.run.counts[$0], length: 1) })
        var entries: [Entry] = []
        let quotas = settings.quotas
        for level in levels {
            let length = level.length
            var levelBest = [Double](repeating: 0, count: level.count)
            var scores = [Double](repeating: 0, count: level.count)
            for index in 0..<level.count {
                let own = ll(level.counts[index], length: length)
                var split = -Double.infinity
                for cut in 1..<length {
                    let left = best[cut - 1][part(index, length: length, offset: 0, size: cut)]
                    let right = best[length - cut - 1][part(index, length: length, offset: cut, size: length - cut)]
                    split = max(split, left + right)
                }
                levelBest[index] = max(own, split)
                scores[index] = settings.score == .pmi ? own - split : 2 * own - split
            }
            best.append(levelBest)
            // Texts of every candidate, for ties and output.
            var arena: [UInt8] = []
            var starts = [Int](repeating: 0, count: level.count + 1)
            for index in 0..<level.count {
                for offset in 0..<length {
                    if offset > 0 { arena.append(0x20) }
                    arena.append(contentsOf: wordTexts[part(index, length: length, offset: offset, size: 1)])
                }
                starts[index + 1] = arena.count
            }
            let quota = quotas[length - 2]
            var order = Array(0..<level.count)
            arena.withUnsafeBufferPointer { text in
                order.sort { a, b in
                    if scores[a] != scores[b] { return scores[a] > scores[b] }
                    if level.counts[a] != level.counts[b] { return level.counts[a] > level.counts[b] }
                    return Self.lexicographicallyPrecedes(text, starts[a]..<starts[a + 1], starts[b]..<starts[b + 1])
                }
            }
            for index in order.prefix(quota) {
                let text = String(decoding: arena[starts[index]..<starts[index + 1]], as: UTF8.self)
                entries.append(Entry(text: text, length: length, count: level.counts[index], score: scores[index]))
            }
        }
        return (entries, [words.count] + levels.map(\.count))
    }

    private static func lexicographicallyPrecedes(
        _ text: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>
    ) -> Bool {
        let common = min(a.count, b.count)
        let order = memcmp(text.baseAddress! + a.lowerBound, text.baseAddress! + b.lowerBound, common)
        if order != 0 { return order < 0 }
        return a.count < b.count
    }

    private func ll(_ count: UInt64, length: Int) -> Double {
        log(Double(count)) - log(Double(totals[length - 1]))
    }

    /// A word's text: its tokens, the continuation prefix removed from all but the first.
    func wordText(_ ids: ArraySlice<UInt32>) -> [UInt8] {
        var text: [UInt8] = []
        let prefix = Array(continuingPrefix.utf8)
        for (position, id) in ids.enumerated() {
            let token = tokens[Int(id)].utf8
            // Bytes, not characters: in "##ी" the second "#" and the vowel sign form one Character, so
            // String.hasPrefix("##") is false.
            if position > 0 && token.starts(with: prefix) {
                text.append(contentsOf: token.dropFirst(prefix.count))
            } else {
                text.append(contentsOf: token)
            }
        }
        return text
    }
}
