import Foundation
import MLMShards
import Testing

@Suite struct StreamFrameReaderTests {
    @Test func readsConcatenatedShardsSkippingSeekTables() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (first, recordsA) = try ShardReaderTests.makeShard(in: directory, name: "a.mlmb.zst", count: 3)
        let (second, recordsB) = try ShardReaderTests.makeShard(in: directory, name: "b.mlmb.zst", count: 2)
        let stream = directory.file("stream.zst")
        try writeBytes(try readBytes(first) + readBytes(second), to: stream)
        let fd = open(stream, O_RDONLY)
        defer { close(fd) }
        let reader = StreamFrameReader(fileDescriptor: fd, name: "stream.zst")
        var records: [[UInt8]] = []
        while let record = try reader.nextRecord() { records.append(record) }
        #expect(records == recordsA + recordsB)
        #expect(reader.recordsRead == 5)
        #expect(try reader.nextRecord() == nil)
    }

    @Test func readsFromAPipeFedByTheStdoutSink() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let records = try (0..<6).map { try sampleRecord(index: $0, rows: 40) }
        let frames = try records.map { try compressedFrame($0) }
        let writerFD = fds[1]
        let thread = Thread {
            let sink = StdoutFrameSink(fileDescriptor: writerFD, name: "<pipe>")
            for (frame, record) in zip(frames, records) {
                try? sink.append(frame: frame, rawSize: record.count, sequences: 40)
            }
            close(writerFD)
        }
        thread.start()
        let reader = StreamFrameReader(fileDescriptor: fds[0])
        var received: [[UInt8]] = []
        while let record = try reader.nextRecord() { received.append(record) }
        close(fds[0])
        #expect(received == records)
    }

    @Test func handlesLargeMultiBlockFrames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = TestBytes(seed: 3)
        // Zeros compress to RLE blocks, random bytes to raw blocks; 3 MiB needs a window descriptor.
        let records: [[UInt8]] = [
            [UInt8](repeating: 0, count: 3 << 20),
            generator.bytes(700_000),
            Array(String(repeating: "the quick brown fox ", count: 20_000).utf8),
        ]
        let writer = try ShardWriter(directory: directory.path, name: "big.mlmb.zst")
        for record in records {
            try writer.append(frame: try compressedFrame(record), rawSize: record.count, sequences: 1)
        }
        _ = try writer.finish()
        let reader = try ShardReader(path: directory.file("big.mlmb.zst"))
        #expect(try (0..<3).map { try reader.record(at: $0) } == records)
        let fd = open(directory.file("big.mlmb.zst"), O_RDONLY)
        defer { close(fd) }
        let stream = StreamFrameReader(fileDescriptor: fd, name: "big")
        var received: [[UInt8]] = []
        while let record = try stream.nextRecord() { received.append(record) }
        #expect(received == records)
    }

    @Test func truncatedStreamNamesRecordAndOffset() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let records = try (0..<3).map { try sampleRecord(index: $0, rows: 30) }
        let frames = try records.map { try compressedFrame($0) }
        let stream = directory.file("cut.zst")
        let all = frames.flatMap { $0 }
        try writeBytes(Array(all.dropLast(10)), to: stream)
        let fd = open(stream, O_RDONLY)
        defer { close(fd) }
        let reader = StreamFrameReader(fileDescriptor: fd, name: "cut.zst")
        #expect(try reader.nextRecord() == records[0])
        #expect(try reader.nextRecord() == records[1])
        let error = #expect(throws: ShardError.self) { try reader.nextRecord() }
        #expect(error?.code == .truncated)
        #expect(error?.recordIndex == 2)
        #expect(error?.byteOffset == frames[0].count + frames[1].count)
        #expect(error?.description.hasPrefix("cut.zst: record 2") == true)
    }

    @Test func garbageIsRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stream = directory.file("junk")
        try writeBytes(Array("hello, world".utf8), to: stream)
        let fd = open(stream, O_RDONLY)
        defer { close(fd) }
        let error = #expect(throws: ShardError.self) {
            try StreamFrameReader(fileDescriptor: fd, name: "junk").nextRecord()
        }
        #expect(error?.code == .corruptFrame)
    }

    @Test func corruptFrameInStreamIsReported() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var frame = try compressedFrame(try sampleRecord(index: 1, rows: 30))
        frame[frame.count / 2] ^= 0xFF
        let stream = directory.file("bad")
        try writeBytes(frame, to: stream)
        let fd = open(stream, O_RDONLY)
        defer { close(fd) }
        let error = #expect(throws: ShardError.self) {
            try StreamFrameReader(fileDescriptor: fd, name: "bad").nextRecord()
        }
        #expect(error?.code == .corruptFrame || error?.code == .truncated)
    }
}
