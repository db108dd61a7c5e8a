/// SHA-1 (FIPS 180-4), for the `sha1` hashes MosaicML Streaming can check (`validate_hash="sha1"`).
///
/// ```swift
/// SHA1.hexDigest(Array("abc".utf8))   // a9993e364706816aba3e25717850c26c9cd0d89d
/// ```
/// Not for security: Streaming uses it as a checksum of shard files.
package enum SHA1 {
    /// The lowercase hex digest of `bytes`, as Python's `hashlib.sha1(bytes).hexdigest()`.
    /// - Parameter bytes: The data.
    /// - Returns: 40 hex digits.
    package static func hexDigest(_ bytes: [UInt8]) -> String {
        var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var message = bytes
        let bitLength = UInt64(bytes.count) &* 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var words = [UInt32](repeating: 0, count: 80)
        message.withUnsafeBufferPointer { data in
            for block in stride(from: 0, to: data.count, by: 64) {
                compress(block: UnsafeBufferPointer(rebasing: data[block..<block + 64]), state: &state, words: &words)
            }
        }
        return state.map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }

    private static func compress(block: UnsafeBufferPointer<UInt8>, state: inout [UInt32], words w: inout [UInt32]) {
        for i in 0..<16 {
            w[i] = UInt32(block[4 * i]) << 24 | UInt32(block[4 * i + 1]) << 16 | UInt32(block[4 * i + 2]) << 8
                | UInt32(block[4 * i + 3])
        }
        for i in 16..<80 { w[i] = rotateLeft(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
        var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
        for i in 0..<80 {
            let f: UInt32
            let k: UInt32
            switch i {
            case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
            case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
            case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
            default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
            }
            let t = rotateLeft(a, 5) &+ f &+ e &+ k &+ w[i]
            (e, d, c, b, a) = (d, c, rotateLeft(b, 30), a, t)
        }
        state[0] &+= a
        state[1] &+= b
        state[2] &+= c
        state[3] &+= d
        state[4] &+= e
    }

    private static func rotateLeft(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
}
