import MLMSystem
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams frames to standard output (or any file descriptor) for pipe mode: the same bytes as the shard files
/// minus the seek tables, each frame written with `write(2)` as soon as it arrives.
///
/// When the reader closes the pipe, ``append(frame:rawSize:sequences:)`` throws a ``ShardError`` with code
/// `brokenPipe`; the command should then stop and exit 0 without a message.
///
/// Creating the sink sets `SIGPIPE` to be ignored for the process, so that a closed pipe surfaces as `EPIPE`
/// instead of killing the process.
///
/// ```swift
/// let sink = StdoutFrameSink()
/// do { try sink.append(frame: frame, rawSize: raw, sequences: rows) }
/// catch let error where error.code == .brokenPipe { return }   // exit 0 quietly
/// ```
public final class StdoutFrameSink: FrameSink {
    /// The descriptor written to.
    public let fileDescriptor: Int32
    /// The name used in errors (`standard output`).
    public let name: String
    /// The frames written so far.
    public private(set) var records = 0
    /// The sequences written so far.
    public private(set) var sequences = 0
    /// The decompressed bytes written so far.
    public private(set) var rawBytes = 0
    /// The compressed bytes written so far.
    public private(set) var compressedBytes = 0

    /// Creates a sink.
    /// - Parameters:
    ///   - fileDescriptor: Where to write (default 1, standard output). The sink does not close it.
    ///   - name: The name used in error messages.
    public init(fileDescriptor: Int32 = 1, name: String = "standard output") {
        self.fileDescriptor = fileDescriptor
        self.name = name
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Writes one frame completely.
    /// - Parameters:
    ///   - frame: One zstd frame.
    ///   - rawSize: The record's decompressed size (counted only).
    ///   - sequences: The number of sequences (counted only).
    /// - Throws: ``ShardError``: `brokenPipe` when the reader has gone away, `io` for other failures.
    public func append(frame: [UInt8], rawSize: Int, sequences: Int) throws(ShardError) {
        do {
            try POSIX.writeAll(FileDescriptor(rawValue: fileDescriptor), frame, path: name)
        } catch {
            throw error.locating(recordIndex: records)
        }
        records += 1
        self.sequences += sequences
        rawBytes += rawSize
        compressedBytes += frame.count
    }

    /// Ends the stream. Nothing is buffered, so this only returns; the descriptor stays open.
    /// - Returns: An empty list: a stream has no shard files.
    public func finish() throws(ShardError) -> [ShardSummary] {
        []
    }
}
