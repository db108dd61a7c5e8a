import MLMZstd

extension SeekTable {
    /// Where the table sits, read from the 9-byte footer at the very end of a file.
    struct Footer {
        /// The number of entries.
        var count: Int
        /// 8 or 12.
        var entrySize: Int
        /// The size of the whole skippable frame.
        var tableSize: Int { SeekTable.frameHeaderSize + count * entrySize + SeekTable.footerSize }
    }

    /// Reads the footer.
    /// - Parameter footer: The last 9 bytes of the file.
    /// - Returns: The entry count and size.
    /// - Throws: ``ShardError`` (`invalidSeekTable`).
    static func decodeFooter(_ footer: UnsafeRawBufferPointer) throws(ShardError) -> Footer {
        precondition(footer.count == footerSize, "the seek table footer is \(footerSize) bytes")
        let magic = UInt32(littleEndian: footer.loadUnaligned(fromByteOffset: 5, as: UInt32.self))
        guard magic == ZstdMagic.seekTableFooter else {
            throw ShardError(
                .invalidSeekTable,
                "the file does not end with a zstd seek table (footer magic is 0x\(String(magic, radix: 16)), "
                    + "expected 0x8f92eab1); it is truncated or was not written by mlmprep: re-run the command that "
                    + "wrote it"
            )
        }
        let count = Int(UInt32(littleEndian: footer.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        let descriptor = footer[4]
        guard descriptor & 0x7C == 0 else {
            throw ShardError(
                .invalidSeekTable,
                "the seek table descriptor 0x\(String(descriptor, radix: 16)) sets reserved bits; the file is damaged"
            )
        }
        return Footer(count: count, entrySize: descriptor & 0x80 != 0 ? 12 : 8)
    }

    /// Decodes a complete seek-table frame and checks it against the file it ends.
    /// - Parameters:
    ///   - table: The skippable frame holding the table (``Footer/tableSize`` bytes).
    ///   - fileSize: The size of the whole file; the frames plus the table must add up to it.
    /// - Returns: The table.
    /// - Throws: ``ShardError`` (`invalidSeekTable`).
    static func decode(table: UnsafeRawBufferPointer, fileSize: Int) throws(ShardError) -> SeekTable {
        guard table.count >= frameHeaderSize + footerSize else {
            throw ShardError(.invalidSeekTable, "the seek table is only \(table.count) bytes long")
        }
        let footer = try decodeFooter(UnsafeRawBufferPointer(rebasing: table[(table.count - footerSize)...]))
        guard footer.tableSize == table.count else {
            throw ShardError(
                .invalidSeekTable,
                "the seek table should be \(footer.tableSize) bytes for \(footer.count) entries but "
                    + "\(table.count) were given"
            )
        }
        let magic = UInt32(littleEndian: table.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let frameSize = Int(UInt32(littleEndian: table.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        guard magic == ZstdMagic.seekTableFrame, frameSize == table.count - frameHeaderSize else {
            throw ShardError(
                .invalidSeekTable,
                "the seek table's skippable-frame header is damaged (magic 0x\(String(magic, radix: 16)), size "
                    + "\(frameSize), expected 0x184d2a5e and \(table.count - frameHeaderSize))"
            )
        }
        var entries: [Entry] = []
        entries.reserveCapacity(footer.count)
        var total = 0
        for index in 0..<footer.count {
            let base = frameHeaderSize + index * footer.entrySize
            let compressed = UInt32(littleEndian: table.loadUnaligned(fromByteOffset: base, as: UInt32.self))
            let decompressed = UInt32(littleEndian: table.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self))
            let checksum: UInt32? =
                footer.entrySize == 12
                ? UInt32(littleEndian: table.loadUnaligned(fromByteOffset: base + 8, as: UInt32.self)) : nil
            entries.append(Entry(compressedSize: compressed, decompressedSize: decompressed, checksum: checksum))
            total += Int(compressed)
        }
        guard total + table.count == fileSize else {
            throw ShardError(
                .invalidSeekTable,
                "the seek table lists \(footer.count) frames totalling \(total) bytes, which with the "
                    + "\(table.count)-byte table makes \(total + table.count) bytes, but the file has \(fileSize); the "
                    + "file is damaged or was modified: re-run the command that wrote it"
            )
        }
        return SeekTable(entries: entries)
    }

    /// Decodes the seek table at the end of a complete shard held in memory, checking that the frame sizes it
    /// lists add up to the rest of the file.
    /// - Parameter file: The whole shard file.
    /// - Returns: The table.
    /// - Throws: ``ShardError`` (`invalidSeekTable`, or `truncated` when the file is too short).
    public static func decode(fromEndOf file: UnsafeRawBufferPointer) throws(ShardError) -> SeekTable {
        guard file.count >= frameHeaderSize + footerSize else {
            throw ShardError(
                .truncated,
                "the file is \(file.count) bytes long, too short to end with a seek table; it is truncated: "
                    + "re-run the command that wrote it"
            )
        }
        let footer = try decodeFooter(UnsafeRawBufferPointer(rebasing: file[(file.count - footerSize)...]))
        guard footer.tableSize <= file.count else {
            throw ShardError(
                .invalidSeekTable,
                "the seek table claims \(footer.count) entries (\(footer.tableSize) bytes) but the file has only "
                    + "\(file.count) bytes; it is damaged"
            )
        }
        return try decode(
            table: UnsafeRawBufferPointer(rebasing: file[(file.count - footer.tableSize)...]),
            fileSize: file.count
        )
    }

    /// Decodes the seek table at the end of a complete shard held in an array.
    /// - Parameter file: The whole shard file.
    /// - Returns: The table.
    /// - Throws: ``ShardError`` as ``decode(fromEndOf:)-(UnsafeRawBufferPointer)`` does.
    public static func decode(fromEndOf file: [UInt8]) throws(ShardError) -> SeekTable {
        try file.withUnsafeBytesThrowing { raw throws(ShardError) in try decode(fromEndOf: raw) }
    }
}
