#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that only grows, each append flushed to the device before it returns: a journal.
///
/// After a crash the file holds every completed append, and at most one incomplete one at its end (a reader
/// recognises it, for example by a missing final newline, and ignores it).
///
/// ```swift
/// let journal = try AppendOnlyFile(path: "out/mlmprep-progress.jsonl")
/// try journal.append(Array("{\"shard\": …}\n".utf8))   // written and fsynced
/// ```
/// Not thread-safe; one writer per file.
public final class AppendOnlyFile {
    /// The file's path.
    public let path: String
    private let fd: FileDescriptor
    private var failed = false

    /// Opens `path` for appending, creating it when it does not exist.
    /// - Throws: ``SystemError`` naming the file.
    public init(path: String) throws(SystemError) {
        self.path = path
        self.fd = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_APPEND)
    }

    deinit { try? fd.close(path: path) }

    /// Appends `bytes` at the end of the file and flushes them to the device.
    /// - Throws: ``SystemError`` naming the file (for example when the disk is full).
    public func append(_ bytes: [UInt8]) throws(SystemError) {
        precondition(!failed, "AppendOnlyFile.append called after a failed append")
        do {
            try fd.writeAll(bytes, path: path)
            try fd.sync(path: path)
        } catch {
            failed = true
            throw error
        }
    }
}
