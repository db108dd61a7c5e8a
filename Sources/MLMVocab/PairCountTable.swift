/// Dense numbers for pairs of token ids, with each pair's count: an open-addressing hash table from the pair
/// (a `UInt64`) to its index in ``counts``.
struct PairCountTable {
    private var slots: [Int32]  // index + 1, or 0 when empty
    private var mask: Int
    /// The pairs, by index.
    private(set) var pairs: [UInt64] = []
    /// The count of each pair, by index (may be changed in place).
    var counts: [Int] = []

    /// Creates an empty table sized for about `expected` pairs.
    init(expected: Int = 1024) {
        var capacity = 1024
        while capacity < expected * 2 { capacity <<= 1 }
        slots = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    /// The number of pairs.
    var count: Int { pairs.count }

    @inline(__always)
    private static func slot(of pair: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: ByteHash.mix(pair)) & mask
    }

    /// The index of a pair, inserting it with count 0 when it is new.
    @inline(__always)
    mutating func index(of pair: UInt64) -> Int {
        var slot = Self.slot(of: pair, mask: mask)
        while true {
            let index = Int(slots[slot]) - 1
            if index < 0 { break }
            if pairs[index] == pair { return index }
            slot = (slot + 1) & mask
        }
        let index = pairs.count
        slots[slot] = Int32(index + 1)
        pairs.append(pair)
        counts.append(0)
        if pairs.count * 2 > slots.count { grow() }
        return index
    }

    /// The count of a pair (0 when absent).
    @inline(__always)
    func count(of pair: UInt64) -> Int {
        var slot = Self.slot(of: pair, mask: mask)
        while true {
            let index = Int(slots[slot]) - 1
            if index < 0 { return 0 }
            if pairs[index] == pair { return counts[index] }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
        for (index, pair) in pairs.enumerated() {
            var slot = Self.slot(of: pair, mask: mask)
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }
}
