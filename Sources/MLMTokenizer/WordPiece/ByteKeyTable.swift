/// An immutable hash table from byte strings to token ids, looked up by byte slices without allocating.
///
/// Keys live back to back in one arena; slots use open addressing with linear probing and store the full
/// 64-bit hash, so most misses never touch the key bytes.
///
/// Complexity: O(key length) per lookup.
public struct ByteKeyTable: Sendable {
    private let arena: [UInt8]
    private let slotHash: [UInt64]
    private let slotStart: [UInt32]
    private let slotLength: [UInt32]
    private let slotValue: [Int32]  // -1 = empty
    private let mask: Int
    /// The length in bytes of the longest key.
    public let longestKey: Int
    /// The number of keys.
    public let count: Int

    /// Builds a table. A repeated key keeps its last value.
    /// - Parameter entries: Keys (UTF-8 bytes) and their values.
    public init(_ entries: [(key: [UInt8], value: Int32)]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        var arena: [UInt8] = []
        var hashes = [UInt64](repeating: 0, count: capacity)
        var starts = [UInt32](repeating: 0, count: capacity)
        var lengths = [UInt32](repeating: 0, count: capacity)
        var values = [Int32](repeating: -1, count: capacity)
        var longest = 0
        var count = 0
        for (key, value) in entries {
            let hash = key.withUnsafeBufferPointer { Self.hash($0) }
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while values[slot] >= 0 {
                if hashes[slot] == hash && Int(lengths[slot]) == key.count
                    && arena[Int(starts[slot])..<Int(starts[slot]) + key.count].elementsEqual(key)
                {
                    break
                }
                slot = (slot + 1) & (capacity - 1)
            }
            if values[slot] < 0 {
                count += 1
                hashes[slot] = hash
                starts[slot] = UInt32(arena.count)
                lengths[slot] = UInt32(key.count)
                arena.append(contentsOf: key)
            }
            values[slot] = value
            longest = max(longest, key.count)
        }
        self.arena = arena
        self.slotHash = hashes
        self.slotStart = starts
        self.slotLength = lengths
        self.slotValue = values
        self.mask = capacity - 1
        self.longestKey = longest
        self.count = count
    }

    /// FNV-1a over the bytes, with a final mix so that low bits are well spread.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return h
    }

    /// The value stored for `key`, or -1.
    /// - Parameter key: The bytes to look up.
    /// - Returns: The value, or -1 when the key is absent.
    @inline(__always)
    public func value(for key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        return arena.withUnsafeBufferPointer { arenaBytes in
            while true {
                let value = slotValue[slot]
                if value < 0 { return -1 }
                if slotHash[slot] == hash && Int(slotLength[slot]) == key.count {
                    let start = Int(slotStart[slot])
                    if key.count == 0 || memcmpBytes(arenaBytes.baseAddress! + start, key.baseAddress!, key.count) {
                        return value
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }
}

@inline(__always)
private func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var index = 0
    while index < count {
        if a[index] != b[index] { return false }
        index += 1
    }
    return true
}
