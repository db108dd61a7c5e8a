/// The frequent words of the whole corpus, numbered in id order: the first level of the n-gram tables.
///
/// A word's number is its rank in the sorted ``WordRun`` of frequent words, so every process that merges the
/// same counts numbers them the same way. Lookups: one-token words through an array indexed by id, longer ones
/// through a hash table. Both live in memory the table owns, read through a ``Lookup`` view that touches no
/// reference count, so threads can share the table without contending for a cache line.
public struct WordTable: Sendable {
    /// The frequent words and their counts, sorted.
    public let run: WordRun
    private let storage: Storage

    /// Owned lookup memory: number by id for one-token words; slots (number, hash) for longer words with their
    /// ids copied alongside for verification.
    final class Storage: @unchecked Sendable {
        let singleIndex: UnsafeMutablePointer<UInt32>
        let vocabularySize: Int
        let slots: UnsafeMutablePointer<UInt32>
        let hashes: UnsafeMutablePointer<UInt64>
        let capacity: Int
        let ids: UnsafeMutablePointer<UInt32>
        let offsets: UnsafeMutablePointer<Int>

        init(run: WordRun, vocabularySize: Int) {
            self.vocabularySize = vocabularySize
            singleIndex = .allocate(capacity: max(vocabularySize, 1))
            singleIndex.initialize(repeating: NgramLevel.none, count: max(vocabularySize, 1))
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
            self.capacity = capacity
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: NgramLevel.none, count: capacity)
            hashes = .allocate(capacity: capacity)
            hashes.initialize(repeating: 0, count: capacity)
            let ids = UnsafeMutablePointer<UInt32>.allocate(capacity: max(run.ids.count, 1))
            for (position, id) in run.ids.enumerated() { ids[position] = id }
            let offsets = UnsafeMutablePointer<Int>.allocate(capacity: run.offsets.count)
            for (position, offset) in run.offsets.enumerated() { offsets[position] = offset }
            self.ids = ids
            self.offsets = offsets
            for index in multi {
                let start = offsets[index]
                let hash = MultiTokenWordTable.hash(UnsafeBufferPointer(start: ids + start, count: offsets[index + 1] - start))
                var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
                while slots[slot] != NgramLevel.none { slot = (slot + 1) & (capacity - 1) }
                slots[slot] = UInt32(index)
                hashes[slot] = hash
            }
        }

        deinit {
            singleIndex.deallocate()
            slots.deallocate()
            hashes.deallocate()
            ids.deallocate()
            offsets.deallocate()
        }
    }

    /// A view for hot loops, valid while the table exists.
    struct Lookup: @unchecked Sendable {
        let singleIndex: UnsafePointer<UInt32>
        let vocabularySize: Int
        let slots: UnsafePointer<UInt32>
        let hashes: UnsafePointer<UInt64>
        let mask: Int
        let ids: UnsafePointer<UInt32>
        let offsets: UnsafePointer<Int>

        /// The number of a word, or ``NgramLevel/none`` when it is not frequent.
        @inline(__always)
        func index(of word: UnsafeBufferPointer<UInt32>) -> UInt32 {
            if word.count == 1 {
                let id = Int(word[0])
                return id < vocabularySize ? singleIndex[id] : NgramLevel.none
            }
            let hash = MultiTokenWordTable.hash(word)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let index = slots[slot]
                if index == NgramLevel.none { return index }
                if hashes[slot] == hash {
                    let start = offsets[Int(index)]
                    let stored = UnsafeBufferPointer(start: ids + start, count: offsets[Int(index) + 1] - start)
                    if stored.elementsEqual(word) { return index }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Creates the table.
    /// - Parameters:
    ///   - run: Frequent words, sorted (at most 2³² − 2 of them).
    ///   - vocabularySize: Ids are below this.
    public init(run: WordRun, vocabularySize: Int) {
        self.run = run
        storage = Storage(run: run, vocabularySize: vocabularySize)
    }

    /// The number of frequent words.
    public var count: Int { run.count }

    /// Bytes held (for the memory budget).
    public var memoryBytes: Int {
        run.ids.count * 8 + run.count * 24 + storage.vocabularySize * 4 + storage.capacity * 12
    }

    /// The view counting loops probe.
    var lookup: Lookup {
        Lookup(
            singleIndex: storage.singleIndex, vocabularySize: storage.vocabularySize, slots: storage.slots,
            hashes: storage.hashes, mask: storage.capacity - 1, ids: storage.ids, offsets: storage.offsets)
    }

    /// The number of a word, or ``NgramLevel/none`` when it is not frequent.
    /// - Parameter word: The word's ids.
    public func index(of word: UnsafeBufferPointer<UInt32>) -> UInt32 { lookup.index(of: word) }
}
