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

/// The records one worker of `count` takes: every record whose number is `index` modulo `count`.
///
/// Records hold whole documents, so a slice never splits one. `--worker I/N` on the command line.
public struct WorkerSlice: Sendable, Equatable, CustomStringConvertible {
    /// This worker, from 0.
    public var index: Int
    /// Workers in all.
    public var count: Int

    /// The whole corpus.
    public static let all = WorkerSlice(index: 0, count: 1)

    /// Creates a slice.
    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    /// - Throws: ``PMIError`` (`invalidSetting`) unless `0 ≤ I < N`.
    public init(parsing text: String) throws(PMIError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, index >= 0,
            index < count
        else {
            throw PMIError(.invalidSetting, "--worker must be I/N with 0 ≤ I < N (for example 0/4), got \(text)")
        }
        self.init(index: index, count: count)
    }

    /// The record numbers of the slice, out of `recordCount`.
    public func ordinals(recordCount: Int) -> StrideTo<Int> { stride(from: index, to: recordCount, by: count) }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}
