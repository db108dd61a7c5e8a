import MLMCore
import Foundation
import MLMShards
import Testing

@Suite struct ShardSetWriterTests {
    @Test func rollsOverAtTheRawSizeLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let record = try sampleRecord(index: 0)
        let limit = record.count * 3 + record.count / 2
        let writer = try ShardSetWriter(directory: directory.file("out/nested"), maxRawBytesPerShard: limit)
        var written: [[UInt8]] = []
        for index in 0..<7 {
            let record = try sampleRecord(index: index)
            written.append(record)
            try writer.append(frame: try compressedFrame(record), rawSize: record.count, sequences: 2)
        }
        // A record bigger than the limit goes alone into its own shard.
        let big = try sampleRecord(index: 99, rows: 20)
        #expect(big.count > limit)
        try writer.append(frame: try compressedFrame(big), rawSize: big.count, sequences: 20)
        let last = try sampleRecord(index: 100)
        try writer.append(frame: try compressedFrame(last), rawSize: last.count, sequences: 2)
        let summaries = try writer.finish()

        #expect(summaries.map(\.file) == (0..<5).map { ShardSetWriter.fileName(forShard: $0) })
        #expect(summaries.map(\.records) == [3, 3, 1, 1, 1])
        #expect(summaries.map(\.sequences) == [6, 6, 2, 20, 2])
        #expect(summaries.allSatisfy { $0.rawBytes <= limit || $0.records == 1 })
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.file("out/nested")).sorted()
        #expect(files == summaries.map(\.file))

        var readBack: [[UInt8]] = []
        for summary in summaries {
            let path = directory.file("out/nested/" + summary.file)
            #expect(SHA256.hash(try readBytes(path)).hexDigest == summary.sha256)
            let reader = try ShardReader(path: path)
            try reader.forEachRecord { _, record in readBack.append(record) }
        }
        #expect(readBack == written + [big, last])
    }

    @Test func namesShardsAndWritesNothingForNoRecords() throws {
        #expect(ShardSetWriter.fileName(forShard: 0) == "shard-00000.mlmb.zst")
        #expect(ShardSetWriter.fileName(forShard: 123_456) == "shard-123456.mlmb.zst")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try ShardSetWriter(directory: directory.path, firstShardIndex: 4)
        #expect(try writer.finish().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        #expect(ShardSetWriter.defaultMaxRawBytesPerShard == 64 * 1024 * 1024)
    }
}
