import Foundation
import MLMShards
import Testing

@Suite struct ShardWriterTests {
    @Test func writesFramesAndSeekTableAtomically() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let records = try (0..<5).map { try sampleRecord(index: $0) }
        let writer = try ShardWriter(directory: directory.path, name: "one.mlmb.zst")
        for record in records {
            try writer.append(frame: try compressedFrame(record), rawSize: record.count, sequences: 2)
        }
        #expect(FileManager.default.fileExists(atPath: directory.file("one.mlmb.zst.tmp")))
        #expect(!FileManager.default.fileExists(atPath: directory.file("one.mlmb.zst")))
        let summary = try writer.finish()
        #expect(!FileManager.default.fileExists(atPath: directory.file("one.mlmb.zst.tmp")))

        let file = try readBytes(directory.file("one.mlmb.zst"))
        #expect(summary.file == "one.mlmb.zst")
        #expect(summary.records == 5)
        #expect(summary.sequences == 10)
        #expect(summary.rawBytes == records.reduce(0) { $0 + $1.count })
        #expect(summary.compressedBytes == file.count)
        #expect(summary.sha256 == SHA256.hash(file).hexDigest)
        let table = try SeekTable.decode(fromEndOf: file)
        #expect(table.entries.map { Int($0.decompressedSize) } == records.map(\.count))

        let reader = try ShardReader(path: directory.file("one.mlmb.zst"))
        #expect(reader.recordCount == 5)
        for (index, record) in records.enumerated() {
            #expect(try reader.record(at: index) == record)
        }
        #expect(try ShardSummary(jsonValue: summary.jsonValue) == summary)
    }

    @Test func rejectsSomethingThatIsNotOneFrame() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try ShardWriter(directory: directory.path, name: "x.mlmb.zst")
        let record = try sampleRecord(index: 0)
        let frame = try compressedFrame(record)
        #expect(throws: ShardError.self) { try writer.append(frame: record, rawSize: record.count, sequences: 1) }
        #expect(throws: ShardError.self) { try writer.append(frame: frame + frame, rawSize: record.count, sequences: 1) }
        #expect(throws: ShardError.self) { try writer.append(frame: frame, rawSize: record.count + 1, sequences: 1) }
        try writer.append(frame: frame, rawSize: record.count, sequences: 1)
        #expect(try writer.finish().records == 1)
    }

    @Test func abandonLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try ShardWriter(directory: directory.path, name: "gone.mlmb.zst")
        let record = try sampleRecord(index: 0)
        try writer.append(frame: try compressedFrame(record), rawSize: record.count, sequences: 1)
        writer.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func errorsNameThePath() {
        let error = #expect(throws: ShardError.self) {
            try ShardWriter(directory: "/nonexistent-mlmprep-dir", name: "a.mlmb.zst")
        }
        #expect(error?.code == .io)
        #expect(error?.description.contains("/nonexistent-mlmprep-dir/a.mlmb.zst.tmp") == true)
    }

    @Test func zstdCommandLineAcceptsTheShard() throws {
        let zstd = "/usr/bin/zstd"
        guard FileManager.default.isExecutableFile(atPath: zstd) else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let records = try (0..<3).map { try sampleRecord(index: $0, rows: 50) }
        let writer = try ShardWriter(directory: directory.path, name: "s.mlmb.zst")
        for record in records { try writer.append(frame: try compressedFrame(record), rawSize: record.count, sequences: 50) }
        _ = try writer.finish()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zstd)
        process.arguments = ["-dc", directory.file("s.mlmb.zst")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect([UInt8](data) == records.flatMap { $0 })
    }
}

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
