import MLMCore

/// The names of one round's n-grams at every word position of one thread's records, kept on disk between
/// rounds of a one-process run so that round n + 1 needs one table probe per position instead of n.
///
/// A stream is a sequence of blocks, one per record: a native-endian `UInt32` count, then that many
/// `UInt32` names (``NgramLevel/none`` after every segment). Temporary: written and read by the same process.
final class NameStreamWriter {
    private let output: FileOutput

    init(path: String) throws(PMIError) { output = try FileOutput(path: path) }

    func append(_ names: [UInt32]) throws(PMIError) {
        try output.write(withUnsafeBytes(of: UInt32(names.count)) { Array($0) })
        try names.withUnsafeBytesThrowing { (raw) throws(PMIError) in try output.write(raw) }
    }

    func close() throws(PMIError) { try output.close() }
}

/// Reads a stream written by ``NameStreamWriter``.
final class NameStreamReader {
    private let input: FileInput

    init(path: String) throws(PMIError) { input = try FileInput(path: path) }

    /// Reads the next block into `names`; false at the end of the stream.
    func nextBlock(_ names: inout [UInt32]) throws(PMIError) -> Bool {
        var header = [UInt8](repeating: 0, count: 4)
        let read = try header.withUnsafeMutableBytesThrowing { (raw) throws(PMIError) in try input.readFully(into: raw) }
        if read == 0 { return false }
        let count = header.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        guard read == 4 else {
            throw PMIError(.invalidFile, "a temporary name stream was cut short; run again", path: input.path)
        }
        names = [UInt32](repeating: 0, count: Int(count))
        let bytes = try names.withUnsafeMutableBytesThrowing { (raw) throws(PMIError) in try input.readFully(into: raw) }
        guard bytes == Int(count) * 4 else {
            throw PMIError(.invalidFile, "a temporary name stream was cut short; run again", path: input.path)
        }
        return true
    }
}
