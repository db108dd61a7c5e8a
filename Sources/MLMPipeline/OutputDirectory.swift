import MLMSystem
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

    /// Creates `path` if it does not exist and locks it for this run.
    /// - Throws: ``ShardError`` when it is not a directory or cannot be made; a lock held by another run as a
    ///   ``ShardError`` naming that run's process id.
    static func lock(_ path: String) throws -> DirectoryLock {
        switch FileSystem.kind(of: path) {
        case .file: throw ShardError(.io, "the output exists and is not a directory; choose another -o", path: path)
        case .missing:
            do { try FileSystem.makeDirectories(path) } catch {
                throw ShardError(.io, "cannot create the output directory: \(error.message)", path: path)
            }
        case .directory: break
        }
        do {
            return try DirectoryLock(directory: path, fileName: lockFileName)
        } catch let held as DirectoryLock.Held {
            throw ShardError(.io, held.description)
        }
    }

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
        let names = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != lockFileName }
        let survey = survey(path, names: names)
        guard survey.foreign.isEmpty else { throw foreignFilesError(survey, in: path) }
        switch policy {
        case .refuse:
            guard !survey.holdsRun else {
                throw ShardError(
                    .io,
                    survey.finished
                        ? "the output directory already holds a finished run of mlmprep; pass --overwrite to replace "
                            + "it (only the files that run wrote are removed) or choose another -o"
                        : "the output directory already holds an unfinished run of mlmprep; use --resume to continue "
                            + "it or --overwrite to start over (only the files that run wrote are removed)",
                    path: path)
            }
            remove(survey.ours, in: path)
        case .overwrite:
            remove(survey.ours, in: path)
        case .resume:
            if survey.finished {
                // The finished run's settings and inputs must be this command's (the manifest records them).
                let manifest = try ManifestFile.read(directory: path)
                try RunJournal.Header.check(finished: manifest, resumingWith: header, directory: path)
                // A kill between the manifest and the journal's removal leaves the journal: finish that too.
                remove(survey.ours.filter { $0 == RunJournal.fileName || isTemporaryOfOurs($0) }, in: path)
                return .finished(manifest)
            }
            if survey.journaled {
                return .run(try resume(path, names: survey.ours, header: header, notice: notice))
            }
            remove(survey.ours, in: path)
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
            let file = Path.join(path, entry.shard.file)
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
        for name in names { try? FileManager.default.removeItem(atPath: Path.join(path, name)) }
    }

    /// Writes the store's copy of the vocabulary, so later commands need only the store.
    static func writeVocabulary(_ vocabulary: Vocabulary, to directory: String) throws {
        try AtomicFile.write(Array(vocabulary.vocabText.utf8), to: Path.join(directory, "vocab.txt"))
    }
}
