import MLMCore

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
    mutating func record(at ordinal: Int) throws -> StoreRecord
}
