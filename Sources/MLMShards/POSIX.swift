#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLMSystem

/// The system calls of the shard code, through ``MLMSystem`` (which retries `EINTR` and names the path), with
/// failures as ``ShardError``s.
enum POSIX {
    /// Runs a system-layer call, turning its ``MLMSystem/SystemError`` into a ``ShardError``.
    @inline(__always)
    static func mapping<T>(_ body: () throws(SystemError) -> T) throws(ShardError) -> T {
        do { return try body() } catch { throw ShardError(error) }
    }

    static func open(_ path: String, flags: Int32) throws(ShardError) -> FileDescriptor {
        try mapping { () throws(SystemError) in try FileDescriptor.open(path, flags) }
    }

    static func writeAll(_ fd: FileDescriptor, _ bytes: [UInt8], path: String) throws(ShardError) {
        try mapping { () throws(SystemError) in try fd.writeAll(bytes, path: path) }
    }

    static func writeAll(_ fd: FileDescriptor, _ bytes: UnsafeRawBufferPointer, path: String) throws(ShardError) {
        try mapping { () throws(SystemError) in try fd.writeAll(bytes, path: path) }
    }

    static func read(
        _ fd: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, path: String
    ) throws(ShardError) -> Int {
        try mapping { () throws(SystemError) in try fd.read(into: buffer, path: path) }
    }

    /// Reads exactly `count` bytes at `offset`.
    /// - Throws: ``ShardError`` (`io`, or `truncated` when the file ends first).
    static func pread(_ fd: FileDescriptor, count: Int, offset: Int, path: String) throws(ShardError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = try result.withUnsafeMutableBytesThrowing { (buffer) throws(ShardError) in
                try mapping { () throws(SystemError) in
                    try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), atOffset: offset + done, path: path)
                }
            }
            if got == 0 {
                throw ShardError(
                    .truncated, "the file ended after \(offset + done) bytes while reading \(count) bytes at offset \(offset)",
                    path: path, byteOffset: offset + done)
            }
            done += got
        }
        return result
    }

    static func fileSize(_ fd: FileDescriptor, path: String) throws(ShardError) -> Int {
        try mapping { () throws(SystemError) in try fd.size(path: path) }
    }

    static func fsync(_ fd: FileDescriptor, path: String) throws(ShardError) {
        try mapping { () throws(SystemError) in try fd.sync(path: path) }
    }

    static func close(_ fd: FileDescriptor, path: String) throws(ShardError) {
        try mapping { () throws(SystemError) in try fd.close(path: path) }
    }

    /// Publishes a temporary file (see ``MLMSystem/AtomicFile/commit(_:temporary:replacing:)``).
    static func commit(_ fd: FileDescriptor, temporary: String, replacing path: String) throws(ShardError) {
        try mapping { () throws(SystemError) in try AtomicFile.commit(fd, temporary: temporary, replacing: path) }
    }

    static func makeDirectories(_ path: String) throws(ShardError) {
        try mapping { () throws(SystemError) in try FileSystem.makeDirectories(path) }
    }
}

extension ShardError {
    /// A failed system call as a shard error: `brokenPipe` for `EPIPE`, else `io`, with the system layer's
    /// wording (operation, reason, advice).
    /// - Parameter error: The system-layer error.
    public init(_ error: SystemError) {
        if error.isBrokenPipe {
            self.init(.brokenPipe, "\(error.operation): the reader closed the pipe (\(error.reason))", path: error.path)
        } else {
            self.init(.io, error.message, path: error.path, underlying: error)
        }
    }

    /// An I/O error from an `errno` value (see ``init(_:)``).
    static func system(_ operation: String, path: String, errorNumber: Int32) -> ShardError {
        ShardError(SystemError(operation, path: path, errorNumber: errorNumber))
    }
}

extension ShardError {
    /// Runs a system-layer call (``MLMSystem/AtomicFile``, ``MLMSystem/FileDescriptor``, …) in code that throws
    /// shard errors.
    /// - Throws: The call's ``MLMSystem/SystemError`` as a ``ShardError``.
    public static func mapping<T>(_ body: () throws(SystemError) -> T) throws(ShardError) -> T {
        try POSIX.mapping(body)
    }
}
