/// xxHash64 with seed 0 (Yann Collet's XXH64), for the `xxh64` hashes MosaicML Streaming can check.
///
/// ```swift
/// XXH64.hexDigest([])   // ef46db3751d8e999, as Python's xxhash.xxh64(b"").hexdigest()
/// ```
package enum XXH64 {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The digest as 16 lowercase hex digits, most significant first (`xxhash.xxh64(data).hexdigest()`).
    /// - Parameter bytes: The data.
    /// - Returns: The hex digest.
    package static func hexDigest(_ bytes: [UInt8]) -> String {
        let hex = String(hash(bytes), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The 64-bit hash with seed 0.
    /// - Parameter bytes: The data.
    /// - Returns: The hash.
    package static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { data in
            let count = data.count
            var offset = 0
            var h: UInt64
            if count >= 32 {
                var v = (p1 &+ p2, p2, UInt64(0), UInt64(0) &- p1)
                while offset + 32 <= count {
                    v.0 = round(v.0, word(data, offset))
                    v.1 = round(v.1, word(data, offset + 8))
                    v.2 = round(v.2, word(data, offset + 16))
                    v.3 = round(v.3, word(data, offset + 24))
                    offset += 32
                }
                h = rotate(v.0, 1) &+ rotate(v.1, 7) &+ rotate(v.2, 12) &+ rotate(v.3, 18)
                for lane in [v.0, v.1, v.2, v.3] { h = (h ^ round(0, lane)) &* p1 &+ p4 }
            } else {
                h = p5
            }
            h &+= UInt64(count)
            while offset + 8 <= count {
                h = rotate(h ^ round(0, word(data, offset)), 27) &* p1 &+ p4
                offset += 8
            }
            if offset + 4 <= count {
                h = rotate(h ^ (UInt64(data.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian) &* p1), 23)
                    &* p2 &+ p3
                offset += 4
            }
            while offset < count {
                h = rotate(h ^ (UInt64(data[offset]) &* p5), 11) &* p1
                offset += 1
            }
            h ^= h >> 33
            h &*= p2
            h ^= h >> 29
            h &*= p3
            h ^= h >> 32
            return h
        }
    }

    private static func word(_ data: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        data.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
    }

    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* p2, 31) &* p1
    }

    private static func rotate(_ x: UInt64, _ n: UInt64) -> UInt64 { x << n | x >> (64 - n) }
}
