import Foundation
import MLMShards
import MLMZstd

/// A ``MLMShards/FrameSink`` that turns mlmprep's batch records into an MDS dataset, one sample per sequence.
///
/// Each frame (one compressed safetensors batch) is decompressed and split by rows: a `[B, …]` tensor becomes the
/// fixed-size column `ndarray:<dtype>:<…>`, a `[B]` tensor the scalar column `<dtype>`. The columns are fixed by
/// the first batch; every later batch must have the same names, dtypes and row shapes. The dataset is complete
/// only when ``finish()`` has written `index.json`.
///
/// ```swift
/// let sink = try MDSBatchSink(settings: MDSOutputSettings(directory: "mds/"))
/// try sink.append(frame: frame, rawSize: raw, sequences: rows)
/// _ = try sink.finish()
/// ```
public final class MDSBatchSink: FrameSink {
    /// The settings.
    public let settings: MDSOutputSettings
    private var writer: MDSWriter?
    private let decoder: ZstdFrameDecoder
    private var frames = 0

    /// Prepares the directory: created when missing; refused when it holds files, unless `overwrite`, which
    /// removes an earlier dataset's `index.json` and shards.
    /// - Parameter settings: The output settings.
    /// - Throws: ``MLMShards/ShardError`` (`invalidArgument` for a directory in use, `io`).
    public init(settings: MDSOutputSettings) throws(ShardError) {
        self.settings = settings
        do {
            decoder = try ZstdFrameDecoder()
        } catch {
            throw ShardError(.io, "cannot set up zstd: \(error)", underlying: error)
        }
        try Self.prepare(settings.directory, overwrite: settings.overwrite)
    }

    /// Writes one batch's sequences as samples.
    /// - Parameters:
    ///   - frame: One zstd frame holding one safetensors batch record.
    ///   - rawSize: The record's size (unused: the frame says it).
    ///   - sequences: The batch's rows.
    /// - Throws: ``MLMShards/ShardError``.
    public func append(frame: [UInt8], rawSize: Int, sequences: Int) throws(ShardError) {
        defer { frames += 1 }
        let record: [UInt8]
        do {
            record = try frame.withUnsafeBytes { bytes throws(ZstdError) in try decoder.decompressFrame(bytes) }
        } catch {
            throw ShardError(.corruptFrame, "batch \(frames): \(error)", recordIndex: frames, underlying: error)
        }
        let tensors = try SafetensorsRecord.decode(record).tensors.sorted { $0.name < $1.name }
        let columns = try Self.columns(of: tensors, rows: sequences)
        if writer == nil {
            writer = try MDSWriter(
                directory: settings.directory, columns: columns, compression: settings.compression,
                hashes: settings.hashes, sizeLimit: settings.sizeLimit)
        }
        guard let writer, writer.columns == columns else {
            throw ShardError(
                .invalidTensor,
                "batch \(frames) has columns \(columns.map(\.encoding)), unlike the first batch's "
                    + "\(writer?.columns.map(\.encoding) ?? []); an MDS dataset has one column layout")
        }
        let rowBytes = tensors.map { $0.data.count / max(sequences, 1) }
        for row in 0..<sequences {
            var sample: [UInt8] = []
            sample.reserveCapacity(rowBytes.reduce(0, +))
            for (tensor, size) in zip(tensors, rowBytes) { sample += tensor.data[row * size..<(row + 1) * size] }
            try writer.write(encodedSample: sample)
        }
    }

    /// Writes the last shard and `index.json` (an empty dataset gets an index with no shards).
    /// - Returns: No mlmprep shard summaries (MDS shards are described by `index.json`).
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    public func finish() throws(ShardError) -> [ShardSummary] {
        if writer == nil {
            writer = try MDSWriter(
                directory: settings.directory, columns: [], compression: settings.compression, hashes: settings.hashes,
                sizeLimit: settings.sizeLimit)
        }
        try writer?.finish()
        return []
    }

    /// The columns of a batch: rows of `[B, …]` tensors as ndarray columns, `[B]` tensors as scalars.
    static func columns(of tensors: [Tensor], rows: Int) throws(ShardError) -> [MDSColumn] {
        var columns: [MDSColumn] = []
        for tensor in tensors {
            guard tensor.shape.first == rows else {
                throw ShardError(
                    .invalidTensor, "tensor \(tensor.name) has shape \(tensor.shape), not \(rows) rows as its batch")
            }
            columns.append(
                tensor.shape.count == 1
                    ? try .scalar(name: tensor.name, dtype: tensor.dtype)
                    : try .ndarray(name: tensor.name, dtype: tensor.dtype, shape: Array(tensor.shape.dropFirst())))
        }
        return columns
    }

    /// Creates the directory, or checks that it may be written.
    private static func prepare(_ directory: String, overwrite: Bool) throws(ShardError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let entries = try manager.contentsOfDirectory(atPath: directory)
            let ours = entries.filter { $0 == MDSWriter.indexFileName || ($0.hasPrefix("shard.") && $0.contains(".mds")) }
            if !entries.isEmpty && !overwrite {
                throw ShardError(
                    .invalidArgument,
                    "\(directory) is not empty (\(entries.count) entries); give an empty directory, or --overwrite "
                        + "to replace an earlier MDS dataset there", path: directory)
            }
            for name in ours { try manager.removeItem(atPath: (directory as NSString).appendingPathComponent(name)) }
        } catch let error as ShardError {
            throw error
        } catch {
            throw ShardError(.io, "cannot prepare the MDS directory: \(error.localizedDescription)", path: directory)
        }
    }
}
