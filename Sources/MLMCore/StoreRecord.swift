/// One record of a tokenized store (docs/design.md §3.3): whole documents, back to back.
///
/// The tokenizer writes records of this shape and every reader of a store (masking, PMI counting, inspect,
/// export) gets them back; `StoreRecord+Safetensors.swift` in MLMShards is the one place that encodes and
/// decodes the tensors.
public struct StoreRecord: Sendable, Equatable {
    /// Token ids of every document, back to back.
    public var ids: [UInt32]
    /// One ``TokenFlags`` byte per token (the store's bits: word start, sentence start).
    public var flags: [UInt8]
    /// Document boundaries into `ids` (documents + 1 entries, from 0, never decreasing).
    public var documentOffsets: [Int]

    /// Creates a record.
    /// - Parameters:
    ///   - ids: Token ids.
    ///   - flags: One flag byte per id.
    ///   - documentOffsets: Document boundaries, from 0 to `ids.count`.
    public init(ids: [UInt32], flags: [UInt8], documentOffsets: [Int]) {
        self.ids = ids
        self.flags = flags
        self.documentOffsets = documentOffsets
    }

    /// The number of documents.
    public var documentCount: Int { max(documentOffsets.count - 1, 0) }

    /// The token range of document `index`.
    public func documentRange(_ index: Int) -> Range<Int> { documentOffsets[index]..<documentOffsets[index + 1] }

    /// Whether the three tensors fit together: one flag per id, offsets from 0 to the id count, never decreasing.
    public var isWellFormed: Bool {
        ids.count == flags.count && documentOffsets.first == 0 && documentOffsets.last == ids.count
            && zip(documentOffsets, documentOffsets.dropFirst()).allSatisfy { $0 <= $1 }
    }
}
