import Foundation
import MLMShards
import Testing

/// A frame that does not state its content size is decoded with a bound: one byte past the reader's limit.
@Suite struct StreamBoundedDecompressionTests {
    @Test func frameWithoutContentSizeOverTheLimitIsTooLarge() throws {
        // Magic, descriptor 0 (no content size, window descriptor follows), 128 KiB window, last RLE block of
        // 2000 bytes of 'a'.
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x38, 0x83, 0x3E, 0x00, 0x61]
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("stream.zst")
        _ = FileManager.default.createFile(atPath: path, contents: Data(frame))
        for (limit, fits) in [(2000, true), (1999, false)] {
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            let reader = StreamFrameReader(fileDescriptor: fd, name: path, maximumRecordSize: limit)
            if fits {
                #expect(try reader.nextRecord() == [UInt8](repeating: 0x61, count: 2000))
            } else {
                let error = #expect(throws: ShardError.self) { _ = try reader.nextRecord() }
                #expect(error?.code == .tooLarge)
            }
        }
    }
}
