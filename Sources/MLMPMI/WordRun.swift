/// Words (token-id sequences) with their counts, sorted by their ids, lexicographically (a word before the
/// longer words it starts).
///
/// Runs are what counting produces for the words (round 1) and what merging sums. Word `i` is
/// `ids[offsets[i] ..< offsets[i + 1]]`.
public struct WordRun: Sendable, Equatable {
    /// Every word's ids, back to back.
    public private(set) var ids: [UInt32] = []
    /// Word boundaries into ``ids`` (count + 1 entries).
    public private(set) var offsets: [Int] = [0]
    /// Each word's count.
    public private(set) var counts: [UInt64] = []

    /// Creates an empty run.
    public init() {}

    /// The number of words.
    public var count: Int { counts.count }

    /// The ids of word `index`.
    public func word(_ index: Int) -> ArraySlice<UInt32> { ids[offsets[index]..<offsets[index + 1]] }

    /// Appends a word, which must sort after the last one.
    /// - Parameters:
    ///   - word: The word's ids.
    ///   - count: Its count.
    public mutating func append<Words: Collection<UInt32>>(_ word: Words, count: UInt64) {
        ids.append(contentsOf: word)
        offsets.append(ids.count)
        counts.append(count)
    }

    /// Reserves room.
    /// - Parameters:
    ///   - words: Words.
    ///   - ids: Ids over all words.
    public mutating func reserve(words: Int, ids idCount: Int) {
        ids.reserveCapacity(idCount)
        offsets.reserveCapacity(words + 1)
        counts.reserveCapacity(words)
    }

    /// Compares two id sequences lexicographically.
    /// - Returns: Negative, zero or positive.
    static func compare(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Int {
        var i = a.startIndex
        var j = b.startIndex
        while i < a.endIndex && j < b.endIndex {
            if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
            i += 1
            j += 1
        }
        return a.count - b.count
    }

    /// Sums runs into one sorted run, keeping the words whose total reaches `minimumCount`.
    /// - Parameters:
    ///   - runs: Sorted runs.
    ///   - minimumCount: The smallest total kept (1 keeps everything).
    /// - Returns: The merged run.
    public static func merge(_ runs: [WordRun], minimumCount: UInt64 = 1) -> WordRun {
        var merged = WordRun()
        merged.reserve(words: runs.map(\.count).max() ?? 0, ids: runs.map(\.ids.count).max() ?? 0)
        var heads = [Int](repeating: 0, count: runs.count)
        while true {
            var smallest = -1
            for run in runs.indices where heads[run] < runs[run].count {
                if smallest < 0
                    || compare(runs[run].word(heads[run]), runs[smallest].word(heads[smallest])) < 0
                {
                    smallest = run
                }
            }
            if smallest < 0 { break }
            let word = runs[smallest].word(heads[smallest])
            var total: UInt64 = 0
            for run in runs.indices where heads[run] < runs[run].count {
                if compare(runs[run].word(heads[run]), word) == 0 {
                    total += runs[run].counts[heads[run]]
                    heads[run] += 1
                }
            }
            if total >= minimumCount { merged.append(word, count: total) }
        }
        return merged
    }
}
