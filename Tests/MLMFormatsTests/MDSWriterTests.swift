import MLMSystem
import Foundation
import MLMCore
import MLMShards
import MLMTestSupport
import Testing

@testable import MLMFormats

@Suite struct MDSWriterTests {
    @Test func pythonDumpsMatchesJSONDumpsSortKeys() {
        let value: JSONValue = ["b": [1, .null, "x\"é\n\\"], "a": ["d": true, "c": 2], "e": "😀"]
        // json.dumps({...}, sort_keys=True) in Python 3.11
        #expect(value.pythonDumps() == #"{"a": {"c": 2, "d": true}, "b": [1, null, "x\"\u00e9\n\\"], "e": "\ud83d\ude00"}"#)
    }

    @Test func columnsAreSortedAndSized() throws {
        let writer = try MDSWriter(
            directory: "/nonexistent",
            columns: [
                try .ndarray(name: "labels", dtype: .int32, shape: [4]), try .scalar(name: "label", dtype: .int32),
                try .ndarray(name: "attention_mask", dtype: .uint8, shape: [2, 2]),
            ])
        #expect(writer.columns.map(\.name) == ["attention_mask", "label", "labels"])
        #expect(writer.columns.map(\.encoding) == ["ndarray:uint8:2,2", "int32", "ndarray:int32:4"])
        #expect(writer.columns.map(\.size) == [4, 4, 16])
        #expect(throws: ShardError.self) { try MDSColumn.ndarray(name: "x", dtype: .bfloat16, shape: [2]) }
        #expect(throws: ShardError.self) { try MDSColumn.ndarray(name: "x", dtype: .int32, shape: []) }
        #expect(throws: ShardError.self) { try MDSWriter(directory: "/x", columns: [], sizeLimit: 1 << 32) }
    }

    /// Streaming's rule: a shard is written when header + samples + 4 per sample would pass the limit.
    @Test(arguments: [0, 1, 2, 5, 13]) func shardsStayUnderTheLimit(samplesPerShard: Int) throws {
        let directory = TemporaryDirectory()
        let column = try MDSColumn.ndarray(name: "x", dtype: .uint8, shape: [10])
        // The header holds the limit itself: probe with a limit of as many digits (every limit here is 3 digits).
        let probe = try MDSWriter(directory: directory.path, columns: [column], compression: nil, sizeLimit: 100)
        let header = 8 + probe.configBytes.count
        let limit = header + samplesPerShard * 14 + 3
        #expect((100...999).contains(limit))
        let writer = try MDSWriter(directory: directory.path, columns: [column], compression: nil, sizeLimit: limit)
        for value in 0..<20 { try writer.write([[UInt8](repeating: UInt8(value), count: 10)]) }
        let shards = try writer.finish()
        let index = try JSONValue.parse(String(decoding: AtomicFile.read(directory.file("index.json")), as: UTF8.self))
        let counts = index["shards"]?.arrayValue?.compactMap { $0["samples"]?.intValue } ?? []
        // No sample fits under the limit: every write flushes the shard before it, the first one empty (as MDSWriter).
        let expected = samplesPerShard == 0 ? [0] + Array(repeating: 1, count: 20) : Self.split(20, by: samplesPerShard)
        #expect(counts == expected)
        #expect(shards == expected.count)
        for (number, shard) in (index["shards"]?.arrayValue ?? []).enumerated() {
            let bytes = try AtomicFile.read(directory.file(MDSWriter.shardNames(number, compression: nil).raw))
            #expect(bytes.count == shard["raw_data"]?["bytes"]?.intValue)
            #expect(samplesPerShard == 0 || bytes.count <= limit)
            #expect(Int(bytes[0]) == shard["samples"]?.intValue)
        }
    }

    static func split(_ total: Int, by size: Int) -> [Int] {
        stride(from: 0, to: total, by: size).map { min(size, total - $0) }
    }

    @Test func compressedShardsAreOneFrameWithContentSizeAndNoChecksum() throws {
        let directory = TemporaryDirectory()
        let writer = try MDSWriter(
            directory: directory.path, columns: [try .ndarray(name: "ids", dtype: .int32, shape: [64])],
            hashes: [.xxh64, .sha1])
        for value in 0..<100 { try writer.write([[UInt8](repeating: UInt8(value % 7), count: 256)]) }
        try writer.finish()
        let frame = try AtomicFile.read(directory.file("shard.00000.mds.zstd"))
        #expect(Array(frame.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        let descriptor = frame[4]
        #expect(descriptor & 0x04 == 0)  // no checksum
        #expect(descriptor >> 6 != 0 || descriptor & 0x20 != 0)  // a content size field
        let index = try JSONValue.parse(String(decoding: AtomicFile.read(directory.file("index.json")), as: UTF8.self))
        let zip = index["shards"]?[0]?["zip_data"]
        #expect(zip?["bytes"]?.intValue == frame.count)
        #expect(zip?["hashes"]?["xxh64"]?.stringValue == XXH64.hexDigest(frame))
        #expect(index["shards"]?[0]?["hashes"]?.arrayValue?.compactMap(\.stringValue) == ["sha1", "xxh64"])
    }
}

extension JSONValue {
    fileprivate subscript(index: Int) -> JSONValue? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}
