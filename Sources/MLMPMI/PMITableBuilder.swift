import MLMSystem
import Foundation
import MLMCore

/// Scores the frequent n-grams and chooses the table's entries (docs/design.md §3.4; definitions in ``PMIScore``).
///
/// `ll(x) = log count(x) − log T_|x|`; `best(x)` is the largest `Σ ll(s)` over all segmentations of `x` (itself
/// included): `best(w) = ll(w)` for a word, else `max(ll(x), max_i best(x[..<i]) + best(x[i...]))`; and
/// `maxseg(g) = max_i best(g[..<i]) + best(g[i...])` over the splits into at least two parts. Every part of a
/// frequent n-gram is frequent, so its count is known. Each length is ranked on its own: score descending, then
/// count descending, then text ascending (bytes); the first `quota` are kept.
public struct PMITableBuilder: Sendable {
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
    /// Threads that score (the result does not depend on it).
    public var threads = 1

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
        // best(x) for every frequent n-gram, level by level (each needs the shorter ones); best[0] holds the words.
        var best: [[Double]] = []
        best.append((0..<words.count).map { ll(words.run.counts[$0], length: 1) })
        var allScores: [[Double]] = []
        for level in levels {
            let (levelBest, scores) = score(level: level, best: best)
            best.append(levelBest)
            allScores.append(scores)
        }
        // Then each length is ranked on its own, the lengths shared out among the threads.
        let scores = allScores
        let chosen = (try? ParallelThreads.run(count: max(1, min(threads, levels.count))) { thread in
            stride(from: thread, to: levels.count, by: max(1, min(threads, levels.count))).map { index in
                (index, select(level: levels[index], scores: scores[index], wordTexts: wordTexts))
            }
        }) ?? []
        var byLevel = [[Entry]](repeating: [], count: levels.count)
        for (index, entries) in chosen.joined() { byLevel[index] = entries }
        return (Array(byLevel.joined()), [words.count] + levels.map(\.count))
    }

    /// The `quota` best n-grams of one length: score descending, then count descending, then text ascending.
    /// The text, needed only to order ties, is built for the tied groups that reach the quota, not for every
    /// candidate.
    private func select(level: NgramLevel, scores: [Double], wordTexts: [[UInt8]]) -> [Entry] {
        let length = level.length
        let quota = settings.quotas[length - 2]
        // Sort the keys themselves, side by side, rather than indices into them: no scattered loads per compare.
        var ranked = (0..<level.count).map { Ranked(score: scores[$0], count: level.counts[$0], index: Int32($0)) }
        ranked.sort { a, b in a.score != b.score ? a.score > b.score : a.count > b.count }
        let order = ranked.map { Int($0.index) }
        ranked = []
        func text(_ index: Int) -> [UInt8] {
            var text: [UInt8] = []
            for offset in 0..<length {
                if offset > 0 { text.append(0x20) }
                text.append(contentsOf: wordTexts[part(index, length: length, offset: offset, size: 1)])
            }
            return text
        }
        var entries: [Entry] = []
        entries.reserveCapacity(min(quota, level.count))
        var position = 0
        while entries.count < quota && position < order.count {
            let first = order[position]
            var end = position + 1
            while end < order.count && scores[order[end]] == scores[first]
                && level.counts[order[end]] == level.counts[first]
            {
                end += 1
            }
            var group = order[position..<end].map { (index: $0, text: text($0)) }
            if group.count > 1 { group.sort { $0.text.lexicographicallyPrecedes($1.text) } }
            for member in group.prefix(quota - entries.count) {
                entries.append(
                    Entry(
                        text: String(decoding: member.text, as: UTF8.self), length: length,
                        count: level.counts[member.index], score: scores[member.index]))
            }
            position = end
        }
        return entries
    }

    /// `best` and the score of every n-gram of `level`, given `best` of the shorter lengths; the entries are
    /// shared out among ``threads`` (each one's parts are scattered through memory, so threads hide each
    /// other's waits).
    private func score(level: NgramLevel, best: [[Double]]) -> (best: [Double], scores: [Double]) {
        let length = level.length
        var levelBest = [Double](repeating: 0, count: level.count)
        var scores = [Double](repeating: 0, count: level.count)
        let threads = max(1, min(self.threads, level.count / 65_536))
        let chunk = (level.count + threads - 1) / max(threads, 1)
        levelBest.withUnsafeMutableBufferPointer { levelBest in
            scores.withUnsafeMutableBufferPointer { scores in
                let output = ScoreOutput(best: levelBest, scores: scores)
                _ = try? ParallelThreads.run(count: threads) { thread in
                    for index in (thread * chunk)..<min(level.count, (thread + 1) * chunk) {
                        let own = ll(level.counts[index], length: length)
                        var split = -Double.infinity
                        for cut in 1..<length {
                            let left = best[cut - 1][part(index, length: length, offset: 0, size: cut)]
                            let right = best[length - cut - 1][part(index, length: length, offset: cut, size: length - cut)]
                            split = max(split, left + right)
                        }
                        output.best[index] = max(own, split)
                        output.scores[index] = settings.score == .pmi ? own - split : 2 * own - split
                    }
                }
            }
        }
        return (levelBest, scores)
    }

    /// What ranking compares, with the entry it stands for.
    private struct Ranked {
        var score: Double
        var count: UInt64
        var index: Int32
    }

    /// Where the scoring threads write (each its own range of entries).
    private struct ScoreOutput: @unchecked Sendable {
        let best: UnsafeMutableBufferPointer<Double>
        let scores: UnsafeMutableBufferPointer<Double>
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
