import Foundation
import MLMCore
import MLMShards
import MLMTokenizer

/// A finished tokenized store (DESIGN.md §3.3), opened for reading: its manifest, vocabulary and shards.
///
/// Opening checks what later stages rely on: the manifest exists (a directory without one is an unfinished
/// run), its format is `mlmprep.tokens`, the vocabulary copy matches the manifest's digest, and the shards
/// listed exist.
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

    /// Opens a store.
    /// - Parameter directory: The store directory written by `mlmprep tokenize`.
    /// - Throws: ``ShardError`` when the store is unfinished, damaged or not a tokenized store.
    public init(directory: String) throws {
        self.directory = directory
        let manifest = try ManifestFile.read(directory: directory)
        guard manifest["format"]?.stringValue == "mlmprep.tokens" else {
            throw ShardError(
                .invalidArgument,
                "\(directory) is not a tokenized store (format \(manifest["format"]?.stringValue ?? "none")); "
                    + "give the directory written by mlmprep tokenize",
                path: directory)
        }
        self.manifest = manifest
        let vocabPath = (directory as NSString).appendingPathComponent("vocab.txt")
        let vocabulary = try Vocabulary.load(vocabTxt: vocabPath)
        let digest = SHA256.hash(Array(vocabulary.vocabText.utf8)).hexDigest
        let recorded = manifest["tokenizer"]?["vocab_sha256"]?.stringValue ?? ""
        guard digest == recorded else {
            throw ShardError(
                .invalidArgument,
                "the store's vocab.txt (sha256 \(digest.prefix(12))…) does not match its manifest "
                    + "(\(recorded.prefix(12))…); the store was altered: tokenize again",
                path: vocabPath)
        }
        self.vocabulary = vocabulary
        self.vocabularyDigest = digest
        self.shardFiles = (manifest["shards"]?.arrayValue ?? []).compactMap { $0["file"]?.stringValue }
        self.documentCount = manifest["counts"]?["documents_written"]?.intValue ?? 0
        self.tokenCount = manifest["counts"]?["tokens"]?.intValue ?? 0
    }

    /// Calls `body` with every record, in store order.
    /// - Parameter body: Receives each record.
    /// - Throws: ``ShardError`` for damaged shards or records, or what `body` throws.
    public func forEachRecord(_ body: (StoreRecord) throws -> Void) throws {
        for file in shardFiles {
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
                try body(record)
            }
        }
    }
}
