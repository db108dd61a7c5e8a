import MLMSystem
import Foundation
import MLMShards
import MLMTestSupport
import Testing

@testable import MLMFormats

@Suite struct MegatronDatasetWriterTests {
    /// Three documents: two sentences, none (an empty document), one; the bytes as `_IndexWriter.write` lays them out.
    @Test(arguments: [MegatronTokenType.uint16, .int32]) func layout(tokenType: MegatronTokenType) throws {
        let directory = TemporaryDirectory()
        let writer = try MegatronDatasetWriter(prefix: directory.file("d"), tokenType: tokenType)
        try writer.add(sequence: [101, 7592] as [UInt32])
        try writer.add(sequence: [] as [UInt32])  // skipped, as preprocess_data.py skips empty sentences
        try writer.add(sequence: [2088, 102, 65535] as [UInt32])
        try writer.endDocument()
        try writer.endDocument()
        try writer.add(sequence: [5] as [UInt32])
        try writer.endDocument()
        try writer.finish()

        var idx = Array("MMIDIDX\0\0".utf8)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { idx += $0 } }
        append(UInt64(1))
        append(tokenType.rawValue)
        append(UInt64(3))  // sequences
        append(UInt64(4))  // document indices: documents + 1
        for length in [2, 3, 1] as [Int32] { append(length) }
        for pointer in [0, 2, 5] as [Int64] { append(pointer * Int64(tokenType.itemSize)) }
        for index in [0, 2, 2, 3] as [Int64] { append(index) }
        #expect(try AtomicFile.read(directory.file("d.idx")) == idx)
        let tokens: [UInt32] = [101, 7592, 2088, 102, 65535, 5]
        let bin = tokenType == .uint16
            ? tokens.flatMap { withUnsafeBytes(of: UInt16($0).littleEndian, Array.init) }
            : tokens.flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) }
        #expect(try AtomicFile.read(directory.file("d.bin")) == bin)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["d.bin", "d.idx"])
    }

    @Test func optimalDtypeFollowsMegatron() {
        #expect(MegatronTokenType.optimal(vocabularySize: 30522) == .uint16)
        #expect(MegatronTokenType.optimal(vocabularySize: 65499) == .uint16)
        #expect(MegatronTokenType.optimal(vocabularySize: 65500) == .int32)
    }

    @Test func idsTheDtypeCannotHoldAreRefused() throws {
        let directory = TemporaryDirectory()
        let writer = try MegatronDatasetWriter(prefix: directory.file("d"), tokenType: .uint16)
        #expect(throws: ShardError.self) { try writer.add(sequence: [65536] as [UInt32]) }
        writer.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    }
}
