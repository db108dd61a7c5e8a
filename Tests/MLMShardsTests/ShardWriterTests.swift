import MLMCore
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
        #expect(throws: ShardError.self) {
            try writer.append(frame: frame + frame, rawSize: record.count, sequences: 1)
        }
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
        for record in records {
            try writer.append(frame: try compressedFrame(record), rawSize: record.count, sequences: 50)
        }
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
