import Foundation
import MLMShards
import Testing

@Suite struct StdoutFrameSinkTests {
    @Test func closedPipeIsBrokenPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        defer { close(fds[1]) }
        let sink = StdoutFrameSink(fileDescriptor: fds[1], name: "<stdout>")
        let record = try sampleRecord(index: 0)
        let error = #expect(throws: ShardError.self) {
            try sink.append(frame: try compressedFrame(record), rawSize: record.count, sequences: 2)
        }
        #expect(error?.code == .brokenPipe)
        #expect(sink.records == 0)
    }

    @Test func countsWhatItWrites() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("out.zst")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let sink: any FrameSink = StdoutFrameSink(fileDescriptor: fd, name: path)
        let records = try (0..<3).map { try sampleRecord(index: $0) }
        let frames = try records.map { try compressedFrame($0) }
        for (frame, record) in zip(frames, records) {
            try sink.append(frame: frame, rawSize: record.count, sequences: 2)
        }
        #expect(try sink.finish().isEmpty)
        close(fd)
        #expect(try readBytes(path) == frames.flatMap { $0 })
        #expect((sink as? StdoutFrameSink)?.sequences == 6)
    }
}
