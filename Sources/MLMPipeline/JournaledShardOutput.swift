import MLMSystem
import MLMCore
import MLMShards
import MLMTokenizer

/// The output of a run that writes shards to a directory: the one home of "check the directory, journal every
/// finished shard, abandon on error, write the manifest last" for `tokenize`, `mask` and what comes next.
///
/// ```swift
/// switch try JournaledShardOutput.open(directory: "out", policy: .refuse, header: header, maxShardBytes: 64 << 20) {
/// case .finished(let manifest): …                          // --resume found the run done
/// case .opened(let output):
///     // output.resumedState: the job's state after the last journaled shard (nil for a new run)
///     try output.append(frame: frame, rawSize: n, sequences: k) { stateBeforeThisFrame }
///     try output.finish { stateAtTheEnd }
///     try output.commit(vocabulary: vocabulary, manifest: manifest)
/// }
/// ```
/// A job calls ``abandon()`` when it fails: the unfinished shard's `.tmp` goes, journaled shards stay for
/// `--resume`, and a journal without any shard is removed (nothing to resume). See ``RunJournal`` for the design.
/// The directory is locked (``MLMSystem/DirectoryLock``) from before it is examined until the run ends, so a second
/// run writing it at the same time is refused, naming the first one's process id.
final class JournaledShardOutput {
    /// How a run starts.
    enum Opening {
        /// `--resume` found the run finished: its manifest.
        case finished(JSONValue)
        /// Write shards through this output.
        case opened(JournaledShardOutput)
    }

    /// The output directory.
    let directory: String
    /// The journal (header and entries).
    let journal: RunJournal
    /// Shards of an interrupted run that were verified and kept.
    let resumedShards: Int
    private let writer: ShardSetWriter
    private let lock: DirectoryLock

    private init(directory: String, journal: RunJournal, lock: DirectoryLock, maxShardBytes: Int) throws {
        self.directory = directory
        self.journal = journal
        self.lock = lock
        self.resumedShards = journal.entries.count
        self.writer = try ShardSetWriter(
            directory: directory, maxRawBytesPerShard: maxShardBytes, firstShardIndex: journal.entries.count)
    }

    /// Prepares `directory` under `policy` (see ``OutputDirectory``) and opens the journal.
    /// - Parameters:
    ///   - directory: The output directory.
    ///   - policy: What to do with an earlier run there.
    ///   - header: The run's journal header (settings and inputs that a resume must repeat).
    ///   - maxShardBytes: The largest uncompressed shard.
    ///   - notice: Receives one-line notes (a damaged shard to write again, for example).
    /// - Returns: The finished run's manifest, or the output to write to.
    /// - Throws: ``ShardError`` or ``ResumeError`` from ``OutputDirectory/open(_:policy:header:notice:)``.
    static func open(
        directory: String, policy: OutputDirectory.Policy, header: RunJournal.Header, maxShardBytes: Int,
        notice: (String) -> Void
    ) throws -> Opening {
        let lock = try OutputDirectory.lock(directory)
        switch try OutputDirectory.open(directory, policy: policy, header: header, notice: notice) {
        case .finished(let manifest):
            lock.release()
            return .finished(manifest)
        case .run(let journal):
            return .opened(
                try JournaledShardOutput(directory: directory, journal: journal, lock: lock, maxShardBytes: maxShardBytes))
        }
    }

    /// The job's state after the last journaled shard of an interrupted run; nil for a new run.
    var resumedState: JSONValue? { journal.entries.last?.state }

    /// The shards journaled so far.
    var shards: [ShardSummary] { journal.entries.map(\.shard) }

    /// Appends one frame; when it starts a new shard, the finished one is journaled with `stateBefore()`, the job's
    /// state covering every frame before this one.
    /// - Throws: ``ShardError``, or what `stateBefore` throws.
    func append(frame: [UInt8], rawSize: Int, sequences: Int, stateBefore: () throws -> JSONValue) throws {
        let finished = writer.completedShards.count
        try writer.append(frame: frame, rawSize: rawSize, sequences: sequences)
        if writer.completedShards.count > finished { try journalLastShard(state: stateBefore()) }
    }

    /// Finishes the last shard and journals it with `state()`, the job's state at the end.
    /// - Throws: ``ShardError``, or what `state` throws.
    func finish(state: () throws -> JSONValue) throws {
        let finished = writer.completedShards.count
        _ = try writer.finish()
        if writer.completedShards.count > finished { try journalLastShard(state: state()) }
    }

    private func journalLastShard(state: JSONValue) throws {
        guard let shard = writer.completedShards.last else { return }
        try journal.record(shard: shard, state: state)
    }

    /// Publishes the run: the store's vocabulary copy, then the manifest (atomically), then removes the journal.
    /// - Parameters:
    ///   - vocabulary: The vocabulary to copy into the directory as `vocab.txt`.
    ///   - manifest: The manifest, written last.
    /// - Throws: ``ShardError`` (`io`).
    func commit(vocabulary: Vocabulary, manifest: JSONValue) throws {
        try OutputDirectory.writeVocabulary(vocabulary, to: directory)
        // The finished manifest records what the journal header compared, so `--resume` on a finished run can refuse
        // other settings (docs/design.md §5).
        try ManifestFile.write(journal.header.recorded(in: manifest), to: directory)
        try journal.remove()
        lock.release(removingFile: true)
    }

    /// Gives up after an error: removes the unfinished shard's `.tmp`; journaled shards stay for `--resume`, and a
    /// journal with no shard is removed (there is nothing to resume).
    func abandon() {
        writer.abandon()
        if journal.entries.isEmpty { try? journal.remove() }
        lock.release(removingFile: true)
    }
}
