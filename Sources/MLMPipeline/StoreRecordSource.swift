import Foundation
import MLMCore
import MLMPMI
import MLMShards

/// A tokenized store as a ``MLMPMI/TokenRecordSource``: records numbered across its shards, in store order.
///
/// Each reader opens the shards it needs itself, so threads never share a file handle.
public struct StoreRecordSource: TokenRecordSource {
    /// The store.
    public let store: TokenStore
    /// `shardStarts[s]`: the number of the first record of shard `s`; the last entry is the total.
    private let shardStarts: [Int]
    /// What the records read so far hold, compared with the manifest once all were read.
    private let seen: SeenRecords

    /// Opens every shard's seek table to number the records.
    /// - Parameter store: An opened store.
    /// - Throws: ``MLMShards/ShardError`` for a damaged shard.
    public init(store: TokenStore) throws {
        self.store = store
        var starts = [0]
        for file in store.shardFiles {
            let reader = try ShardReader(path: (store.directory as NSString).appendingPathComponent(file))
            starts.append(starts.last! + reader.recordCount)
        }
        shardStarts = starts
        seen = SeenRecords(store.check, recordCount: starts.last ?? 0)
    }

    /// The number of records in the store.
    public var recordCount: Int { shardStarts.last ?? 0 }

    /// The store's identity, for PMI tables and count files.
    public func identity() throws -> StoreIdentity {
        let path = (store.directory as NSString).appendingPathComponent(ManifestFile.fileName)
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw ShardError(.io, "cannot read the manifest", path: path)
        }
        return StoreIdentity(
            manifestSHA256: SHA256.hash(Array(bytes)).hexDigest, vocabularySHA256: store.vocabularyDigest,
            documents: store.documentCount, tokens: store.tokenCount, records: recordCount)
    }

    /// A reader for one thread.
    public func makeReader() throws -> any TokenRecordReader { Reader(source: self) }

    private struct Reader: TokenRecordReader {
        let source: StoreRecordSource
        var shard = -1
        var reader: ShardReader?

        init(source: StoreRecordSource) { self.source = source }

        mutating func record(at ordinal: Int) throws -> StoreRecord {
            var index = shard
            if index < 0 || ordinal < source.shardStarts[index] || ordinal >= source.shardStarts[index + 1] {
                index = source.shardStarts.lastIndex { $0 <= ordinal }!
                let path = (source.store.directory as NSString).appendingPathComponent(source.store.shardFiles[index])
                reader = try ShardReader(path: path)
                shard = index
            }
            let local = ordinal - source.shardStarts[index]
            let bytes = try reader!.record(at: local)
            let record: StoreRecord
            do {
                record = try StoreRecord(decoding: bytes)
            } catch var error as ShardError {
                error.path = reader!.path
                error.recordIndex = local
                throw error
            }
            try RecordTally.checkRange(
                record.ids.max().map(Int.init), check: source.store.check, shard: index, record: local)
            try source.seen.note(
                ordinal: ordinal, shard: index, documents: record.documentOffsets.count - 1, tokens: record.ids.count)
            return record
        }
    }
}
