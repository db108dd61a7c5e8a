import MLMCore
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file descriptor: the one type through which mlmprep reads and writes files and pipes.
///
/// Every call retries `EINTR` (through ``valueOrErrno(retryOnInterrupt:_:)``), waits on a pipe left in
/// non-blocking mode instead of failing, and throws a ``SystemError`` naming `path` (the name used in messages;
/// the descriptor does not know its file's name). The corresponding C functions are `open`, `read`, `write`,
/// `pread`, `fsync`, `fstat` and `close`.
///
/// ```swift
/// let fd = try FileDescriptor.open("out/x.tmp", O_WRONLY | O_CREAT | O_TRUNC)
/// try fd.writeAll(bytes, path: "out/x.tmp")
/// try fd.close(path: "out/x.tmp")
/// ```
@frozen
public struct FileDescriptor: Sendable, Hashable, RawRepresentable {
    /// The C descriptor.
    public let rawValue: Int32

    /// Wraps a C descriptor.
    @inlinable
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Standard input.
    public static let standardInput = FileDescriptor(rawValue: 0)
    /// Standard output.
    public static let standardOutput = FileDescriptor(rawValue: 1)
    /// Standard error.
    public static let standardError = FileDescriptor(rawValue: 2)

    /// Opens a file; `O_CLOEXEC` is added to `flags`.
    /// - Parameters:
    ///   - path: The file.
    ///   - flags: `open(2)` flags.
    ///   - mode: Permissions for a created file.
    ///   - operation: The operation named in an error (default: "cannot open for reading" or "cannot create").
    /// - Throws: ``SystemError``.
    public static func open(
        _ path: String, _ flags: Int32, mode: mode_t = 0o644, operation: String? = nil
    ) throws(SystemError) -> FileDescriptor {
        switch valueOrErrno({ systemOpen(path, flags | O_CLOEXEC, mode) }) {
        case .success(let fd): return FileDescriptor(rawValue: fd)
        case .failure(let code):
            let reading = flags & (O_WRONLY | O_RDWR) == 0
            throw code.error(operation ?? (reading ? "cannot open for reading" : "cannot create"), path: path)
        }
    }

    /// Reads up to `buffer.count` bytes at the current position.
    /// - Returns: The number of bytes read; 0 at the end.
    /// - Throws: ``SystemError``.
    public func read(into buffer: UnsafeMutableRawBufferPointer, path: String) throws(SystemError) -> Int {
        while true {
            switch valueOrErrno({ systemRead(rawValue, buffer.baseAddress, buffer.count) }) {
            case .success(let count): return count
            case .failure(let code) where code.wouldBlock: waitUntilReady(events: Int16(POLLIN))
            case .failure(let code): throw code.error("cannot read", path: path)
            }
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`, without moving the position.
    /// - Returns: The number of bytes read; 0 at the end.
    /// - Throws: ``SystemError``.
    public func read(
        into buffer: UnsafeMutableRawBufferPointer, atOffset offset: Int, path: String
    ) throws(SystemError) -> Int {
        switch valueOrErrno({ systemPread(rawValue, buffer.baseAddress, buffer.count, off_t(offset)) }) {
        case .success(let count): return count
        case .failure(let code): throw code.error("cannot read", path: path)
        }
    }

    /// Writes all of `bytes`, continuing after partial writes.
    /// - Throws: ``SystemError`` (``SystemError/isBrokenPipe`` when the reader of a pipe went away).
    public func writeAll(_ bytes: UnsafeRawBufferPointer, path: String) throws(SystemError) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            switch valueOrErrno({ systemWrite(rawValue, base, remaining) }) {
            case .success(let written):
                base += written
                remaining -= written
            case .failure(let code) where code.wouldBlock: waitUntilReady(events: Int16(POLLOUT))
            case .failure(let code): throw code.error("cannot write", path: path)
            }
        }
    }

    /// Writes all of an array.
    /// - Throws: ``SystemError``.
    public func writeAll(_ bytes: [UInt8], path: String) throws(SystemError) {
        try bytes.withUnsafeBytesThrowing { (raw) throws(SystemError) in try writeAll(raw, path: path) }
    }

    /// Flushes the file's data and metadata to the device. Pipes, terminals and file systems that cannot sync
    /// are not an error.
    /// - Throws: ``SystemError``.
    public func sync(path: String) throws(SystemError) {
        switch valueOrErrno({ fsync(rawValue) }) {
        case .success: return
        case .failure(let code) where code.rawValue == EINVAL || code.rawValue == EROFS || code.rawValue == ENOTSUP:
            return
        case .failure(let code): throw code.error("cannot fsync", path: path)
        }
    }

    /// The size of the open file.
    /// - Throws: ``SystemError``.
    public func size(path: String) throws(SystemError) -> Int {
        var info = stat()
        switch valueOrErrno({ fstat(rawValue, &info) }) {
        case .success: return Int(info.st_size)
        case .failure(let code): throw code.error("cannot stat", path: path)
        }
    }

    /// Moves the file position to `offset` from the start.
    /// - Throws: ``SystemError``.
    public func seek(to offset: Int, path: String) throws(SystemError) {
        switch valueOrErrno({ lseek(rawValue, off_t(offset), SEEK_SET) }) {
        case .success: return
        case .failure(let code): throw code.error("cannot seek", path: path)
        }
    }

    /// Whether the descriptor is a terminal.
    public var isTerminal: Bool { isatty(rawValue) != 0 }

    /// Closes the descriptor. `EINTR` is not retried: the descriptor is released either way on Linux.
    /// - Throws: ``SystemError`` when the close reports a deferred write error.
    public func close(path: String) throws(SystemError) {
        switch valueOrErrno(retryOnInterrupt: false, { systemClose(rawValue) }) {
        case .success: return
        case .failure(let code) where code.rawValue == EINTR: return
        case .failure(let code): throw code.error("cannot close", path: path)
        }
    }

    /// Blocks until a non-blocking descriptor is ready.
    private func waitUntilReady(events: Int16) {
        var request = pollfd(fd: rawValue, events: events, revents: 0)
        _ = poll(&request, 1, -1)
    }
}

// The C functions, under names that do not clash with the methods above.
#if canImport(Glibc)
    private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
    private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        Glibc.read(fd, buffer, count)
    }
    private func systemPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: off_t) -> Int {
        Glibc.pread(fd, buffer, count, offset)
    }
    private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Glibc.write(fd, buffer, count) }
    private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
#else
    private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Darwin.open(path, flags, mode) }
    private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        Darwin.read(fd, buffer, count)
    }
    private func systemPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: off_t) -> Int {
        Darwin.pread(fd, buffer, count, offset)
    }
    private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Darwin.write(fd, buffer, count) }
    private func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
#endif
