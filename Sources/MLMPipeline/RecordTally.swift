import MLMSystem
import MLMShards

/// The record half of the cross-checks (``ManifestCheck`` is the manifest half): while a directory's records are
/// read in order, every id must be below the vocabulary size, each shard's records must hold the documents
/// (store) or sequences (batches) its manifest entry lists, and all records the manifest's token count.
///
/// ```swift
/// var tally = RecordTally(check)
/// for each record r of shard s: try tally.add(extremeID: …, sequences: …, tokens: …, shard: s, record: r)
/// try tally.finish()
/// ```
package struct RecordTally: Sendable {
    /// The checked manifest.
    package let check: ManifestCheck
    private var shard = 0
    private var inShard = 0
    private var tokens = 0

    /// Starts a tally for a directory whose manifest passed `check`.
    package init(_ check: ManifestCheck) { self.check = check }

    /// Counts one record.
    /// - Parameters:
    ///   - extremeID: The record's token id farthest out of range: its smallest id when that is negative, else its
    ///     largest (ids, and labels where a token is predicted); nil when it holds none.
    ///   - sequences: Documents (store) or batch rows (batches) in the record.
    ///   - tokens: Tokens (store) or real tokens (batches) in the record.
    ///   - shard: The record's shard, by its position in the manifest (shards are read in order).
    ///   - record: The record's index within the shard.
    /// - Throws: ``MLMShards/ShardError`` naming the shard and record when an id is out of range, or the previous
    ///   shard when its records did not hold what the manifest lists.
    package mutating func add(extremeID: Int?, sequences: Int, tokens: Int, shard: Int, record: Int) throws {
        while self.shard < shard { try finishShard() }
        try Self.checkRange(extremeID, check: check, shard: shard, record: record)
        inShard += sequences
        self.tokens += tokens
    }

    /// Checks that an id is a vocabulary index.
    /// - Parameters:
    ///   - extremeID: The record's id farthest out of range (see ``add(extremeID:sequences:tokens:shard:record:)``).
    ///   - check: The directory's checked manifest.
    ///   - shard: The record's shard, by its position in the manifest.
    ///   - record: The record's index within the shard.
    /// - Throws: ``MLMShards/ShardError`` (`invalidRecord`) naming the shard, the record and the field.
    package static func checkRange(_ extremeID: Int?, check: ManifestCheck, shard: Int, record: Int)
        throws(ShardError)
    {
        guard let extremeID, extremeID < 0 || extremeID >= check.vocabularySize else { return }
        let field = check.kind == .tokens ? "tokenizer.vocab_size" : "store.vocab_size"
        throw ShardError(
            .invalidRecord,
            "token id \(extremeID) is out of range: manifest.json's \(field) is \(check.vocabularySize), so ids "
                + "must be in 0..<\(check.vocabularySize); the vocabulary or the manifest does not belong to these "
                + "shards: restore them or \(check.kind.rerun)",
            path: Path.join(check.directory, check.shards[shard].file), recordIndex: record)
    }

    /// Checks the last shard and the totals, after every record was added.
    /// - Throws: ``MLMShards/ShardError`` naming the shard or the manifest field that disagrees.
    package mutating func finish() throws {
        while shard < check.shards.count { try finishShard() }
        guard tokens == check.tokens else {
            throw ShardError(
                .invalidArgument,
                "counts.tokens is \(check.tokens), but the records hold \(tokens) "
                    + (check.kind == .tokens ? "tokens" : "real tokens (attention_mask 1)")
                    + "; the manifest was edited: restore it or \(check.kind.rerun)", path: check.manifestPath)
        }
    }

    /// Compares the current shard's count with its manifest entry and moves to the next shard.
    private mutating func finishShard() throws {
        let entry = check.shards[shard]
        guard inShard == entry.sequences else {
            let what = check.kind == .tokens ? "documents" : "sequences"
            throw ShardError(
                .invalidArgument,
                "shards[\(shard)] (\(entry.file)) sequences is \(entry.sequences), but its records hold \(inShard) "
                    + "\(what); the manifest was edited or the shard replaced: restore it or \(check.kind.rerun)",
                path: check.manifestPath)
        }
        shard += 1
        inShard = 0
    }
}
