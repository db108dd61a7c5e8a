import Foundation
import MLMShards

/// The record half of the cross-checks for readers that take records out of order and on several threads (the
/// PMI counter): what each record holds is noted the first time any thread reads it, and once every record of the
/// store has been read, the documents per shard and the tokens in all are compared with the manifest
/// (``RecordTally``). A reader of a slice (`--worker I/N`, N > 1) never sees every record, and the totals stay
/// unchecked there (the manifest checks of ``ManifestCheck`` and the id range still apply).
final class SeenRecords: @unchecked Sendable {
    private let check: ManifestCheck
    private let lock = NSLock()
    private var seen: [Bool]
    private var remaining: Int
    private var documents: [Int]
    private var tokens: [Int]

    /// Starts with no record seen.
    /// - Parameters:
    ///   - check: The store's checked manifest.
    ///   - recordCount: Records in the store.
    init(_ check: ManifestCheck, recordCount: Int) {
        self.check = check
        seen = [Bool](repeating: false, count: recordCount)
        remaining = recordCount
        documents = [Int](repeating: 0, count: check.shards.count)
        tokens = [Int](repeating: 0, count: check.shards.count)
    }

    /// Notes one record; the last record of the store to be seen runs the comparison.
    /// - Parameters:
    ///   - ordinal: The record's number in the store.
    ///   - shard: Its shard, by position in the manifest.
    ///   - documents: Documents in the record.
    ///   - tokens: Tokens in the record.
    /// - Throws: ``MLMShards/ShardError`` naming the shard or the manifest field that disagrees.
    func note(ordinal: Int, shard: Int, documents: Int, tokens: Int) throws {
        lock.lock()
        guard !seen[ordinal] else {
            lock.unlock()
            return
        }
        seen[ordinal] = true
        self.documents[shard] += documents
        self.tokens[shard] += tokens
        remaining -= 1
        let complete = remaining == 0
        lock.unlock()
        guard complete else { return }
        var tally = RecordTally(check)
        for shard in 0..<check.shards.count {
            try tally.add(
                extremeID: nil, sequences: self.documents[shard], tokens: self.tokens[shard], shard: shard, record: 0)
        }
        try tally.finish()
    }
}
