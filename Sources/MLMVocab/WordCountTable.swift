#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts of distinct byte strings (the normalized words of a corpus), in an open-addressing hash table
/// whose keys live back to back in one byte arena.
///
/// ```swift
/// var table = WordCountTable()
/// table.add(wordBytes, count: 1)
/// table.forEach { word, count in print(word.count, count) }
/// ```
/// A worker thread counts into its own table; tables are then merged with ``merge(_:)``. The counts (not the
/// iteration order) are what the trainer uses, so the result does not depend on how work was split.
public struct WordCountTable: Sendable {
    private var slots: [Int32]  // entry + 1, or 0 when empty
    private var hashes: [UInt64] = []
    private var keyEnds: [Int] = []
    private var counts: [Int] = []
    private var arena: [UInt8] = []
    private var mask: Int

    /// Creates an empty table.
    public init() {
        slots = [Int32](repeating: 0, count: 1024)
        mask = 1023
    }

    /// The number of distinct words.
    public var count: Int { counts.count }

    /// The total of all counts (words in the corpus).
    public var totalCount: Int { counts.reduce(0, +) }

    /// Adds `count` occurrences of a word.
    /// - Parameters:
    ///   - word: The word's bytes.
    ///   - count: How many times it occurred.
    public mutating func add(_ word: UnsafeBufferPointer<UInt8>, count: Int) {
        guard let base = word.baseAddress else { return }
        add(base, word.count, hash: ByteHash.hash(base, word.count), count: count)
    }

    @inline(__always)
    private mutating func add(_ base: UnsafePointer<UInt8>, _ length: Int, hash: UInt64, count: Int) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot]) - 1
            if entry < 0 { break }
            if hashes[entry] == hash && matches(entry, base, length) {
                counts[entry] += count
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(counts.count + 1)
        hashes.append(hash)
        arena.append(contentsOf: UnsafeBufferPointer(start: base, count: length))
        keyEnds.append(arena.count)
        counts.append(count)
        if counts.count * 2 > slots.count { grow() }
    }

    @inline(__always)
    private func matches(_ entry: Int, _ base: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = entry == 0 ? 0 : keyEnds[entry - 1]
        guard keyEnds[entry] - start == length else { return false }
        return arena.withUnsafeBufferPointer { all in memcmp(all.baseAddress! + start, base, length) == 0 }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
        for (entry, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry + 1)
        }
    }

    /// Adds every count of another table.
    /// - Parameter other: The table to fold in.
    public mutating func merge(_ other: WordCountTable) {
        other.arena.withUnsafeBufferPointer { otherArena in
            guard let base = otherArena.baseAddress else { return }
            var start = 0
            for entry in 0..<other.counts.count {
                let end = other.keyEnds[entry]
                add(base + start, end - start, hash: other.hashes[entry], count: other.counts[entry])
                start = end
            }
        }
    }

    /// Calls `body` with each word and its count, in insertion order.
    /// - Parameter body: Receives the word's bytes and its count.
    public func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) rethrows {
        try arena.withUnsafeBufferPointer { all in
            var start = 0
            for entry in 0..<counts.count {
                let end = keyEnds[entry]
                try body(UnsafeBufferPointer(rebasing: all[start..<end]), counts[entry])
                start = end
            }
        }
    }
}
