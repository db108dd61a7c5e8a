/// Counts the words of one slice of the corpus (round 1), and the number of n-gram positions per length.
///
/// One-token words, the vast majority, are counted in an array indexed by id; longer words go to a small
/// open-addressing table over their ids. One counter per thread; ``sortedRun()`` turns it into a ``WordRun``.
public struct WordCounter: Sendable {
    private var singleCounts: [UInt64]
    private var multi = MultiTokenWordTable()
    /// `totals[n − 1]`: n-gram positions of length n counted so far.
    public private(set) var totals: [UInt64]
    /// Documents seen.
    public private(set) var documents: UInt64 = 0

    /// Creates a counter.
    /// - Parameters:
    ///   - vocabularySize: Ids must be below this.
    ///   - maximumLength: The longest n-gram whose positions are totalled.
    public init(vocabularySize: Int, maximumLength: Int) {
        singleCounts = [UInt64](repeating: 0, count: vocabularySize)
        totals = [UInt64](repeating: 0, count: maximumLength)
    }

    /// Bytes held (for the memory budget).
    public var memoryBytes: Int { singleCounts.count * 8 + multi.memoryBytes }

    /// Counts every word of a record's segments.
    /// - Parameters:
    ///   - tokens: The record's ids.
    ///   - segments: The record's words, split with ``WordSegments/split(flags:documentOffsets:scope:)``.
    ///   - documents: Documents in the record.
    public mutating func count(tokens: UnsafeBufferPointer<UInt32>, segments: WordSegments, documents: Int) {
        self.documents += UInt64(documents)
        let bounds = segments.bounds
        for segment in 0..<segments.count {
            let start = segments.segmentStarts[segment]
            let words = segments.segmentWordCounts[segment]
            for n in 1...totals.count where words >= n { totals[n - 1] += UInt64(words - n + 1) }
            for word in start..<(start + words) {
                let first = Int(bounds[word])
                let end = Int(bounds[word + 1])
                if end - first == 1 {
                    singleCounts[Int(tokens[first])] &+= 1
                } else {
                    multi.add(UnsafeBufferPointer(rebasing: tokens[first..<end]))
                }
            }
        }
    }

    /// The words counted, sorted.
    public func sortedRun() -> WordRun {
        let multiWords = multi.sortedEntries()
        var run = WordRun()
        run.reserve(words: multiWords.count + singleCounts.count, ids: multiWords.count * 3 + singleCounts.count)
        var next = 0
        for id in 0..<singleCounts.count {
            // Longer words starting with a smaller id come first; a one-token word precedes those it starts.
            while next < multiWords.count, multi.first(of: multiWords[next]) < UInt32(id) {
                run.append(multi.word(multiWords[next]), count: multi.count(of: multiWords[next]))
                next += 1
            }
            if singleCounts[id] > 0 { run.append(CollectionOfOne(UInt32(id)), count: singleCounts[id]) }
            while next < multiWords.count, multi.first(of: multiWords[next]) == UInt32(id) {
                run.append(multi.word(multiWords[next]), count: multi.count(of: multiWords[next]))
                next += 1
            }
        }
        while next < multiWords.count {
            run.append(multi.word(multiWords[next]), count: multi.count(of: multiWords[next]))
            next += 1
        }
        return run
    }
}

/// Words of two or more tokens and their counts, in an open-addressing table keyed by the ids.
struct MultiTokenWordTable: Sendable {
    private var ids: [UInt32] = []
    private var starts: [Int] = []
    private var lengths: [Int32] = []
    private var counts: [UInt64] = []
    private var hashes: [UInt64] = []
    /// Entry + 1, or 0 for an empty slot.
    private var slots = [Int32](repeating: 0, count: 1024)

    var memoryBytes: Int { ids.capacity * 4 + starts.capacity * 28 + slots.capacity * 4 }

    static func hash(_ word: UnsafeBufferPointer<UInt32>) -> UInt64 {
        var key: UInt64 = 0x243F_6A88_85A3_08D3
        for id in word { key = (key ^ UInt64(id)) &* 0x9E37_79B9_7F4A_7C15 }
        return key ^ (key >> 29)
    }

    mutating func add(_ word: UnsafeBufferPointer<UInt32>) {
        let hash = Self.hash(word)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot]) - 1
            if entry < 0 { break }
            if hashes[entry] == hash, Int(lengths[entry]) == word.count,
                ids[starts[entry]..<(starts[entry] + word.count)].elementsEqual(word)
            {
                counts[entry] += 1
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(counts.count + 1)
        starts.append(ids.count)
        ids.append(contentsOf: word)
        lengths.append(Int32(word.count))
        counts.append(1)
        hashes.append(hash)
        if counts.count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        var grown = [Int32](repeating: 0, count: slots.count * 2)
        let mask = grown.count - 1
        for entry in 0..<counts.count {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while grown[slot] != 0 { slot = (slot + 1) & mask }
            grown[slot] = Int32(entry + 1)
        }
        slots = grown
    }

    func word(_ entry: Int) -> ArraySlice<UInt32> { ids[starts[entry]..<(starts[entry] + Int(lengths[entry]))] }
    func first(of entry: Int) -> UInt32 { ids[starts[entry]] }
    func count(of entry: Int) -> UInt64 { counts[entry] }

    /// Entry numbers in the order of their words.
    func sortedEntries() -> [Int] {
        (0..<counts.count).sorted { WordRun.compare(word($0), word($1)) < 0 }
    }
}
