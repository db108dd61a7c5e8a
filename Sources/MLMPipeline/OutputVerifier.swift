import Foundation
import MLMCore
import MLMShards

/// Checks a directory written by mlmprep against its manifest: every shard's size and sha256, its seek table,
/// every frame (zstd checksum and content size), every safetensors header (offsets tile the buffer, dtypes
/// and shapes as the manifest says) and the record and sequence counts.
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
    /// - Throws: ``ShardError`` naming the first damaged shard and record.
    public static func verify(_ directory: String) throws -> Report {
        let manifest = try ManifestFile.read(directory: directory)
        let format = manifest["format"]?.stringValue ?? ""
        guard format == "mlmprep.tokens" || format == "mlmprep.batches" else {
            throw ShardError(.invalidArgument, "manifest.json names an unknown format \"\(format)\"", path: directory)
        }
        let expectedFields = expectedTensors(manifest, format: format)
        var report = Report()
        var listed: Set<String> = ["manifest.json", "vocab.txt"]
        for shard in manifest["shards"]?.arrayValue ?? [] {
            let summary = try ShardSummary(jsonValue: shard)
            listed.insert(summary.file)
            let path = (directory as NSString).appendingPathComponent(summary.file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ShardError(.io, "the shard listed in manifest.json is missing; re-run the command", path: path)
            }
            let bytes = [UInt8](data)
            guard bytes.count == summary.compressedBytes else {
                throw ShardError(
                    .truncated,
                    "the shard has \(bytes.count) bytes but manifest.json says \(summary.compressedBytes); it is damaged",
                    path: path)
            }
            let digest = SHA256.hash(bytes).hexDigest
            let reader = try ShardReader(path: path)
            guard reader.recordCount == summary.records else {
                throw ShardError(
                    .invalidSeekTable,
                    "the seek table lists \(reader.recordCount) records but manifest.json says \(summary.records)",
                    path: path)
            }
            var sequences = 0
            var raw = 0
            for index in 0..<reader.recordCount {
                let record = try reader.record(at: index)
                raw += record.count
                let tensors: [Tensor]
                do {
                    tensors = try SafetensorsRecord.decode(record).tensors
                } catch {
                    var located = error
                    located.path = path
                    located.recordIndex = index
                    throw located
                }
                sequences += try checkTensors(tensors, expected: expectedFields, format: format, path: path, index: index)
                report.records += 1
            }
            guard digest == summary.sha256 else {
                throw ShardError(
                    .corruptFrame, "the shard's sha256 differs from manifest.json: it was altered after it was written",
                    path: path)
            }
            guard raw == summary.rawBytes, sequences == summary.sequences else {
                throw ShardError(
                    .invalidRecord,
                    "the records hold \(sequences) sequences and \(raw) raw bytes, manifest.json says "
                        + "\(summary.sequences) and \(summary.rawBytes)",
                    path: path)
            }
            report.shards += 1
            report.sequences += sequences
            report.bytes += bytes.count
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        report.strayFiles = names.filter { !listed.contains($0) }.sorted()
        return report
    }

    private static func expectedTensors(_ manifest: JSONValue, format: String) -> [(String, String)] {
        (manifest["fields"]?.objectValue ?? []).compactMap { name, field in
            field["dtype"]?.stringValue.map { (name, $0) }
        }
    }

    /// Checks names and dtypes; returns the record's sequences (batch rows, or documents for a store).
    private static func checkTensors(
        _ tensors: [Tensor], expected: [(String, String)], format: String, path: String, index: Int
    ) throws -> Int {
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
        if format == "mlmprep.tokens" {
            let count = byName["ids"]?.elementCount ?? 0
            guard let offsets = try byName["doc_offsets"]?.values(as: Int64.self), offsets.first == 0,
                offsets.last == Int64(count), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 < $1 }),
                byName["flags"]?.elementCount == count
            else {
                throw ShardError(
                    .invalidRecord, "doc_offsets/flags do not tile the ids", path: path, recordIndex: index)
            }
            return offsets.count - 1
        }
        guard let input = byName["input_ids"], input.shape.count == 2 else {
            throw ShardError(.invalidRecord, "input_ids is not a [B, L] batch", path: path, recordIndex: index)
        }
        for tensor in tensors where tensor.shape.first != input.shape[0] {
            throw ShardError(
                .invalidRecord, "tensor \(tensor.name) has shape \(tensor.shape), not a batch of \(input.shape[0])",
                path: path, recordIndex: index)
        }
        return input.shape[0]
    }
}
