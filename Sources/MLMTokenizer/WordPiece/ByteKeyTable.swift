/// An immutable hash table from byte strings to token ids, looked up by byte slices without allocating.
///
/// Keys live back to back in one arena; slots use open addressing with linear probing and store the full
/// 64-bit hash, so most misses never touch the key bytes. Storage is raw memory owned by the table, so a
/// lookup touches no reference counts.
///
/// Complexity: O(key length) per lookup.
public final class ByteKeyTable: @unchecked Sendable {
    private let arena: UnsafeMutablePointer<UInt8>
    private let slots: UnsafeMutablePointer<Slot>
    private let mask: Int
    /// The length in bytes of the longest key.
    public let longestKey: Int
    /// The number of keys.
    public let count: Int

    private struct Slot {
        var hash: UInt64
        var start: UInt32
        var length: UInt32
        var value: Int32  // -1 = empty
    }

    /// Builds a table. A repeated key keeps its last value.
    /// - Parameter entries: Keys (UTF-8 bytes) and their values.
    public init(_ entries: [(key: [UInt8], value: Int32)]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        let totalBytes = entries.reduce(0) { $0 + $1.key.count }
        let arena = UnsafeMutablePointer<UInt8>.allocate(capacity: max(totalBytes, 1))
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        slots.initialize(repeating: Slot(hash: 0, start: 0, length: 0, value: -1), count: capacity)
        var used = 0
        var longest = 0
        var count = 0
        for (key, value) in entries {
            let hash = key.withUnsafeBufferPointer { Self.hash($0) }
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot].value >= 0 {
                let existing = slots[slot]
                if existing.hash == hash && Int(existing.length) == key.count
                    && (0..<key.count).allSatisfy({ arena[Int(existing.start) + $0] == key[$0] })
                {
                    break
                }
                slot = (slot + 1) & (capacity - 1)
            }
            if slots[slot].value < 0 {
                count += 1
                for (offset, byte) in key.enumerated() { arena[used + offset] = byte }
                slots[slot] = Slot(hash: hash, start: UInt32(used), length: UInt32(key.count), value: value)
                used += key.count
            } else {
                slots[slot].value = value
            }
            longest = max(longest, key.count)
        }
        self.arena = arena
        self.slots = slots
        self.mask = capacity - 1
        self.longestKey = longest
        self.count = count
    }

    deinit {
        arena.deallocate()
        slots.deallocate()
    }

    /// A 64-bit hash of the bytes: 8 bytes at a time, then the tail, with a final mix.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        hash(bytes.baseAddress, bytes.count)
    }

    @inline(__always)
    static func hash(_ base: UnsafePointer<UInt8>?, _ count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
        guard let base else { return h }
        var index = 0
        while index + 8 <= count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(base[index]) << shift
            shift += 8
            index += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return h
    }

    /// Whether `count` bytes at `a` and `b` are equal: 8 bytes at a time (keys are short; a call to
    /// `memcmp` cost more than the compare itself).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            if UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self)
                != UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self)
            {
                return false
            }
            index += 8
        }
        while index < count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    /// The value stored for `key`, or -1.
    /// - Parameter key: The bytes to look up.
    /// - Returns: The value, or -1 when the key is absent.
    @inline(__always)
    public func value(for key: UnsafeBufferPointer<UInt8>) -> Int32 {
        value(key.baseAddress, key.count)
    }

    /// The value stored for the `count` bytes at `base`, or -1.
    @inline(__always)
    public func value(_ base: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
        let hash = Self.hash(base, count)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry.value < 0 { return -1 }
            if entry.hash == hash && Int(entry.length) == count {
                if count == 0 { return entry.value }
                if let base, Self.equal(arena + Int(entry.start), base, count) { return entry.value }
            }
            slot = (slot + 1) & mask
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
