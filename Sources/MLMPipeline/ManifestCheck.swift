import MLMSystem
import Foundation
import MLMCore
import MLMShards

/// What a finished directory's `manifest.json` promises, checked against the directory before a record is read.
///
/// Every reader of a store or batch directory (`verify`, `mask`, `pmi`, `inspect`) opens it through this check, so
/// an edited manifest or vocabulary is refused instead of silently dropping, repeating or mis-numbering data:
/// - the format name and `format_version` are ones this mlmprep writes;
/// - `shards` lists `shard-00000.mlmb.zst`, `shard-00001.mlmb.zst`, … each exactly once and in order (no shard
///   missing, listed twice, out of order or foreign), every listed file exists with its recorded size, its seek
///   table holds the recorded records and raw bytes, and no shard file in the directory is left unlisted;
/// - the shards' records and sequences add up to the manifest's counts;
/// - `vocab.txt` has the sha256 and the number of tokens the manifest records.
///
/// What needs the records themselves (documents and tokens per shard, ids below the vocabulary size) is
/// ``RecordTally``'s part, as the records are read. The shards' sha256s are `verify`'s (they need every byte).
package struct ManifestCheck: Sendable {
    /// The two kinds of directory mlmprep writes.
    package enum Kind: String, Sendable {
        /// A tokenized store (`mlmprep tokenize`).
        case tokens = "mlmprep.tokens"
        /// Masked batches (`mlmprep mask`).
        case batches = "mlmprep.batches"

        /// The advice to write the directory again: `re-run mlmprep tokenize` or `re-run mlmprep mask`.
        package var rerun: String { self == .tokens ? "re-run mlmprep tokenize" : "re-run mlmprep mask" }
    }

    /// The `format_version` this mlmprep writes and reads.
    package static let formatVersion = 1

    /// The directory.
    package let directory: String
    /// The parsed manifest.
    package let manifest: JSONValue
    /// Which kind of directory it is.
    package let kind: Kind
    /// The listed shards, in order.
    package let shards: [ShardSummary]
    /// Tokens in the vocabulary; every id is below it.
    package let vocabularySize: Int
    /// Documents (store) or sequences (batches) in all, as the manifest's counts say.
    package let sequences: Int
    /// Tokens (store) or real tokens (batches) in all, as the manifest's counts say.
    package let tokens: Int

    /// The manifest's path, for messages.
    package var manifestPath: String { Path.join(directory, ManifestFile.fileName) }

    /// Reads the manifest of `directory` and checks it.
    /// - Parameters:
    ///   - directory: A finished store or batch directory.
    ///   - expected: The kind the caller needs; nil accepts both.
    /// - Throws: ``MLMShards/ShardError`` naming the file, the field, what was expected and what was found.
    package init(directory: String, expecting expected: Kind? = nil) throws {
        try self.init(directory: directory, manifest: try ManifestFile.read(directory: directory), expecting: expected)
    }

    /// Checks an already parsed manifest of `directory`.
    package init(directory: String, manifest: JSONValue, expecting expected: Kind? = nil) throws {
        self.directory = directory
        self.manifest = manifest
        let path = Path.join(directory, ManifestFile.fileName)
        kind = try Self.kind(of: manifest, path: path, expected: expected)
        let entries = try Self.shardList(manifest, path: path, kind: kind)
        shards = entries
        let field = ManifestField(manifest: manifest, path: path, rerun: kind.rerun)
        let counts = kind == .tokens
            ? (records: "counts.records", sequences: "counts.documents_written", tokens: "counts.tokens")
            : (records: "counts.batches", sequences: "counts.sequences", tokens: "counts.tokens")
        sequences = try field.int(counts.sequences)
        tokens = try field.int(counts.tokens)
        vocabularySize = try field.int(kind == .tokens ? "tokenizer.vocab_size" : "store.vocab_size")
        try checkShardFiles()
        try field.expect(counts.records, equals: entries.reduce(0) { $0 + $1.records }, "the shards' records")
        try field.expect(counts.sequences, equals: entries.reduce(0) { $0 + $1.sequences }, "the shards' sequences")
        try checkVocabulary(field)
    }

    /// The format name and version.
    private static func kind(of manifest: JSONValue, path: String, expected: Kind?) throws(ShardError) -> Kind {
        let name = manifest["format"]?.stringValue ?? "none"
        guard let kind = Kind(rawValue: name) else {
            throw ShardError(
                .invalidArgument,
                "format is \"\(name)\", expected \"mlmprep.tokens\" or \"mlmprep.batches\": this is not a directory "
                    + "written by mlmprep tokenize or mlmprep mask", path: path)
        }
        if let expected, kind != expected {
            let hint = expected == .tokens
                ? "give the directory written by mlmprep tokenize" : "give the directory written by mlmprep mask"
            throw ShardError(
                .invalidArgument, "format is \"\(name)\", expected \"\(expected.rawValue)\": \(hint)", path: path)
        }
        let version = manifest["format_version"]
        guard version?.intValue == formatVersion, case .int = version else {
            let tool = manifest["tool"]?.stringValue ?? "an unknown tool"
            throw ShardError(
                .invalidArgument,
                "format_version is \(version?.compactPrinted() ?? "missing"), expected \(formatVersion) "
                    + "(mlmprep \(MLMPipelineVersion.string) reads version \(formatVersion)); it was written by "
                    + "\(tool): read it with that version, or \(kind.rerun) with this one", path: path)
        }
        return kind
    }

    /// The shard entries, checked to name `shard-00000…` each exactly once and in order.
    private static func shardList(_ manifest: JSONValue, path: String, kind: Kind) throws(ShardError)
        -> [ShardSummary]
    {
        guard let list = manifest["shards"]?.arrayValue else {
            throw ShardError(.invalidJSON, "shards is missing or not a list; \(kind.rerun)", path: path)
        }
        var result: [ShardSummary] = []
        for (index, item) in list.enumerated() {
            let summary: ShardSummary
            do {
                summary = try ShardSummary(jsonValue: item)
            } catch {
                throw ShardError(.invalidJSON, "shards[\(index)]: \(error.message)", path: path)
            }
            let expected = ShardSetWriter.fileName(forShard: index)
            guard summary.file == expected else {
                throw ShardError(
                    .invalidArgument,
                    "shards[\(index)] is \(summary.file), expected \(expected): "
                        + Self.misplacement(summary.file, earlier: result.map(\.file))
                        + "; the manifest was edited: restore it or \(kind.rerun)", path: path)
            }
            result.append(summary)
        }
        return result
    }

    /// Why a shard name is not the one its position needs.
    private static func misplacement(_ name: String, earlier: [String]) -> String {
        if earlier.contains(name) { return "\(name) is listed twice" }
        if let index = shardIndex(ofFileName: name) {
            return index > earlier.count
                ? "a shard is missing from the list (or the list is out of order)" : "the list is out of order"
        }
        return "\(name) is not a shard name mlmprep writes (a foreign file?)"
    }

    /// The number in a name `shard-NNNNN.mlmb.zst`, or nil for any other name.
    private static func shardIndex(ofFileName name: String) -> Int? {
        guard name.hasPrefix("shard-"), name.hasSuffix(".mlmb.zst") else { return nil }
        let index = Int(name.dropFirst(6).dropLast(9))
        return index.flatMap { ShardSetWriter.fileName(forShard: $0) == name ? $0 : nil }
    }

    /// `vocab.txt`: the recorded sha256 and size.
    private func checkVocabulary(_ field: ManifestField) throws {
        let vocabPath = Path.join(directory, "vocab.txt")
        let digestField = kind == .tokens ? "tokenizer.vocab_sha256" : "store.vocab_sha256"
        let recorded = try field.string(digestField)
        guard let data = FileManager.default.contents(atPath: vocabPath) else {
            throw ShardError(
                .io, "the directory's vocab.txt is missing or unreadable; restore it or \(kind.rerun)",
                path: vocabPath)
        }
        let bytes = [UInt8](data)
        let digest = SHA256.hash(bytes).hexDigest
        guard digest == recorded else {
            throw ShardError(
                .invalidArgument,
                "its sha256 is \(digest), but manifest.json's \(digestField) is \(recorded): the vocabulary or "
                    + "the manifest was changed after the run; restore them or \(kind.rerun)", path: vocabPath)
        }
        let lines = bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let sizeField = kind == .tokens ? "tokenizer.vocab_size" : "store.vocab_size"
        guard lines == vocabularySize else {
            throw ShardError(
                .invalidArgument,
                "\(sizeField) is \(vocabularySize), but vocab.txt has \(lines) tokens; the manifest was edited: "
                    + "restore it or \(kind.rerun)", path: manifestPath)
        }
    }

    /// Every listed shard exists with its size, records and raw bytes; no shard file is unlisted.
    private func checkShardFiles() throws {
        let listed = Set(shards.map(\.file))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        if let stray = names.sorted().first(where: { $0.hasSuffix(".mlmb.zst") && !listed.contains($0) }) {
            throw ShardError(
                .invalidArgument,
                "\(stray) is in the directory but shards does not list it (\(shards.count) shards listed): the "
                    + "manifest was edited or the file does not belong here; remove it or \(kind.rerun)",
                path: manifestPath)
        }
        for (index, shard) in shards.enumerated() { try check(shard, index: index) }
    }

    /// One listed shard against its file and seek table.
    private func check(_ shard: ShardSummary, index: Int) throws {
        let path = Path.join(directory, shard.file)
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue
        guard let size else {
            throw ShardError(
                .io, "shards[\(index)] lists \(shard.file), which is missing; restore it or \(kind.rerun)",
                path: manifestPath)
        }
        let field = "shards[\(index)] (\(shard.file))"
        guard size == shard.compressedBytes else {
            throw ShardError(
                .invalidArgument,
                "\(field) compressed_bytes is \(shard.compressedBytes), the file has \(size) bytes; it was altered "
                    + "or the manifest was edited: \(kind.rerun)", path: manifestPath)
        }
        let table = try ShardReader(path: path).seekTable
        let raw = table.entries.reduce(0) { $0 + Int($1.decompressedSize) }
        guard table.entries.count == shard.records, raw == shard.rawBytes else {
            let (what, expected, found) =
                table.entries.count != shard.records
                ? ("records", shard.records, table.entries.count) : ("raw_bytes", shard.rawBytes, raw)
            throw ShardError(
                .invalidArgument,
                "\(field) \(what) is \(expected), but the shard's seek table says \(found); the manifest was "
                    + "edited or the shard replaced: \(kind.rerun)", path: manifestPath)
        }
    }
}
