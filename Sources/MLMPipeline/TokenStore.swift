import Foundation
import MLMCore
import MLMShards
import MLMTokenizer

/// A finished tokenized store (docs/design.md §3.3), opened for reading: its manifest, vocabulary and shards.
///
/// Opening checks what later stages rely on: the manifest exists (a directory without one is an unfinished
/// run), its format is `mlmprep.tokens`, and it agrees with the directory (``ManifestCheck``: shard list, counts,
/// vocabulary digest and size, format version). Reading every record checks the rest (``RecordTally``).
public struct TokenStore: Sendable {
    /// The store directory.
    public let directory: String
    /// The parsed manifest.
    public let manifest: JSONValue
    /// The store's vocabulary (its own copy of `vocab.txt`).
    public let vocabulary: Vocabulary
    /// The sha256 of `vocab.txt`, as the manifest records it.
    public let vocabularyDigest: String
    /// Shard file names, in order.
    public let shardFiles: [String]
    /// Documents written to the store.
    public let documentCount: Int
    /// Tokens written to the store.
    public let tokenCount: Int
    /// The manifest, checked against the directory.
    package let check: ManifestCheck

    /// Opens a store.
    /// - Parameter directory: The store directory written by `mlmprep tokenize`.
    /// - Throws: ``ShardError`` when the store is unfinished, damaged or not a tokenized store.
    public init(directory: String) throws {
        self.directory = directory
        let manifest = try ManifestFile.read(directory: directory)
        self.manifest = manifest
        self.check = try ManifestCheck(directory: directory, manifest: manifest, expecting: .tokens)
        self.vocabulary = try Vocabulary.load(vocabTxt: (directory as NSString).appendingPathComponent("vocab.txt"))
        // ManifestCheck compared the file's sha256 with this one.
        self.vocabularyDigest = manifest["tokenizer"]?["vocab_sha256"]?.stringValue ?? ""
        self.shardFiles = (manifest["shards"]?.arrayValue ?? []).compactMap { $0["file"]?.stringValue }
        self.documentCount = manifest["counts"]?["documents_written"]?.intValue ?? 0
        self.tokenCount = manifest["counts"]?["tokens"]?.intValue ?? 0
    }

    /// Calls `body` with every record, in store order, checking the records against the manifest as they pass
    /// (``RecordTally``: ids below the vocabulary size before `body` sees them; documents per shard and tokens in
    /// all once a shard, or the store, is read).
    /// - Parameter body: Receives each record.
    /// - Throws: ``ShardError`` for damaged shards or records, or what `body` throws.
    public func forEachRecord(_ body: (StoreRecord) throws -> Void) throws {
        var tally = RecordTally(check)
        for (shard, file) in shardFiles.enumerated() {
            let path = (directory as NSString).appendingPathComponent(file)
            let reader = try ShardReader(path: path)
            for index in 0..<reader.recordCount {
                let bytes = try reader.record(at: index)
                let record: StoreRecord
                do {
                    record = try StoreRecord(decoding: bytes)
                } catch let error as ShardError {
                    var located = error
                    located.path = path
                    located.recordIndex = index
                    throw located
                }
                try tally.add(
                    extremeID: record.ids.max().map(Int.init), sequences: record.documentOffsets.count - 1,
                    tokens: record.ids.count, shard: shard, record: index)
                try body(record)
            }
            try checkSnapshot(reader, shard: shard)
        }
        try tally.finish()
    }

    /// Checks that shard `shard` as read is the one the manifest (read when the store was opened) lists: a store
    /// rewritten while it is read (`tokenize --overwrite` into it) fails the run instead of mixing two stores.
    private func checkSnapshot(_ reader: ShardReader, shard: Int) throws {
        let listed = manifest["shards"]?.arrayValue?[shard]["sha256"]?.stringValue
        let read = try reader.sha256()
        guard read == listed else {
            throw ShardError(
                .invalidRecord,
                "the shard's bytes are not the ones the store's manifest listed when this run opened it (sha256 "
                    + "\(read.prefix(12))…, listed \((listed ?? "none").prefix(12))…): the store was changed while it "
                    + "was read; run again once nothing writes it",
                path: reader.path)
        }
    }
}
