import MLMZstd

/// The index at the end of a shard: one entry per frame with its compressed and decompressed size, stored as the
/// zstd seekable format's seek table (contrib/seekable_format, v0.1.0).
///
/// On disk it is one skippable frame, which every zstd decoder skips:
///
/// ```
/// u32 0x184D2A5E | u32 frame size = n·(8|12) + 9 | n × {u32 compressed, u32 decompressed [, u32 checksum]}
///                | u32 n | u8 descriptor | u32 0x8F92EAB1
/// ```
/// Frame offsets are the prefix sums of the compressed sizes. Bit 7 of the descriptor marks 12-byte entries
/// (with the low 32 bits of each frame's XXH64); bits 6…2 are reserved and must be zero.
///
/// ```swift
/// var table = SeekTable()
/// table.append(compressedSize: frame.count, decompressedSize: record.count)
/// let tail = table.encoded()                 // append after the frames
/// let again = try SeekTable.decode(fromEndOf: fileBytes)
/// ```
public struct SeekTable: Sendable, Hashable {
    /// One frame's sizes.
    public struct Entry: Sendable, Hashable {
        /// The frame's size in the file.
        public var compressedSize: UInt32
        /// The frame's decompressed size (0 for a skippable frame).
        public var decompressedSize: UInt32
        /// The low 32 bits of the XXH64 of the decompressed data, when the table carries checksums.
        public var checksum: UInt32?

        /// Creates an entry.
        /// - Parameters:
        ///   - compressedSize: The frame's size in the file.
        ///   - decompressedSize: Its decompressed size.
        ///   - checksum: The low 32 bits of XXH64 of the decompressed data, if known.
        public init(compressedSize: UInt32, decompressedSize: UInt32, checksum: UInt32? = nil) {
            self.compressedSize = compressedSize
            self.decompressedSize = decompressedSize
            self.checksum = checksum
        }
    }

    /// The size of the fixed footer: number of frames, descriptor, footer magic.
    public static let footerSize = 9
    /// The size of the skippable frame's header: magic and frame size.
    public static let frameHeaderSize = 8

    /// The entries, one per frame, in file order.
    public private(set) var entries: [Entry]

    /// Creates a table.
    /// - Parameter entries: The entries in file order.
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Appends an entry for the next frame.
    /// - Parameters:
    ///   - compressedSize: The frame's size in bytes.
    ///   - decompressedSize: The record's size in bytes.
    /// - Throws: ``ShardError`` (`tooLarge`) when either size exceeds the format's 32-bit fields.
    public mutating func append(compressedSize: Int, decompressedSize: Int) throws(ShardError) {
        guard let compressed = UInt32(exactly: compressedSize), let decompressed = UInt32(exactly: decompressedSize)
        else {
            throw ShardError(
                .tooLarge,
                "a frame of \(compressedSize) bytes holding \(decompressedSize) bytes does not fit the seek "
                    + "table's 32-bit sizes; use smaller batches"
            )
        }
        entries.append(Entry(compressedSize: compressed, decompressedSize: decompressed))
    }

    /// Whether every entry carries a checksum (and so the table is written with 12-byte entries).
    public var hasChecksums: Bool {
        !entries.isEmpty && entries.allSatisfy { $0.checksum != nil }
    }

    /// The number of bytes the frames take (the offset at which the table starts).
    public var totalCompressedSize: Int {
        entries.reduce(0) { $0 + Int($1.compressedSize) }
    }

    /// The total decompressed size of all frames.
    public var totalDecompressedSize: Int {
        entries.reduce(0) { $0 + Int($1.decompressedSize) }
    }

    /// The offset of each frame in the file, and one more: the table's own offset.
    public var frameOffsets: [Int] {
        var offsets = [0]
        offsets.reserveCapacity(entries.count + 1)
        for entry in entries { offsets.append(offsets[offsets.count - 1] + Int(entry.compressedSize)) }
        return offsets
    }

    /// The size of the encoded table in bytes.
    public var encodedSize: Int {
        Self.frameHeaderSize + entries.count * (hasChecksums ? 12 : 8) + Self.footerSize
    }

    /// The table as a skippable frame; 8-byte entries and descriptor 0 unless every entry has a checksum.
    /// - Returns: The bytes to write after the last frame.
    public func encoded() -> [UInt8] {
        let checksums = hasChecksums
        var output: [UInt8] = []
        output.reserveCapacity(encodedSize)
        func put(_ value: UInt32) {
            withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
        }
        put(ZstdMagic.seekTableFrame)
        put(UInt32(encodedSize - Self.frameHeaderSize))
        for entry in entries {
            put(entry.compressedSize)
            put(entry.decompressedSize)
            if checksums { put(entry.checksum ?? 0) }
        }
        put(UInt32(entries.count))
        output.append(checksums ? 0x80 : 0)
        put(ZstdMagic.seekTableFooter)
        return output
    }
}
