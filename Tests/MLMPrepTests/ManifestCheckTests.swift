import Foundation
import MLMCore
import MLMPipeline
import MLMShards
import MLMTestSupport
import MLMTokenizer
import Testing

/// The manifest cross-checks through the library: a store whose manifest or vocabulary was edited (its shards
/// untouched) is refused by `TokenStore`, `OutputVerifier` and `MaskJob`, each with the field named.
@Suite struct ManifestCheckTests {
    static let words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (0..<60).map { "v\($0)" }

    /// A store of several shards and records.
    static func store(in directory: TemporaryDirectory) throws -> String {
        var text = ""
        for document in 0..<120 {
            text += (0..<(2 + document % 9)).map { "v\(($0 * 7 + document) % 60)" }.joined(separator: " ") + "\n\n"
        }
        var settings = TokenizeJobSettings(inputs: [directory.write("c.txt", text)], output: directory.file("tok"))
        settings.reader.targetChunkBytes = 300
        settings.maxShardBytes = 2000
        let vocabulary = try Vocabulary(tokens: words)
        _ = try TokenizeJob(settings: settings, vocabulary: vocabulary, tokenizer: TokenizerSettings()).run()
        return directory.file("tok")
    }

    /// Rewrites `manifest.json` after `change` edited its JSON object.
    static func edit(_ store: String, _ change: (inout [String: Any]) -> Void) throws {
        let path = store + "/manifest.json"
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    }

    /// The message of the error `body` throws (a failed expectation when it throws none).
    static func refusal(_ body: () throws -> Void) -> String {
        do {
            try body()
        } catch {
            return "\(error)"
        }
        Issue.record("no error")
        return ""
    }

    static func shards(_ object: [String: Any]) -> [[String: Any]] { object["shards"] as? [[String: Any]] ?? [] }

    static func counts(_ key: String, _ delta: Int) -> (inout [String: Any]) -> Void {
        { object in
            var counts = object["counts"] as? [String: Any] ?? [:]
            counts[key] = (counts[key] as? Int ?? 0) + delta
            object["counts"] = counts
        }
    }

    static var manifestEdits: [(String, (inout [String: Any]) -> Void, String)] {
        [
        ("drop", { $0["shards"] = Array(shards($0).dropFirst()) }, "shards[0] is shard-00001.mlmb.zst, expected"),
        ("duplicate", { $0["shards"] = [shards($0)[0]] + shards($0) }, "shard-00000.mlmb.zst is listed twice"),
        ("reorder", { $0["shards"] = Array(shards($0).reversed()) }, "expected shard-00000.mlmb.zst"),
        ("documents", counts("documents_written", 1), "counts.documents_written is"),
        ("records", counts("records", -1), "counts.records is"),
        ("version", { $0["format_version"] = 2 }, "format_version is 2, expected 1"),
        ("digest", { $0["tokenizer"] = ["vocab_sha256": String(repeating: "0", count: 64), "vocab_size": 65] },
         "manifest.json's tokenizer.vocab_sha256 is 0000"),
        ]
    }

    @Test func everyReaderRefusesAnEditedManifest() throws {
        for (name, change, expected) in Self.manifestEdits {
            let directory = TemporaryDirectory()
            let store = try Self.store(in: directory)
            #expect(try OutputVerifier.verify(store).shards >= 3)
            try Self.edit(store, change)
            for (reader, message) in [
                ("store", Self.refusal { _ = try TokenStore(directory: store) }),
                ("verify", Self.refusal { _ = try OutputVerifier.verify(store) }),
            ] {
                #expect(message.contains(expected), "\(name), \(reader): \(message)")
            }
        }
    }

    @Test func recordLevelEditsAreFoundWhileReading() throws {
        let directory = TemporaryDirectory()
        let store = try Self.store(in: directory)
        // Tokens: only the records can tell. The store opens; reading it all fails at the end.
        try Self.edit(store, Self.counts("tokens", 1))
        let opened = try TokenStore(directory: store)
        var read = 0
        let message = Self.refusal { try opened.forEachRecord { _ in read += 1 } }
        #expect(message.contains("counts.tokens is") && message.contains("but the records hold"), "\(message)")
        #expect(read == opened.check.shards.reduce(0) { $0 + $1.records })
        let verify = Self.refusal { _ = try OutputVerifier.verify(store) }
        #expect(verify.contains("counts.tokens is"), "\(verify)")
        // A document moved from one shard's entry to the next: the totals agree, the first shard does not.
        try Self.edit(store, Self.counts("tokens", -1))
        try Self.edit(store) { object in
            var list = Self.shards(object)
            list[0]["sequences"] = (list[0]["sequences"] as? Int ?? 0) + 1
            list[1]["sequences"] = (list[1]["sequences"] as? Int ?? 0) - 1
            object["shards"] = list
        }
        let moved = Self.refusal { try TokenStore(directory: store).forEachRecord { _ in } }
        #expect(moved.contains("shards[0] (shard-00000.mlmb.zst) sequences is"), "\(moved)")
    }

    @Test func idsBeyondAShorterConsistentVocabularyAreRefused() throws {
        let directory = TemporaryDirectory()
        let store = try Self.store(in: directory)
        let short = Self.words.prefix(30).joined(separator: "\n") + "\n"
        try short.write(toFile: store + "/vocab.txt", atomically: true, encoding: .utf8)
        try Self.edit(store) { object in
            var tokenizer = object["tokenizer"] as? [String: Any] ?? [:]
            tokenizer["vocab_sha256"] = SHA256.hash(Array(short.utf8)).hexDigest
            tokenizer["vocab_size"] = 30
            object["tokenizer"] = tokenizer
        }
        let opened = try TokenStore(directory: store)
        var seen = 0
        let message = Self.refusal { try opened.forEachRecord { _ in seen += 1 } }
        #expect(message.contains("is out of range: manifest.json's tokenizer.vocab_size is 30"), "\(message)")
        #expect(seen == 0, "a record with an out-of-range id reached the caller")
        let source = try StoreRecordSource(store: opened)
        var reader = try source.makeReader()
        let pmi = Self.refusal { _ = try reader.record(at: 0) }
        #expect(pmi.contains("is out of range"), "\(pmi)")
    }

    @Test func theRecordsSeenOutOfOrderAreComparedOnceAllWereRead() throws {
        let directory = TemporaryDirectory()
        let store = try Self.store(in: directory)
        try Self.edit(store, Self.counts("tokens", -1))
        let source = try StoreRecordSource(store: try TokenStore(directory: store))
        var reader = try source.makeReader()
        // Backwards, some twice: no complaint until the last unseen record.
        for ordinal in (1..<source.recordCount).reversed() { _ = try reader.record(at: ordinal) }
        _ = try reader.record(at: 2)
        let message = Self.refusal { _ = try reader.record(at: 0) }
        #expect(message.contains("counts.tokens is"), "\(message)")
    }
}
