import MLMShards
import Testing

@Suite struct SeekTableTests {
    @Test func encodesTheSeekableFormat() throws {
        var table = SeekTable()
        try table.append(compressedSize: 100, decompressedSize: 400)
        try table.append(compressedSize: 7, decompressedSize: 0)
        let bytes = table.encoded()
        #expect(bytes.count == 8 + 2 * 8 + 9)
        #expect(Array(bytes[0..<8]) == [0x5E, 0x2A, 0x4D, 0x18, 25, 0, 0, 0])
        #expect(Array(bytes[8..<16]) == [100, 0, 0, 0, 0x90, 1, 0, 0])
        #expect(Array(bytes.suffix(9)) == [2, 0, 0, 0, 0, 0xB1, 0xEA, 0x92, 0x8F])
        #expect(table.frameOffsets == [0, 100, 107])
    }

    @Test func roundTripsFromTheEndOfAFile() throws {
        var table = SeekTable()
        for index in 0..<5 { try table.append(compressedSize: 10 + index, decompressedSize: 1000 * index) }
        let file = [UInt8](repeating: 0xAA, count: table.totalCompressedSize) + table.encoded()
        #expect(try SeekTable.decode(fromEndOf: file) == table)
        let empty = SeekTable().encoded()
        #expect(try SeekTable.decode(fromEndOf: empty).entries.isEmpty)
    }

    @Test func acceptsChecksumEntries() throws {
        let entries = [
            SeekTable.Entry(compressedSize: 3, decompressedSize: 9, checksum: 0xDEAD_BEEF),
            SeekTable.Entry(compressedSize: 4, decompressedSize: 1, checksum: 7),
        ]
        let table = SeekTable(entries: entries)
        let bytes = table.encoded()
        #expect(bytes.count == 8 + 2 * 12 + 9)
        #expect(bytes[bytes.count - 5] == 0x80)
        #expect(try SeekTable.decode(fromEndOf: [UInt8](repeating: 0, count: 7) + bytes) == table)
    }

    @Test func rejectsDamage() throws {
        var table = SeekTable()
        try table.append(compressedSize: 4, decompressedSize: 8)
        let good = [UInt8](repeating: 0, count: 4) + table.encoded()

        var reserved = good
        reserved[reserved.count - 5] = 0x04
        #expect(throws: ShardError.self) { try SeekTable.decode(fromEndOf: reserved) }

        var footer = good
        footer[footer.count - 1] = 0
        let error = #expect(throws: ShardError.self) { try SeekTable.decode(fromEndOf: footer) }
        #expect(error?.code == .invalidSeekTable)

        let extra = [0] + good
        #expect(throws: ShardError.self) { try SeekTable.decode(fromEndOf: extra) }

        var count = good
        count[count.count - 9] = 200
        #expect(throws: ShardError.self) { try SeekTable.decode(fromEndOf: count) }

        var magic = good
        magic[4] = 0x5D
        #expect(throws: ShardError.self) { try SeekTable.decode(fromEndOf: magic) }

        #expect(throws: ShardError.self) { try SeekTable.decode(fromEndOf: Array(good.suffix(10))) }
    }

    @Test func rejectsSizesOver32Bits() {
        var table = SeekTable()
        #expect(throws: ShardError.self) { try table.append(compressedSize: 1 << 32, decompressedSize: 1) }
        #expect(throws: ShardError.self) { try table.append(compressedSize: 1, decompressedSize: 1 << 32) }
    }
}
