import MLMSystem
import Foundation
import MLMCore
import MLMShards

/// A part that does not belong with the others, or is damaged: names the part (and the file) and the fix.
public struct MergeError: Error, Sendable, CustomStringConvertible {
    /// The part directory or file concerned.
    public var path: String
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(_ message: String, path: String) {
        self.message = message
        self.path = path
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

/// Joins the stores that the N workers of a `tokenize --worker I/N` run wrote into one store (`mlmprep merge`).
///
/// The parts must belong together: the same format, tokenizer (vocabulary digest included), settings and fields,
/// inputs of the same sizes, the same N, and every worker 0…N−1 exactly once; every shard's size and sha256 must
/// be the ones its manifest lists. The merged store holds the parts' shards in worker order (hard links when the
/// file system allows, copies otherwise), renumbered, and one manifest with the counts added up; its documents
/// are those of one `tokenize` of all inputs, in the same order, so `mask` gives the same batches.
public enum StoreMerge {
    /// What a merge wrote.
    public struct Result: Sendable {
        /// The merged counts.
        public var counts: RunCounts
        /// The merged store's shards.
        public var shards: [ShardSummary]
        /// The number of workers joined.
        public var workers: Int
        /// Shards hard-linked (the others were copied).
        public var linked: Int
    }

    /// One worker's store.
    struct Part {
        var directory: String
        var manifest: JSONValue
        var index: Int
        var count: Int
        var shards: [ShardSummary]
    }

    /// Merges `parts` into `output`.
    /// - Parameters:
    ///   - parts: The workers' store directories, in any order.
    ///   - output: The store directory to write.
    ///   - overwrite: Replace a store already in `output`.
    /// - Returns: What was written.
    /// - Throws: ``MergeError`` naming the part that does not fit or is damaged; ``MLMShards/ShardError`` for I/O.
    public static func merge(parts paths: [String], output: String, overwrite: Bool) throws -> Result {
        guard !paths.isEmpty else { throw MergeError("give the store directories of every worker", path: output) }
        let parts = try ordered(try paths.map(readPart), output: output)
        for part in parts { try verifyShards(part) }
        let lock = try prepareOutput(output, overwrite: overwrite, parts: parts)
        defer { lock.release(removingFile: true) }
        var shards: [ShardSummary] = []
        var counts = RunCounts()
        var examples: [JSONValue] = []
        var linked = 0
        for part in parts {
            for shard in part.shards {
                var renamed = shard
                renamed.file = ShardSetWriter.fileName(forShard: shards.count)
                if try place(Path.join(part.directory, shard.file), at: Path.join(output, renamed.file)) {
                    linked += 1
                }
                shards.append(renamed)
            }
            counts.merge(RunCounts(json: part.manifest["counts"] ?? .null) ?? RunCounts())
            examples += part.manifest["skipped_examples"]?.arrayValue ?? []
        }
        let vocabulary = try AtomicFile.read(Path.join(parts[0].directory, "vocab.txt"))
        try AtomicFile.write(vocabulary, to: Path.join(output, "vocab.txt"))
        try ManifestFile.write(
            manifest(parts[0].manifest, counts: counts, examples: examples, shards: shards, workers: parts.count),
            to: output)
        return Result(counts: counts, shards: shards, workers: parts.count, linked: linked)
    }

    /// Opens one part: a finished tokenized store (checked by ``TokenStore``) written with `--worker`.
    static func readPart(_ directory: String) throws -> Part {
        let store = try TokenStore(directory: directory)
        let manifest = store.manifest
        var index = 0
        var count = 1
        if let worker = manifest["worker"] {
            guard let i = worker["index"]?.intValue, let n = worker["count"]?.intValue, n >= 1, (0..<n).contains(i)
            else {
                throw MergeError("the manifest's worker entry is damaged; tokenize this part again", path: directory)
            }
            (index, count) = (i, n)
        }
        var shards: [ShardSummary] = []
        for entry in manifest["shards"]?.arrayValue ?? [] { shards.append(try ShardSummary(jsonValue: entry)) }
        return Part(directory: directory, manifest: manifest, index: index, count: count, shards: shards)
    }

    /// The parts in worker order, once each checked to belong with the first.
    static func ordered(_ parts: [Part], output: String) throws -> [Part] {
        let first = parts[0]
        for part in parts.dropFirst() {
            for key in ["format_version", "tokenizer", "settings", "fields"] where part.manifest[key] != first.manifest[key] {
                let what = key == "tokenizer" ? "tokenizer or vocabulary" : key == "settings" ? "settings or inputs" : key
                throw MergeError(
                    "its \(what) differ from those of \(first.directory) (the manifests' \"\(key)\"): it is a part "
                        + "of another run; give the parts of one tokenize run", path: part.directory)
            }
            if part.count != first.count {
                throw MergeError(
                    "it is worker \(part.index)/\(part.count) but \(first.directory) is worker "
                        + "\(first.index)/\(first.count): give the parts of one run", path: part.directory)
            }
            if part.manifest["worker"]?["input_sizes"] != first.manifest["worker"]?["input_sizes"] {
                throw MergeError(
                    "its input files had other sizes than those of \(first.directory): the inputs changed between the "
                        + "workers' runs; tokenize every part again", path: part.directory)
            }
        }
        var byIndex = [Part?](repeating: nil, count: first.count)
        for part in parts {
            if let other = byIndex[part.index] {
                throw MergeError(
                    "worker \(part.index)/\(part.count) is given twice (also \(other.directory))", path: part.directory)
            }
            byIndex[part.index] = part
        }
        if let missing = byIndex.firstIndex(where: { $0 == nil }) {
            let absent = byIndex.indices.filter { byIndex[$0] == nil }.map { "\($0)/\(first.count)" }
            throw MergeError(
                "worker \(missing)/\(first.count) is missing (missing: \(absent.joined(separator: ", "))); run the "
                    + "missing tasks (tokenize --worker I/N) and give every part", path: output)
        }
        return byIndex.map { $0! }
    }
}
