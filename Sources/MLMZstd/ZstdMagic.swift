/// Magic numbers of the zstd frame formats.
public enum ZstdMagic {
    /// The little-endian bytes that start every zstd data frame (`0xFD2FB528`).
    public static let frameBytes: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
    /// The first skippable-frame magic number; the low four bits may take any value.
    public static let skippableFrameBase: UInt32 = 0x184D_2A50
    /// The skippable-frame magic used by the seekable format's seek table.
    public static let seekTableFrame: UInt32 = 0x184D_2A5E
    /// The magic number at the very end of a seek table.
    public static let seekTableFooter: UInt32 = 0x8F92_EAB1

    /// Whether `prefix` starts a zstd data frame or a skippable frame.
    /// - Parameter prefix: The first bytes of a file (at least four to answer true).
    /// - Returns: True for zstd data.
    public static func isZstd(_ prefix: some Collection<UInt8>) -> Bool {
        guard prefix.count >= 4 else { return false }
        let bytes = Array(prefix.prefix(4))
        if bytes == frameBytes { return true }
        let value = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        return value & 0xFFFF_FFF0 == skippableFrameBase
    }
}
