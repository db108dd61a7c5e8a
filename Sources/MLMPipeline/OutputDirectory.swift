import Foundation
import MLMCore
import MLMShards
import MLMTokenizer

/// Prepares output directories: refuses to mix a new run with an old one unless told to replace it, and for
/// `--resume` finds where an interrupted run stopped (see ``RunJournal`` for the design).
enum OutputDirectory {
    /// What to do with a directory that already holds a run.
    enum Policy: Sendable {
        /// Refuse (the default).
        case refuse
        /// Remove the earlier run's files first (`--overwrite`).
        case overwrite
        /// Continue an interrupted run, or start one when there is none (`--resume`).
        case resume

        /// The policy of a command line's `--resume` and `--overwrite` (resume wins).
        init(resume: Bool, overwrite: Bool) { self = resume ? .resume : overwrite ? .overwrite : .refuse }
    }

    /// How a run starts.
    enum Start {
        /// The directory already holds the finished run (only with ``Policy/resume``): its manifest.
        case finished(JSONValue)
        /// Write shards, journaling each; the journal's entries are the verified shards of an interrupted run
        /// (none for a new run).
        case run(RunJournal)
    }

    /// File names a run of mlmprep may have left in a directory (and that `--overwrite` removes).
    static func isOurs(_ name: String) -> Bool {
        name == ManifestFile.fileName || name == "vocab.txt" || name == RunJournal.fileName || isShard(name)
            || isTemporary(name) || name.hasPrefix(".manifest")
    }

    /// A temporary file of ours: a shard's `.tmp`, or the `.tmp-<pid>` of an atomic write.
    static func isTemporary(_ name: String) -> Bool {
        name.hasSuffix(".tmp") || name.contains(".tmp-")
    }

    /// A shard file name.
    static func isShard(_ name: String) -> Bool { name.hasSuffix(".mlmb.zst") }

    /// Creates `path`, or checks what it holds, and starts the run's journal.
    /// - Parameters:
    ///   - path: The output directory.
    ///   - policy: What to do with an earlier run there.
    ///   - header: The new run's journal header (its settings and inputs).
    ///   - notice: Receives one-line notes (a damaged shard to redo, an unresumable directory started over).
    /// - Returns: Whether the run is already finished, or the journal to continue.
    /// - Throws: ``ShardError`` when the directory holds a run the policy does not allow to touch or cannot be made,
    ///   ``ResumeError`` when an interrupted run cannot be resumed with these settings.
    static func open(
        _ path: String, policy: Policy, header: RunJournal.Header, notice: (String) -> Void
    ) throws -> Start {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            do {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw ShardError(
                    .io, "cannot create the output directory: \(error.localizedDescription)", path: path)
            }
            return .run(try RunJournal(directory: path, header: header, entries: []))
        }
        guard isDirectory.boolValue else {
            throw ShardError(.io, "the output exists and is not a directory; choose another -o", path: path)
        }
        let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
        let ours = names.filter(isOurs)
        let finished = names.contains(ManifestFile.fileName)
        switch policy {
        case .refuse:
            guard ours.isEmpty else {
                throw ShardError(
                    .io,
                    finished
                        ? "the output directory already holds a finished run; pass --overwrite to replace "
                            + "it or choose another -o"
                        : "the output directory already holds an unfinished run; use --resume to continue "
                            + "or --overwrite to start over",
                    path: path)
            }
        case .overwrite:
            remove(ours, in: path)
        case .resume:
            if finished {
                // A kill between the manifest and the journal's removal leaves the journal: finish that too.
                remove(ours.filter { $0 == RunJournal.fileName || isTemporary($0) }, in: path)
                return .finished(try ManifestFile.read(directory: path))
            }
            if names.contains(RunJournal.fileName) {
                return .run(try resume(path, names: ours, header: header, notice: notice))
            }
            if !ours.isEmpty {
                notice(
                    "\(path) holds files of an unfinished run but no progress journal (\(RunJournal.fileName)), "
                        + "so nothing in it can be trusted: starting over")
                remove(ours, in: path)
            }
        }
        return .run(try RunJournal(directory: path, header: header, entries: []))
    }

    /// Continues an interrupted run: checks the settings, verifies the journaled shards (size and sha256), keeps
    /// the intact prefix and deletes every other file of the run (later shards, `.tmp` files, `vocab.txt`).
    ///
    /// A journaled shard that is missing or damaged is not fatal: it and every shard after it are written again,
    /// from the state journaled before it (the output is deterministic), and `notice` says so.
    private static func resume(
        _ path: String, names: [String], header: RunJournal.Header, notice: (String) -> Void
    ) throws -> RunJournal {
        let contents = try RunJournal.read(directory: path)
        try contents.header.check(resumingWith: header, directory: path)
        var kept: [RunJournal.Entry] = []
        for (index, entry) in contents.entries.enumerated() {
            let expected = ShardSetWriter.fileName(forShard: index)
            guard entry.shard.file == expected else {
                throw ResumeError(
                    .damagedJournal,
                    "the progress journal lists \(entry.shard.file) where \(expected) belongs; pass --overwrite "
                        + "to start over", directory: path)
            }
            let file = RunJournal.join(path, entry.shard.file)
            var problem: String?
            do {
                let (size, digest) = try SHA256.hashFile(file)
                if size != entry.shard.compressedBytes {
                    problem = "it has \(size) bytes, the journal says \(entry.shard.compressedBytes)"
                } else if digest.hexDigest != entry.shard.sha256 {
                    problem = "its sha256 is not the journal's"
                }
            } catch {
                problem = error.message
            }
            if let problem {
                let later = contents.entries.count - index - 1
                notice(
                    "\(file) is damaged (\(problem)); it"
                        + (later > 0 ? " and the \(later) shard(s) after it" : "") + " will be written again")
                break
            }
            kept.append(entry)
        }
        let keep = Set(kept.map(\.shard.file) + [RunJournal.fileName])
        remove(names.filter { !keep.contains($0) }, in: path)
        return try RunJournal(directory: path, header: contents.header, entries: kept)
    }

    /// Removes files of an earlier run (errors are ignored: a file that stays is found again next time).
    private static func remove(_ names: [String], in path: String) {
        for name in names { try? FileManager.default.removeItem(atPath: RunJournal.join(path, name)) }
    }

    /// Writes the store's copy of the vocabulary, so later commands need only the store.
    static func writeVocabulary(_ vocabulary: Vocabulary, to directory: String) throws {
        try AtomicFile.write(Array(vocabulary.vocabText.utf8), to: RunJournal.join(directory, "vocab.txt"))
    }
}
