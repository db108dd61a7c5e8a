/// Walks the scalars of valid UTF-8 (the normalizer's output, which is always valid).
enum UTF8Scalars {
    /// Calls `body` with each scalar of `bytes` and its position (0 for the first).
    @inline(__always)
    static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UInt32, Int) -> Void) {
        var index = 0
        var position = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            var scalar = UInt32(lead)
            var length = 1
            if lead >= 0xF0 {
                length = 4
                scalar = UInt32(lead & 0x07)
            } else if lead >= 0xE0 {
                length = 3
                scalar = UInt32(lead & 0x0F)
            } else if lead >= 0xC0 {
                length = 2
                scalar = UInt32(lead & 0x1F)
            }
            if length > 1 {
                if index + length > count { return }
                for offset in 1..<length { scalar = scalar << 6 | UInt32(bytes[index + offset] & 0x3F) }
            }
            body(scalar, position)
            position += 1
            index += length
        }
    }

    /// The UTF-8 bytes of one scalar.
    static func encode(_ scalar: UInt32) -> [UInt8] {
        guard let value = Unicode.Scalar(scalar) else { return [] }
        return Array(String(Character(value)).utf8)
    }
}
