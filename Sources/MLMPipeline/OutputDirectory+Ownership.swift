import MLMCore
import MLMShards
import MLMSystem

extension OutputDirectory {
    /// What a directory holds, sorted into the files a run of ours wrote there — by record, not by the look of a
    /// name — and the rest, which no run ever deletes.
    ///
    /// A file is ours when a record of ours names it: the manifest of a finished run (`manifest.json` whose format is
    /// ours) lists its shards; the progress journal of an unfinished run lists its journaled shards, and the one
    /// shard after them may be on disk unjournaled (a kill between the rename and the journal line). Every run also
    /// writes `vocab.txt`, the lock file, and the `.tmp-<pid>` names of its atomic writes; a shard's `.tmp` belongs
    /// to the shard the journal allows next. A `vocab.txt` or a `*.mlmb.zst` with no record naming the run is the
    /// user's.
    struct Survey {
        /// Names a run of ours wrote.
        var ours: [String] = []
        /// Every other name.
        var foreign: [String] = []
        /// The directory holds a finished run of ours (its manifest).
        var finished = false
        /// The directory holds an unfinished run of ours (its journal).
        var journaled = false

        /// The directory holds a run of ours, finished or not.
        var holdsRun: Bool { finished || journaled }
    }

    /// The name of the lock file every run holds in its output directory.
    static let lockFileName = ".mlmprep.lock"

    /// Sorts the names in `path` into ours and foreign.
    static func survey(_ path: String, names: [String]) -> Survey {
        var owned = Set<String>()
        var survey = Survey()
        if names.contains(ManifestFile.fileName), let manifest = try? ManifestFile.read(directory: path),
            let format = manifest["format"]?.stringValue, format.hasPrefix("mlmprep.")
        {
            survey.finished = true
            owned.insert(ManifestFile.fileName)
            for shard in manifest["shards"]?.arrayValue ?? [] {
                if let file = shard["file"]?.stringValue { owned.insert(file) }
            }
        }
        if names.contains(RunJournal.fileName), let contents = try? RunJournal.read(directory: path) {
            survey.journaled = true
            owned.insert(RunJournal.fileName)
            for entry in contents.entries { owned.insert(entry.shard.file) }
            // A kill can land after the next shard was renamed into place (not yet journaled) and the one after it
            // was started as a `.tmp`.
            let next = ShardSetWriter.fileName(forShard: contents.entries.count)
            owned.insert(next)
            owned.insert(next + ".tmp")
            owned.insert(ShardSetWriter.fileName(forShard: contents.entries.count + 1) + ".tmp")
        }
        if survey.holdsRun { owned.insert("vocab.txt") }
        owned.insert(lockFileName)
        for name in names {
            if owned.contains(name) || isTemporaryOfOurs(name) {
                survey.ours.append(name)
            } else {
                survey.foreign.append(name)
            }
        }
        survey.ours.sort()
        survey.foreign.sort()
        return survey
    }

    /// The temporary name of one of our atomic writes: `manifest.json`, `vocab.txt` or the journal, then
    /// `.tmp-` and a process id.
    static func isTemporaryOfOurs(_ name: String) -> Bool {
        for base in [ManifestFile.fileName, "vocab.txt", RunJournal.fileName] {
            let prefix = base + ".tmp-"
            if name.hasPrefix(prefix), let pid = Int(name.dropFirst(prefix.count)), pid > 0 { return true }
        }
        return false
    }

    /// The refusal for a directory holding files that no run of ours wrote: it names a few, and its advice is safe.
    static func foreignFilesError(_ survey: Survey, in path: String) -> ShardError {
        let shown = survey.foreign.prefix(5).joined(separator: ", ")
        let more = survey.foreign.count > 5 ? " and \(survey.foreign.count - 5) more" : ""
        return ShardError(
            .io,
            "the output directory holds files that mlmprep did not write (\(shown)\(more)); mlmprep writes only into "
                + "a new or empty directory, or one holding an earlier run of its own: choose another -o (nothing "
                + "was changed)",
            path: path)
    }
}
