import MLMSystem
import Foundation
import MLMCore
import MLMShards

/// Checks a directory written by mlmprep against its manifest: the manifest itself (format and version, the shard
/// list, counts and vocabulary, see ``ManifestCheck``), every shard's size and sha256, its seek table, every frame
/// (zstd checksum and content size), every safetensors header (offsets tile the buffer, dtypes and shapes as the
/// manifest says), every id against the vocabulary size and the document, sequence and token counts per shard and
/// in all (``RecordTally``).
public enum OutputVerifier {
    /// What a verification found.
    public struct Report: Sendable {
        /// Shards checked.
        public var shards = 0
        /// Records checked.
        public var records = 0
        /// Sequences (batches) or documents (stores) counted in the records.
        public var sequences = 0
        /// Bytes read.
        public var bytes = 0
        /// Files in the directory that the manifest does not list (left by a killed run, for example).
        public var strayFiles: [String] = []
    }

    /// Verifies a directory; the first damage found is thrown.
    /// - Parameter directory: A tokenized store or a directory of masked batches.
    /// - Returns: What was checked.
    /// - Throws: ``ShardError`` naming the first damaged shard and record, or the manifest field that disagrees.
    public static func verify(_ directory: String) throws -> Report {
        let check = try ManifestCheck(directory: directory)
        let expected = expectedTensors(check.manifest)
        var tally = RecordTally(check)
        var report = Report()
        for (index, summary) in check.shards.enumerated() {
            let path = Path.join(directory, summary.file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ShardError(
                    .io, "the shard listed in manifest.json cannot be read; \(check.kind.rerun)", path: path)
            }
            let digest = SHA256.hash([UInt8](data)).hexDigest
            let reader = try ShardReader(path: path)
            for record in 0..<reader.recordCount {
                let tensors: [Tensor]
                do {
                    tensors = try SafetensorsRecord.decode(try reader.record(at: record)).tensors
                } catch {
                    var located = error
                    located.path = path
                    located.recordIndex = record
                    throw located
                }
                let counted = try count(tensors, expected: expected, kind: check.kind, path: path, index: record)
                try tally.add(
                    extremeID: counted.extremeID, sequences: counted.sequences, tokens: counted.tokens, shard: index,
                    record: record)
                report.records += 1
                report.sequences += counted.sequences
            }
            guard digest == summary.sha256 else {
                throw ShardError(
                    .corruptFrame,
                    "the shard's sha256 is \(digest), manifest.json says \(summary.sha256): it was altered after it "
                        + "was written; \(check.kind.rerun)", path: path)
            }
            report.shards += 1
            report.bytes += data.count
        }
        try tally.finish()
        let listed = Set(check.shards.map(\.file) + [ManifestFile.fileName, "vocab.txt"])
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        report.strayFiles = names.filter { !listed.contains($0) }.sorted()
        return report
    }

    private static func expectedTensors(_ manifest: JSONValue) -> [(String, String)] {
        (manifest["fields"]?.objectValue ?? []).compactMap { name, field in
            field["dtype"]?.stringValue.map { (name, $0) }
        }
    }

    /// What one record holds, for ``RecordTally``.
    private struct Counted {
        var sequences: Int
        var tokens: Int
        var extremeID: Int?
    }

    /// Checks names and dtypes and the record's structure; returns its sequences (batch rows, or documents for a
    /// store), tokens (real tokens for a batch) and its id farthest out of range.
    private static func count(
        _ tensors: [Tensor], expected: [(String, String)], kind: ManifestCheck.Kind, path: String, index: Int
    ) throws -> Counted {
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, dtype) in expected {
            guard let tensor = byName[name] else {
                throw ShardError(.invalidRecord, "the record has no tensor \(name)", path: path, recordIndex: index)
            }
            guard tensor.dtype.safetensorsName == dtype else {
                throw ShardError(
                    .invalidRecord, "tensor \(name) is \(tensor.dtype.safetensorsName), manifest.json says \(dtype)",
                    path: path, recordIndex: index)
            }
        }
        if kind == .tokens { return try countStore(byName, path: path, index: index) }
        return try countBatch(tensors, byName, path: path, index: index)
    }

    private static func countStore(_ byName: [String: Tensor], path: String, index: Int) throws -> Counted {
        let count = byName["ids"]?.elementCount ?? 0
        guard let offsets = try byName["doc_offsets"]?.values(as: Int64.self), offsets.first == 0,
            offsets.last == Int64(count), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 < $1 }),
            byName["flags"]?.elementCount == count
        else {
            throw ShardError(.invalidRecord, "doc_offsets/flags do not tile the ids", path: path, recordIndex: index)
        }
        return Counted(sequences: offsets.count - 1, tokens: count, extremeID: try byName["ids"].flatMap(extremeID))
    }

    private static func countBatch(_ tensors: [Tensor], _ byName: [String: Tensor], path: String, index: Int) throws
        -> Counted
    {
        guard let input = byName["input_ids"], input.shape.count == 2 else {
            throw ShardError(.invalidRecord, "input_ids is not a [B, L] batch", path: path, recordIndex: index)
        }
        for tensor in tensors where tensor.shape.first != input.shape[0] {
            throw ShardError(
                .invalidRecord, "tensor \(tensor.name) has shape \(tensor.shape), not a batch of \(input.shape[0])",
                path: path, recordIndex: index)
        }
        let real = try byName["attention_mask"]?.values(as: UInt8.self).reduce(0) { $0 + Int($1) } ?? 0
        var extreme = try extremeID(input)
        if let labels = try byName["labels"]?.values(as: Int32.self) {
            var low = Int32.max
            var high = Int32.min
            for label in labels where label != -100 {
                low = min(low, label)
                high = max(high, label)
            }
            for id in [Int(low), Int(high)] where low <= high && (extreme.map { Self.fartherOut(id, than: $0) } ?? true) {
                extreme = id
            }
        }
        return Counted(sequences: input.shape[0], tokens: real, extremeID: extreme)
    }

    /// The id of an integer tensor farthest out of range: its minimum when negative, else its maximum.
    private static func extremeID(_ tensor: Tensor) throws -> Int? {
        func extreme<T: FixedWidthInteger>(_ values: [T]) -> Int? {
            guard let low = values.min(), let high = values.max() else { return nil }
            return low < 0 ? Int(low) : Int(high)
        }
        switch tensor.dtype {
        case .uint16: return extreme(try tensor.values(as: UInt16.self))
        case .uint32: return extreme(try tensor.values(as: UInt32.self))
        case .int32: return extreme(try tensor.values(as: Int32.self))
        default: return nil
        }
    }

    /// Whether `id` is a worse offender than `other` (negative beats everything, then the larger).
    private static func fartherOut(_ id: Int, than other: Int) -> Bool {
        if other < 0 { return id < other }
        return id < 0 || id > other
    }
}
