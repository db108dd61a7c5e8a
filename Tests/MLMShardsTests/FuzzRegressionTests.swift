import Foundation
import MLMShards
import MLMZstd
import Testing

/// Damaged shards built around inputs found by the fuzz harnesses in `tools/fuzz` ("zstd" and "shards"):
/// each must give a `ShardError`, never a trap or a huge allocation.
@Suite struct ShardFuzzRegressionTests {
    /// A shard file holding `frame` as its only record, with a consistent seek table.
    static func shard(_ frame: [UInt8], decompressedSize: Int, in directory: TemporaryDirectory) throws -> String {
        var table = SeekTable()
        try table.append(compressedSize: frame.count, decompressedSize: decompressedSize)
        let path = directory.file("damaged.mlmb.zst")
        _ = FileManager.default.createFile(atPath: path, contents: Data(frame + table.encoded()))
        return path
    }

    /// Both readers on a shard whose only frame is `frame`: the error codes.
    static func readBoth(_ frame: [UInt8]) throws -> (ShardError.Code?, ShardError.Code?) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try shard(frame, decompressedSize: 0, in: directory)
        let reader = try ShardReader(path: path)
        let indexed = #expect(throws: ShardError.self) { _ = try reader.record(at: 0) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let stream = StreamFrameReader(fileDescriptor: fd, name: path)
        let streamed = #expect(throws: ShardError.self) {
            while try stream.nextRecord() != nil {}
        }
        return (indexed?.code, streamed?.code)
    }

    /// fuzz-zstd crash-996d991a, as a whole frame: a content size above Int.max (here 0xB565ACD7086E7200) with an
    /// empty last block trapped in ZstdFrameDecoder.contentSize when ShardReader decoded the record.
    @Test func frameAnnouncingMoreThanIntMaxIsACorruptFrame() throws {
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0xE0, 0x00, 0x72, 0x6E, 0x08, 0xD7, 0xAC, 0x65, 0xB5, 0x01, 0x00, 0x00]
        let (indexed, streamed) = try Self.readBoth(frame)
        #expect(indexed == .corruptFrame)
        #expect(streamed == .corruptFrame)
    }

    /// fuzz-zstd oom-63043868, as a whole frame: a 17-byte frame announcing 1,529,787,047 bytes made
    /// ShardReader.record(at:) (and so `mlmprep verify`/`inspect`) allocate 1.5 GB before finding the damage.
    @Test func frameAnnouncingFarMoreThanItCanHoldIsACorruptFrame() throws {
        // Single segment, 8-byte content size 0x5B2EB2A7, one last RLE block of 128 KiB.
        let frame: [UInt8] = [
            0x28, 0xB5, 0x2F, 0xFD, 0xE0, 0xA7, 0xB2, 0x2E, 0x5B, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x10, 0x61,
        ]
        let (indexed, streamed) = try Self.readBoth(frame)
        #expect(indexed == .corruptFrame)
        #expect(streamed == .corruptFrame)
    }
}
