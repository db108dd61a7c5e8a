import Foundation
import MLMShards

/// Writes a Megatron-LM indexed dataset (`<prefix>.bin` and `<prefix>.idx`) as megatron-core's
/// `IndexedDatasetBuilder` does: the tokens of every sequence back to back in `.bin`; in `.idx` the header
/// `MMIDIDX\0\0`, version 1 (u64), the dtype code (u8), the sequence count and the document-index count (u64 each),
/// then `int32 sequence_lengths[S]`, `int64 sequence_pointers[S]` (byte offsets into `.bin`) and
/// `int64 document_indices[D + 1]` (from 0; one entry appended per finished document).
///
/// Memory stays flat: lengths and document indices go to temporary files beside the output and are joined into
/// `.idx` at the end; both files appear under their final names only when ``finish()`` succeeds.
///
/// ```swift
/// let writer = try MegatronDatasetWriter(prefix: "out/corpus_text_sentence", tokenType: .uint16)
/// try writer.add(sequence: ids[0..<5]); try writer.endDocument()
/// try writer.finish()
/// ```
public final class MegatronDatasetWriter {
    /// The `.bin` path.
    public let binPath: String
    /// The `.idx` path.
    public let idxPath: String
    /// The token dtype.
    public let tokenType: MegatronTokenType
    /// Sequences added so far.
    public private(set) var sequenceCount = 0
    /// Documents ended so far.
    public private(set) var documentCount = 0

    private let bin: BufferedFileWriter
    private let lengths: BufferedFileWriter
    private let documents: BufferedFileWriter
    private var scratch: [UInt8] = []

    /// Creates the temporary files for `<prefix>.bin` / `<prefix>.idx`.
    /// - Parameters:
    ///   - prefix: The path without `.bin`/`.idx`.
    ///   - tokenType: The token dtype.
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    public init(prefix: String, tokenType: MegatronTokenType) throws(ShardError) {
        binPath = prefix + ".bin"
        idxPath = prefix + ".idx"
        self.tokenType = tokenType
        let suffix = ".tmp-\(getpid())"
        bin = try BufferedFileWriter(path: binPath + suffix)
        lengths = try BufferedFileWriter(path: idxPath + suffix + "-lengths")
        documents = try BufferedFileWriter(path: idxPath + suffix + "-documents")
        try documents.appendLittleEndian(Int64(0))
    }

    /// Adds one sequence (`add_item`); an empty one is skipped, as `preprocess_data.py` skips empty sentences.
    /// - Parameter sequence: Token ids, each below the dtype's range.
    /// - Throws: ``MLMShards/ShardError`` (`invalidArgument` for an id the dtype cannot hold, `io`).
    public func add(sequence: some Collection<UInt32>) throws(ShardError) {
        guard !sequence.isEmpty else { return }
        guard sequence.count <= Int(Int32.max) else {
            throw ShardError(.tooLarge, "a sequence of \(sequence.count) tokens does not fit Megatron's int32 lengths")
        }
        let limit: UInt32 = tokenType == .uint16 ? UInt32(UInt16.max) : UInt32(Int32.max)
        scratch.removeAll(keepingCapacity: true)
        for id in sequence {
            guard id <= limit else {
                throw ShardError(.invalidArgument, "token id \(id) does not fit the dataset's \(tokenType) tokens")
            }
            if tokenType == .uint16 {
                scratch.append(UInt8(truncatingIfNeeded: id))
                scratch.append(UInt8(truncatingIfNeeded: id >> 8))
            } else {
                withUnsafeBytes(of: id.littleEndian) { scratch.append(contentsOf: $0) }
            }
        }
        try bin.append(scratch)
        try lengths.appendLittleEndian(Int32(sequence.count))
        sequenceCount += 1
    }

    /// Ends a document (`end_document`): records the number of sequences so far.
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    public func endDocument() throws(ShardError) {
        try documents.appendLittleEndian(Int64(sequenceCount))
        documentCount += 1
    }

    /// Writes `.idx`, then gives both files their final names.
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    public func finish() throws(ShardError) {
        try bin.close()
        try lengths.close()
        try documents.close()
        let idx = try BufferedFileWriter(path: idxPath + ".tmp-\(getpid())")
        try idx.append(Array("MMIDIDX\0\0".utf8))
        try idx.appendLittleEndian(UInt64(1))
        try idx.appendLittleEndian(tokenType.rawValue)
        try idx.appendLittleEndian(UInt64(sequenceCount))
        try idx.appendLittleEndian(UInt64(documentCount + 1))
        try copy(lengths.path, into: idx, pointers: nil)
        try copy(lengths.path, into: idx, pointers: tokenType.itemSize)
        try copy(documents.path, into: idx, pointers: nil)
        try idx.close()
        try rename(bin.path, to: binPath)
        try rename(idx.path, to: idxPath)
        for path in [lengths.path, documents.path] { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Removes the temporary files of an unfinished dataset.
    public func abandon() {
        for path in [bin.path, lengths.path, documents.path, idxPath + ".tmp-\(getpid())"] {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
