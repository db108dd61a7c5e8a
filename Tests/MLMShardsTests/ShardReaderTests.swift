import Foundation
import MLMShards
import Testing

@Suite struct ShardReaderTests {
    /// Writes a shard of `count` records and returns its path and records.
    static func makeShard(in directory: TemporaryDirectory, name: String = "s.mlmb.zst", count: Int = 4) throws -> (
        String, [[UInt8]]
    ) {
        let records = try (0..<count).map { try sampleRecord(index: $0, rows: 30) }
        let writer = try ShardWriter(directory: directory.path, name: name)
        for record in records {
            try writer.append(frame: try compressedFrame(record), rawSize: record.count, sequences: 30)
        }
        _ = try writer.finish()
        return (directory.file(name), records)
    }

    @Test func readsRecordsByIndexAndInOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (path, records) = try Self.makeShard(in: directory)
        let reader = try ShardReader(path: path)
        #expect(reader.recordCount == records.count)
        #expect(try reader.record(at: 2) == records[2])
        var iterator = reader.makeRecordIterator()
        var all: [[UInt8]] = []
        while let record = try iterator.next() { all.append(record) }
        #expect(all == records)
        let decoded = try SafetensorsRecord.decode(try reader.record(at: 3))
        #expect(decoded.metadata == ["batch": "3"])
        let error = #expect(throws: ShardError.self) { try reader.record(at: 4) }
        #expect(error?.code == .invalidArgument)
    }

    @Test func truncatedShardNamesTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (path, _) = try Self.makeShard(in: directory)
        let bytes = try readBytes(path)
        for cut in [1, 9, 30, bytes.count - 5] {
            try writeBytes(Array(bytes.dropLast(cut)), to: path)
            let error = #expect(throws: ShardError.self, "cut \(cut)") { try ShardReader(path: path) }
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("re-run") == true)
        }
        try writeBytes([], to: path)
        let empty = #expect(throws: ShardError.self) { try ShardReader(path: path) }
        #expect(empty?.code == .truncated)
    }

    @Test func corruptedFrameNamesFileAndRecord() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (path, records) = try Self.makeShard(in: directory)
        var bytes = try readBytes(path)
        let table = try SeekTable.decode(fromEndOf: bytes)
        let offsets = table.frameOffsets
        // Flip a byte in the middle of record 2's frame.
        let target = (offsets[2] + offsets[3]) / 2
        bytes[target] ^= 0x55
        try writeBytes(bytes, to: path)
        let reader = try ShardReader(path: path)
        #expect(try reader.record(at: 1) == records[1])
        let error = #expect(throws: ShardError.self) { try reader.record(at: 2) }
        #expect(error?.code == .corruptFrame)
        #expect(error?.recordIndex == 2)
        #expect(error?.byteOffset == offsets[2])
        #expect(error?.description.contains("s.mlmb.zst: record 2") == true)
    }

    @Test func missingFileIsAnIOError() {
        let error = #expect(throws: ShardError.self) { try ShardReader(path: "/nonexistent/shard.mlmb.zst") }
        #expect(error?.code == .io)
        #expect(error?.description.hasPrefix("/nonexistent/shard.mlmb.zst") == true)
    }

    @Test func pythonReadsRecordsByIndexThroughTheSeekTable() throws {
        guard let python = referencePython() else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (path, records) = try Self.makeShard(in: directory)
        // The random-access reader from research/formats.md §8, with zstandard and safetensors.numpy.load.
        let script = """
            import struct, sys, zstandard
            import numpy as np
            from safetensors.numpy import load
            with open(sys.argv[1], "rb") as f:
                f.seek(-9, 2); n, desc, magic = struct.unpack("<IBI", f.read(9)); assert magic == 0x8F92EAB1
                w = 12 if desc & 0x80 else 8
                f.seek(-9 - n * w, 2); t = np.frombuffer(f.read(n * w), "<u4").reshape(n, w // 4)
                i = int(sys.argv[2])
                f.seek(int(t[:i, 0].sum())); raw = zstandard.ZstdDecompressor().decompress(f.read(int(t[i, 0])))
            batch = load(raw)
            print(n, batch["input_ids"].shape, int(batch["input_ids"].sum()), int(batch["attention_mask"].sum()), end="")
            """
        let output = try runPython(python, script, [path, "2"])
        let ids = try SafetensorsRecord.decode(records[2]).tensors.first { $0.name == "input_ids" }
        let sum = try ids.map { try $0.values(as: Int32.self).reduce(0) { $0 + Int($1) } } ?? -1
        #expect(output == "4 (30, 8) \(sum) 240")
    }
}
