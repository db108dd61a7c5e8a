/// One record of a tokenized store: whole documents.
public struct TokenRecord: Sendable {
    /// Token ids of every document, back to back.
    public var ids: [UInt32]
    /// One flag byte per token (bit 0 starts a word, bit 1 starts a sentence).
    public var flags: [UInt8]
    /// Document boundaries into `ids` (documents + 1 entries, from 0).
    public var documentOffsets: [Int]

    /// Creates a record.
    public init(ids: [UInt32], flags: [UInt8], documentOffsets: [Int]) {
        self.ids = ids
        self.flags = flags
        self.documentOffsets = documentOffsets
    }
}

/// Where the n-gram counter gets its records: a tokenized store, or anything else that can hand out records
/// by number.
public protocol TokenRecordSource: Sendable {
    /// The number of records.
    var recordCount: Int { get }
    /// A reader for one thread.
    func makeReader() throws -> any TokenRecordReader
}

/// Reads records by number; one per thread.
public protocol TokenRecordReader {
    /// Reads record `ordinal` (0 ..< ``TokenRecordSource/recordCount``).
    mutating func record(at ordinal: Int) throws -> TokenRecord
}
