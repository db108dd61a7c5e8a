import MLMCore
import MLMSystem
import MLMZstd

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes one shard file: compressed frames, then the seek table, published atomically.
///
/// Frames go to `<directory>/<name>.tmp`; ``finish()`` appends the seek table, fsyncs, renames the file to
/// `<directory>/<name>` and fsyncs the directory. A run killed before that leaves only a `.tmp` file, never a
/// shard that looks complete.
///
/// ```swift
/// let writer = try ShardWriter(directory: "out", name: "shard-00000.mlmb.zst")
/// try writer.append(frame: frame, rawSize: record.count, sequences: 32)
/// let summary = try writer.finish()
/// ```
/// Not thread-safe; one writer per file.
public final class ShardWriter {
    /// The directory the shard is written to.
    public let directory: String
    /// The shard's file name.
    public let name: String
    /// The final path, `<directory>/<name>`.
    public let path: String
    /// The temporary path written until ``finish()``.
    public let temporaryPath: String

    /// The records appended so far.
    public private(set) var records = 0
    /// The sequences appended so far.
    public private(set) var sequences = 0
    /// The decompressed bytes appended so far.
    public private(set) var rawBytes = 0
    /// The bytes written so far (frames only, until the seek table is added).
    public private(set) var compressedBytes = 0

    private var fd: FileDescriptor
    private var seekTable = SeekTable()
    private var hasher = SHA256()
    private var state = State.open

    private enum State { case open, failed, finished }

    /// Creates (or truncates) `<directory>/<name>.tmp`.
    /// - Parameters:
    ///   - directory: An existing directory.
    ///   - name: The shard's file name.
    /// - Throws: ``ShardError`` (`io`) when the file cannot be created.
    public init(directory: String, name: String) throws(ShardError) {
        self.directory = directory
        self.name = name
        self.path = Path.join(directory, name)
        self.temporaryPath = path + ".tmp"
        self.fd = try POSIX.open(temporaryPath, flags: O_WRONLY | O_CREAT | O_TRUNC)
    }

    deinit {
        if state == .open || state == .failed { _ = try? POSIX.close(fd, path: temporaryPath) }
    }

    /// Appends one frame.
    /// - Parameters:
    ///   - frame: Exactly one complete zstd frame whose header states `rawSize` as its content size.
    ///   - rawSize: The record's decompressed size.
    ///   - sequences: The number of sequences in the record.
    /// - Throws: ``ShardError``: `invalidArgument` when `frame` is not one complete zstd frame of `rawSize`
    ///   bytes, `tooLarge` past the seek table's 32-bit limits, `io` when writing fails.
    public func append(frame: [UInt8], rawSize: Int, sequences: Int) throws(ShardError) {
        try frame.withUnsafeBytesThrowing { raw throws(ShardError) in
            try append(frame: raw, rawSize: rawSize, sequences: sequences)
        }
    }

    /// Appends one frame from a buffer.
    /// - Parameters:
    ///   - frame: Exactly one complete zstd frame whose header states `rawSize` as its content size.
    ///   - rawSize: The record's decompressed size.
    ///   - sequences: The number of sequences in the record.
    /// - Throws: ``ShardError`` as ``append(frame:rawSize:sequences:)-([UInt8],_,_)`` does.
    public func append(frame: UnsafeRawBufferPointer, rawSize: Int, sequences: Int) throws(ShardError) {
        precondition(state == .open, "ShardWriter.append called after finish() or after a failed write")
        try Self.checkFrame(frame, rawSize: rawSize, path: temporaryPath, recordIndex: records)
        var table = seekTable
        do {
            try table.append(compressedSize: frame.count, decompressedSize: rawSize)
        } catch {
            throw error.locating(path: temporaryPath, recordIndex: records)
        }
        do {
            try POSIX.writeAll(fd, frame, path: temporaryPath)
        } catch {
            state = .failed
            throw error.locating(recordIndex: records)
        }
        seekTable = table
        hasher.update(frame)
        records += 1
        self.sequences += sequences
        rawBytes += rawSize
        compressedBytes += frame.count
    }

    /// Appends the seek table, flushes the file to disk and renames it to its final name.
    /// - Returns: The shard's summary.
    /// - Throws: ``ShardError`` (`io`).
    public func finish() throws(ShardError) -> ShardSummary {
        precondition(state == .open, "ShardWriter.finish called twice or after a failed write")
        state = .failed
        let table = seekTable.encoded()
        try POSIX.writeAll(fd, table, path: temporaryPath)
        hasher.update(table)
        state = .finished
        try POSIX.commit(fd, temporary: temporaryPath, replacing: path)
        compressedBytes += table.count
        return ShardSummary(
            file: name,
            records: records,
            sequences: sequences,
            compressedBytes: compressedBytes,
            rawBytes: rawBytes,
            sha256: hasher.finalize().hexDigest
        )
    }

    /// Gives up on the shard: closes and deletes the temporary file. The writer cannot be used afterwards.
    public func abandon() {
        if state != .finished {
            _ = try? POSIX.close(fd, path: temporaryPath)
            FileSystem.removeIfPresent(temporaryPath)
            state = .finished
        }
    }

    /// Checks that `frame` is exactly one zstd data frame announcing `rawSize` bytes.
    /// - Parameters:
    ///   - frame: The frame.
    ///   - rawSize: The expected content size.
    ///   - path: The file named in errors.
    ///   - recordIndex: The record named in errors.
    /// - Throws: ``ShardError`` (`invalidArgument`).
    static func checkFrame(
        _ frame: UnsafeRawBufferPointer,
        rawSize: Int,
        path: String,
        recordIndex: Int
    ) throws(ShardError) {
        guard frame.count >= 4, Array(frame.prefix(4)) == ZstdMagic.frameBytes else {
            throw ShardError(
                .invalidArgument,
                "the frame to append does not start with the zstd magic number; pass frames from ZstdCompressor",
                path: path,
                recordIndex: recordIndex
            )
        }
        do {
            let size = try ZstdFrameDecoder.frameSize(of: frame)
            let content = try ZstdFrameDecoder.contentSize(of: frame)
            guard size == frame.count, content == rawSize else {
                throw ShardError(
                    .invalidArgument,
                    "the frame to append is \(frame.count) bytes holding \(content) bytes, but its first frame "
                        + "ends at \(size) and the caller said \(rawSize) bytes: append exactly one frame per record",
                    path: path,
                    recordIndex: recordIndex
                )
            }
        } catch let error as ZstdError {
            throw ShardError(
                .invalidArgument,
                "the frame to append is not a complete zstd frame (\(error.message))",
                path: path,
                recordIndex: recordIndex,
                underlying: error
            )
        } catch let error as ShardError {
            throw error
        } catch {
            throw ShardError(.invalidArgument, "\(error)", path: path, recordIndex: recordIndex, underlying: error)
        }
    }
}
