import MLMCore
import Foundation
import MLMShards
import Testing

@Suite struct ManifestFileTests {
    @Test func writesAtomicallyAndReadsBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let summary = ShardSummary(
            file: "shard-00000.mlmb.zst",
            records: 3,
            sequences: 96,
            compressedBytes: 1234,
            rawBytes: 5678,
            sha256: String(repeating: "a", count: 64)
        )
        let manifest: JSONValue = [
            "format": "mlmprep.batches", "version": 1, "mask_rate": 0.4, "seed": 1234,
            "shards": [summary.jsonValue],
        ]
        try ManifestFile.write(manifest, to: directory.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["manifest.json"])
        let text = String(decoding: try readBytes(directory.file("manifest.json")), as: UTF8.self)
        #expect(text == manifest.prettyPrinted() + "\n")
        let read = try ManifestFile.read(directory: directory.path)
        #expect(read == manifest)
        #expect(try ShardSummary(jsonValue: read["shards"]?.arrayValue?.first ?? nil) == summary)

        let replacement: JSONValue = ["format": "mlmprep.batches", "version": 2]
        try ManifestFile.write(replacement, to: directory.path)
        #expect(try ManifestFile.read(directory: directory.path) == replacement)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["manifest.json"])
    }

    @Test func missingManifestSaysWhatToDo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: ShardError.self) { try ManifestFile.read(directory: directory.path) }
        #expect(error?.code == .missingManifest)
        #expect(
            error?.message
                == "\(directory.path) has no manifest.json: the run that wrote it did not finish; re-run it (or use --resume)"
        )
    }

    @Test func damagedManifestNamesTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try writeBytes(Array("{\"format\": ".utf8), to: directory.file("manifest.json"))
        let error = #expect(throws: ShardError.self) { try ManifestFile.read(directory: directory.path) }
        #expect(error?.code == .invalidJSON)
        #expect(error?.description.contains("manifest.json") == true)
    }
}
