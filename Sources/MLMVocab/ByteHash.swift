/// A fast, seedless 64-bit hash of a byte string (8 bytes at a time, multiply-xorshift mixing).
///
/// Used only for in-memory tables: the value never leaves the process, so it need not be stable across
/// versions, but it is the same in every run (tables built from the same words iterate the same way).
enum ByteHash {
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        x = x &* 0xBF58_476D_1CE4_E5B9
        return x ^ (x >> 32)
    }

    /// Hashes `count` bytes at `start`.
    @inline(__always)
    static func hash(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var state: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: count)
        var index = 0
        let raw = UnsafeRawPointer(start)
        while index + 8 <= count {
            state = mix(state ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(start[index]) << shift
            shift += 8
            index += 1
        }
        return mix(state ^ tail ^ 0xA5)
    }
}
