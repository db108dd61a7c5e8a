import MLMCore
import MLMMasking
import MLMPacking
import MLMShards
import MLMZstd

/// One packed batch after masking: one compressed record per copy (one, unless prediction exceeds corruption).
struct MaskedBatch: Sendable {
    /// A compressed record.
    struct Frame: Sendable {
        var bytes: [UInt8]
        var rawSize: Int
        var sequences: Int
    }

    var frames: [Frame] = []
    /// Real tokens in the batch (once per copy).
    var tokens = 0
    /// Masking statistics of the batch.
    var statistics = MaskingStatistics()
}

/// A worker's state for masking batches: its own masker, scratch buffers and compressor.
struct BatchMasker {
    private let masker: Masker
    private let compressor: ZstdCompressor
    private let copies: Int
    private let idsU16: Bool

    init(
        settings: MaskingSettings, vocabulary: MaskingVocabulary, matcher: (any UnitMatcher)? = nil, copies: Int,
        idsU16: Bool, compressionLevel: Int32
    ) throws {
        masker = try Masker(settings: settings, vocabulary: vocabulary, unitMatcher: matcher)
        compressor = try ZstdCompressor(level: compressionLevel)
        self.copies = copies
        self.idsU16 = idsU16
    }

    /// Masks every sequence of a batch and encodes one record per copy, with `metadata` in its header.
    func process(_ batch: SequenceBatch, metadata: [String: String]? = nil) throws -> MaskedBatch {
        var result = MaskedBatch()
        let length = batch.sequenceLength
        let rows = batch.count
        for copy in 0..<copies {
            var inputIDs = [Int32](repeating: Int32(batch.padID), count: rows * length)
            var labels = [Int32](repeating: -100, count: rows * length)
            var attention = [UInt8](repeating: 0, count: rows * length)
            batch.tokens.withUnsafeBufferPointer { tokens in
                batch.flags.withUnsafeBufferPointer { flags in
                    inputIDs.withUnsafeMutableBufferPointer { input in
                        labels.withUnsafeMutableBufferPointer { label in
                            for row in 0..<rows {
                                let start = row * length
                                let count = Int(batch.lengths[row])
                                let statistics = masker.mask(
                                    tokens: UnsafeBufferPointer(rebasing: tokens[start..<start + count]),
                                    flags: UnsafeBufferPointer(rebasing: flags[start..<start + count]),
                                    sequenceIndex: UInt64(batch.sequenceIndex(ofRow: row)),
                                    copy: copy,
                                    inputIDs: UnsafeMutableBufferPointer(rebasing: input[start..<start + count]),
                                    labels: UnsafeMutableBufferPointer(rebasing: label[start..<start + count]))
                                result.statistics.add(statistics)
                                result.tokens += count
                            }
                        }
                    }
                }
            }
            for row in 0..<rows {
                let start = row * length
                for position in start..<start + Int(batch.lengths[row]) { attention[position] = 1 }
            }
            var tensors: [Tensor] = []
            let shape = [rows, length]
            if idsU16 {
                tensors.append(
                    try Tensor(name: "input_ids", shape: shape, values: inputIDs.map { UInt16(truncatingIfNeeded: $0) }))
            } else {
                tensors.append(try Tensor(name: "input_ids", shape: shape, values: inputIDs))
            }
            tensors.append(try Tensor(name: "labels", shape: shape, values: labels))
            tensors.append(try Tensor(name: "attention_mask", shape: shape, values: attention))
            if batch.hasSegments {
                tensors.append(
                    try Tensor(name: "token_type_ids", shape: shape, values: Array(batch.tokenTypes.prefix(rows * length))))
            }
            if let task = batch.pairTask {
                tensors.append(try Tensor(name: task.labelName, shape: [rows], values: Array(batch.pairLabels.prefix(rows))))
            }
            let record = SafetensorsRecord.encode(tensors, metadata: metadata)
            result.frames.append(
                MaskedBatch.Frame(bytes: try compressor.compressFrame(record), rawSize: record.count, sequences: rows))
        }
        return result
    }
}
