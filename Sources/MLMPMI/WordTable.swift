/// The frequent words of the whole corpus, numbered in id order: the first level of the n-gram tables.
///
/// A word's number is its rank in the sorted ``WordRun`` of frequent words, so every process that merges the
/// same counts numbers them the same way. Lookups: one-token words through an array indexed by id, longer ones
/// through a hash table.
public struct WordTable: Sendable {
    /// The frequent words and their counts, sorted.
    public let run: WordRun
    /// Number of a one-token word by id, or ``NgramLevel/none``.
    private let singleIndex: [UInt32]
    private let multiSlots: [UInt32]
    private let multiHashes: [UInt64]

    /// Creates the table.
    /// - Parameters:
    ///   - run: Frequent words, sorted (at most 2³² − 2 of them).
    ///   - vocabularySize: Ids are below this.
    public init(run: WordRun, vocabularySize: Int) {
        self.run = run
        var singleIndex = [UInt32](repeating: NgramLevel.none, count: vocabularySize)
        var multi: [Int] = []
        for index in 0..<run.count {
            let word = run.word(index)
            if word.count == 1 {
                if Int(word.first!) < vocabularySize { singleIndex[Int(word.first!)] = UInt32(index) }
            } else {
                multi.append(index)
            }
        }
        var capacity = 16
        while capacity < multi.count * 2 { capacity <<= 1 }
        var slots = [UInt32](repeating: NgramLevel.none, count: capacity)
        var hashes = [UInt64](repeating: 0, count: capacity)
        for index in multi {
            let hash = run.word(index).withContiguousStorageIfAvailable { MultiTokenWordTable.hash($0) }!
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] != NgramLevel.none { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = UInt32(index)
            hashes[slot] = hash
        }
        self.singleIndex = singleIndex
        self.multiSlots = slots
        self.multiHashes = hashes
    }

    /// The number of frequent words.
    public var count: Int { run.count }

    /// Bytes held (for the memory budget).
    public var memoryBytes: Int { run.ids.count * 4 + run.count * 16 + singleIndex.count * 4 + multiSlots.count * 12 }

    /// The number of a word, or ``NgramLevel/none`` when it is not frequent.
    /// - Parameter word: The word's ids.
    @inline(__always)
    public func index(of word: UnsafeBufferPointer<UInt32>) -> UInt32 {
        if word.count == 1 {
            let id = Int(word[0])
            return id < singleIndex.count ? singleIndex[id] : NgramLevel.none
        }
        let hash = MultiTokenWordTable.hash(word)
        let mask = multiSlots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = multiSlots[slot]
            if index == NgramLevel.none { return index }
            if multiHashes[slot] == hash && run.word(Int(index)).elementsEqual(word) { return index }
            slot = (slot + 1) & mask
        }
    }
}
