#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one error type of `MLMShards`: what went wrong with a record, a shard, a manifest or an output stream.
///
/// Every error carries a ``Code`` to switch on, a ``message`` that says what happened and what to do about it,
/// and, where they are known, the file and the record index. Its ``description`` is one line suitable for
/// stderr:
///
/// ```
/// out/shard-00003.mlmb.zst: record 17: zstd frame is damaged (checksum mismatch); the file is corrupt: ...
/// ```
public struct ShardError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// A system call on a file failed (open, read, write, fsync, rename).
        case io
        /// The reader of a pipe went away (`EPIPE`). A command writing to stdout should end quietly with exit 0.
        case brokenPipe
        /// A safetensors record is malformed (header, JSON, dtype, offsets or length).
        case invalidRecord
        /// A tensor's dtype, shape or byte count does not fit what was asked.
        case invalidTensor
        /// The seek table at the end of a shard is missing or inconsistent with the file.
        case invalidSeekTable
        /// A zstd frame is damaged (bad header, checksum mismatch, wrong size).
        case corruptFrame
        /// The data ended in the middle of a frame, table or record.
        case truncated
        /// A record or frame exceeds a limit (4 GiB per seek-table entry, or a reader's configured maximum).
        case tooLarge
        /// The directory has no `manifest.json`.
        case missingManifest
        /// `manifest.json` (or another JSON document) is not valid JSON.
        case invalidJSON
        /// An argument is out of range (for example a record index past the end).
        case invalidArgument
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String
    /// The file (or stream name such as `<stdin>`) the error is about, if any.
    public var path: String?
    /// The index of the record (frame) within its shard or stream, if the error concerns one.
    public var recordIndex: Int?
    /// A byte offset within the file, stream or record, if known.
    public var byteOffset: Int?
    /// The error that caused this one, for example a ``MLMZstd/ZstdError``.
    public var underlying: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong and what to do about it.
    ///   - path: The file or stream concerned.
    ///   - recordIndex: The record concerned.
    ///   - byteOffset: A byte offset within the file, stream or record.
    ///   - underlying: The error that caused this one.
    public init(
        _ code: Code,
        _ message: String,
        path: String? = nil,
        recordIndex: Int? = nil,
        byteOffset: Int? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.recordIndex = recordIndex
        self.byteOffset = byteOffset
        self.underlying = underlying
    }

    /// One line: `path: record N: byte B: message`, leaving out the parts that are unknown.
    public var description: String {
        var parts: [String] = []
        if let path { parts.append(path) }
        if let recordIndex { parts.append("record \(recordIndex)") }
        if let byteOffset { parts.append("byte \(byteOffset)") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// Returns a copy with the path, record index or offset filled in where they were unknown.
    /// - Parameters:
    ///   - path: The file or stream to name.
    ///   - recordIndex: The record to name.
    ///   - byteOffset: The byte offset to name.
    /// - Returns: The completed error.
    func locating(path: String? = nil, recordIndex: Int? = nil, byteOffset: Int? = nil) -> ShardError {
        var copy = self
        if copy.path == nil { copy.path = path }
        if copy.recordIndex == nil { copy.recordIndex = recordIndex }
        if copy.byteOffset == nil { copy.byteOffset = byteOffset }
        return copy
    }
}
