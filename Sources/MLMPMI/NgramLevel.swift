import CMemory

/// The frequent n-grams of one length (n ≥ 2), numbered in key order.
///
/// An n-gram is named by the numbers of its two (n−1)-grams, the one it starts with and the one it ends with:
/// `key = prefix << 32 | suffix`. The two overlap in n − 2 words, so the pair determines the n-gram, and the key
/// can be formed from the (n−1)-gram numbers of two neighbouring positions. Level 2 uses the ``WordTable``
/// numbers. Keys are sorted; an n-gram's number is its rank.
///
/// The hash table behind ``index(prefix:suffix:)`` lives in memory the level owns; counting loops use its
/// ``lookup`` view, whose probes touch no reference count (threads sharing a table would otherwise fight over
/// the cache line of its reference count on every probe).
public struct NgramLevel: Sendable {
    /// The number that means "not a frequent n-gram".
    public static let none = UInt32.max

    /// The n-gram length.
    public let length: Int
    /// Keys, ascending.
    public let keys: [UInt64]
    /// Counts, by number.
    public let counts: [UInt64]
    private let table: SlotTable

    /// A key and its number side by side, so that a probe touches one cache line.
    struct Slot {
        var key: UInt64
        var index: UInt32
    }

    /// The slots, in memory freed with the last copy of the level.
    final class SlotTable: @unchecked Sendable {
        let slots: UnsafeMutablePointer<Slot>
        let capacity: Int
        init(capacity: Int) {
            self.capacity = capacity
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: Slot(key: NgramCounter.emptyKey, index: NgramLevel.none), count: capacity)
        }
        deinit { slots.deallocate() }
    }

    /// A view of the hash table for hot loops: valid while the level exists.
    struct Lookup: @unchecked Sendable {
        let slots: UnsafePointer<Slot>
        let mask: Int
        let shift: UInt64

        /// Starts loading the slot of the n-gram `(prefix, suffix)` into cache.
        @inline(__always)
        func prefetch(prefix: UInt32, suffix: UInt32) {
            let key = UInt64(prefix) << 32 | UInt64(suffix)
            cmemory_prefetch(slots + Int(truncatingIfNeeded: (key &* NgramCounter.multiplier) >> shift))
        }

        /// The number of the n-gram `(prefix, suffix)`, or ``NgramLevel/none``.
        @inline(__always)
        func index(prefix: UInt32, suffix: UInt32) -> UInt32 {
            let key = UInt64(prefix) << 32 | UInt64(suffix)
            var slot = Int(truncatingIfNeeded: (key &* NgramCounter.multiplier) >> shift)
            while true {
                let stored = slots[slot]
                if stored.key == key { return stored.index }
                if stored.key == NgramCounter.emptyKey { return NgramLevel.none }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Creates a level from sorted keys and their counts.
    /// - Parameters:
    ///   - length: The n-gram length.
    ///   - keys: Keys, strictly ascending (fewer than 2³² − 1).
    ///   - counts: Their counts.
    public init(length: Int, keys: [UInt64], counts: [UInt64]) {
        self.length = length
        self.keys = keys
        self.counts = counts
        // At most 3/4 full: probes stay short and the table costs 21–43 bytes an entry.
        var capacity = 16
        while capacity * 3 < keys.count * 4 { capacity <<= 1 }
        let table = SlotTable(capacity: capacity)
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        for (index, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: (key &* NgramCounter.multiplier) >> shift)
            while table.slots[slot].key != NgramCounter.emptyKey { slot = (slot + 1) & (capacity - 1) }
            table.slots[slot] = Slot(key: key, index: UInt32(index))
        }
        self.table = table
    }

    /// The number of frequent n-grams.
    public var count: Int { keys.count }

    /// The most a level costs per entry while it is built: keys and counts (16 bytes, with up to 1/8 growth slack)
    /// plus a lookup table at most 3/4 and at least 3/8 full (up to 43 bytes), rounded up.
    public static let bytesPerEntry = 64

    /// The same level without its lookup table (``index(prefix:suffix:)`` then finds nothing): for scoring, which
    /// reads only keys and counts.
    /// - Returns: The level, holding about 16 bytes an entry.
    public func withoutLookup() -> NgramLevel { NgramLevel(length: length, keys: keys, counts: counts, table: nil) }

    private init(length: Int, keys: [UInt64], counts: [UInt64], table: SlotTable?) {
        self.length = length
        self.keys = keys
        self.counts = counts
        self.table = table ?? SlotTable(capacity: 16)
    }

    /// Bytes held (for the memory budget).
    public var memoryBytes: Int { keys.count * 16 + table.capacity * MemoryLayout<Slot>.stride }

    /// The view counting loops probe.
    var lookup: Lookup {
        Lookup(
            slots: UnsafePointer(table.slots), mask: table.capacity - 1,
            shift: UInt64(64 - table.capacity.trailingZeroBitCount))
    }

    /// The number of the n-gram whose (n−1)-grams are `prefix` and `suffix`, or ``none``.
    public func index(prefix: UInt32, suffix: UInt32) -> UInt32 { lookup.index(prefix: prefix, suffix: suffix) }

    /// The (n−1)-gram the n-gram `index` starts with.
    @inline(__always)
    public func prefix(of index: Int) -> Int { Int(keys[index] >> 32) }

    /// The (n−1)-gram the n-gram `index` ends with.
    @inline(__always)
    public func suffix(of index: Int) -> Int { Int(keys[index] & 0xFFFF_FFFF) }
}
