import MLMSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MLMCore
import MLMShards

extension StoreMerge {
    /// Checks every shard of a part against its manifest: present, the listed size and sha256.
    static func verifyShards(_ part: Part) throws {
        for shard in part.shards {
            let path = Path.join(part.directory, shard.file)
            guard FileManager.default.fileExists(atPath: path) else {
                throw MergeError("the shard listed in its manifest is missing; tokenize this part again", path: path)
            }
            let (size, digest) = try SHA256.hashFile(path)
            if size != shard.compressedBytes || digest.hexDigest != shard.sha256 {
                throw MergeError(
                    "the shard's size or sha256 differs from its manifest: it is damaged; tokenize this part again "
                        + "(with --resume it writes only the damaged shards)", path: path)
            }
        }
    }

    /// Creates and locks the output directory, or empties one that holds a run of ours (with `overwrite`: only the
    /// files a record of that run names); refuses a part, or a directory holding anything else.
    /// - Returns: The lock, held until the merge is written.
    static func prepareOutput(_ output: String, overwrite: Bool, parts: [Part]) throws -> DirectoryLock {
        do {
            try PathAliasing.check(
                inputs: parts.map { NamedPath("the part", $0.directory) }, outputs: [NamedPath("-o", output)])
        } catch let error as AliasingError {
            throw MergeError(error.message, path: output)
        }
        let lock = try OutputDirectory.lock(output)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: output)) ?? [])
            .filter { $0 != OutputDirectory.lockFileName }
        let survey = OutputDirectory.survey(output, names: names)
        guard survey.foreign.isEmpty else { throw OutputDirectory.foreignFilesError(survey, in: output) }
        if survey.holdsRun && !overwrite {
            throw MergeError(
                "already holds a store or a run; pass --overwrite to replace it (only the files that run wrote are "
                    + "removed) or choose another -o", path: output)
        }
        // The manifest goes first, so that an interrupted replacement never looks finished.
        let ours = survey.ours
        for name in ours.filter({ $0 == ManifestFile.fileName }) + ours.filter({ $0 != ManifestFile.fileName }) {
            try AtomicFile.remove(Path.join(output, name))
        }
        return lock
    }

    /// Hard-links `source` to `target`, or copies it when the file systems differ or links are refused.
    /// - Returns: Whether it was linked.
    static func place(_ source: String, at target: String) throws -> Bool {
        if link(source, target) == 0 { return true }
        let reason = errno
        guard reason == EXDEV || reason == EPERM || reason == EMLINK || reason == ENOTSUP else {
            throw ShardError(.io, "cannot link \(source) here (\(String(cString: strerror(reason))))", path: target)
        }
        do {
            try FileManager.default.copyItem(atPath: source, toPath: target)
        } catch {
            throw ShardError(.io, "cannot copy \(source) here (\(error.localizedDescription))", path: target)
        }
        return false
    }

    /// The merged manifest: the first part's, without its `worker` entry, with the counts added up, the parts'
    /// skip examples (the first 100) and the renumbered shards, and the number of workers merged.
    static func manifest(
        _ first: JSONValue, counts: RunCounts, examples: [JSONValue], shards: [ShardSummary], workers: Int
    ) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for (key, value) in first.objectValue ?? [] {
            switch key {
            case "worker": continue
            case "counts": members.append((key, counts.json))
            case "skipped_examples": members.append((key, .array(Array(examples.prefix(100)))))
            case "shards": members.append((key, .array(shards.map(\.jsonValue))))
            default: members.append((key, value))
            }
        }
        members.append(("merged_workers", .int(workers)))
        return .object(members)
    }
}
