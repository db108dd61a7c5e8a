#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin wrappers over the POSIX file calls the shard code needs, retrying on `EINTR` and turning failures into
/// ``ShardError`` values that name the path.
enum POSIX {
    /// Opens a file.
    /// - Parameters:
    ///   - path: The file.
    ///   - flags: `open(2)` flags; `O_CLOEXEC` is added.
    ///   - mode: Permissions for a created file.
    /// - Returns: The file descriptor.
    /// - Throws: ``ShardError`` (`io`).
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(ShardError) -> Int32 {
        while true {
            #if canImport(Glibc)
                let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            #else
                let fd = Darwin.open(path, flags | O_CLOEXEC, mode)
            #endif
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            let reading = flags & (O_WRONLY | O_RDWR) == 0
            throw ShardError.system(
                reading ? "cannot open for reading" : "cannot create",
                path: path,
                errorNumber: errno
            )
        }
    }

    /// Writes all of `bytes`, retrying on `EINTR` and partial writes.
    /// - Parameters:
    ///   - fd: The file descriptor.
    ///   - bytes: The bytes.
    ///   - path: The name used in errors.
    /// - Throws: ``ShardError`` (`io`, or `brokenPipe` for `EPIPE`).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(ShardError) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            #if canImport(Glibc)
                let written = Glibc.write(fd, base, remaining)
            #else
                let written = Darwin.write(fd, base, remaining)
            #endif
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    waitUntilReady(fd, events: Int16(POLLOUT))
                    continue
                }
                throw ShardError.system("cannot write", path: path, errorNumber: errno)
            }
            base += written
            remaining -= written
        }
    }

    /// Writes all of an array.
    /// - Parameters:
    ///   - fd: The file descriptor.
    ///   - bytes: The bytes.
    ///   - path: The name used in errors.
    /// - Throws: ``ShardError``.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(ShardError) {
        try bytes.withUnsafeBytesThrowing { raw throws(ShardError) in try writeAll(fd, raw, path: path) }
    }

    /// Reads up to `count` bytes at the current position, retrying on `EINTR`.
    /// - Parameters:
    ///   - fd: The file descriptor.
    ///   - buffer: Where the bytes go.
    ///   - path: The name used in errors.
    /// - Returns: The number of bytes read; 0 at end of file.
    /// - Throws: ``ShardError`` (`io`).
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(ShardError) -> Int {
        while true {
            #if canImport(Glibc)
                let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            #else
                let count = Darwin.read(fd, buffer.baseAddress, buffer.count)
            #endif
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                waitUntilReady(fd, events: Int16(POLLIN))
                continue
            }
            throw ShardError.system("cannot read", path: path, errorNumber: errno)
        }
    }

    /// Blocks until a non-blocking descriptor is ready (used when a pipe left in non-blocking mode says `EAGAIN`).
    /// - Parameters:
    ///   - fd: The file descriptor.
    ///   - events: `POLLIN` or `POLLOUT`.
    private static func waitUntilReady(_ fd: Int32, events: Int16) {
        var request = pollfd(fd: fd, events: events, revents: 0)
        _ = poll(&request, 1, -1)
    }

    /// Reads exactly `count` bytes at `offset`.
    /// - Parameters:
    ///   - fd: The file descriptor.
    ///   - count: How many bytes.
    ///   - offset: Where in the file.
    ///   - path: The name used in errors.
    /// - Returns: The bytes.
    /// - Throws: ``ShardError`` (`io`, or `truncated` when the file ends first).
    static func pread(_ fd: Int32, count: Int, offset: Int, path: String) throws(ShardError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        var failure: ShardError?
        result.withUnsafeMutableBytes { buffer in
            while done < count {
                #if canImport(Glibc)
                    let got = Glibc.pread(fd, buffer.baseAddress.map { $0 + done }, count - done, off_t(offset + done))
                #else
                    let got = Darwin.pread(fd, buffer.baseAddress.map { $0 + done }, count - done, off_t(offset + done))
                #endif
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = ShardError.system("cannot read", path: path, errorNumber: errno)
                    return
                }
                if got == 0 {
                    failure = ShardError(
                        .truncated,
                        "the file ended after \(offset + done) bytes while reading \(count) bytes at offset \(offset)",
                        path: path,
                        byteOffset: offset + done
                    )
                    return
                }
                done += got
            }
        }
        if let failure { throw failure }
        return result
    }

    /// The size of an open file.
    /// - Parameters:
    ///   - fd: The file descriptor.
    ///   - path: The name used in errors.
    /// - Returns: The size in bytes.
    /// - Throws: ``ShardError`` (`io`).
    static func fileSize(_ fd: Int32, path: String) throws(ShardError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ShardError.system("cannot stat", path: path, errorNumber: errno) }
        return Int(info.st_size)
    }

    /// Flushes a file's data and metadata to the device.
    /// - Parameters:
    ///   - fd: The file descriptor.
    ///   - path: The name used in errors.
    /// - Throws: ``ShardError`` (`io`).
    static func fsync(_ fd: Int32, path: String) throws(ShardError) {
        while true {
            #if canImport(Glibc)
                let result = Glibc.fsync(fd)
            #else
                let result = Darwin.fsync(fd)
            #endif
            if result == 0 { return }
            if errno == EINTR { continue }
            // Pipes, terminals and some file systems cannot be synced; that is not a failure of the data.
            if errno == EINVAL || errno == EROFS || errno == ENOTSUP { return }
            throw ShardError.system("cannot fsync", path: path, errorNumber: errno)
        }
    }

    /// Closes a file descriptor. `EINTR` is not retried (the descriptor is released either way on Linux).
    /// - Parameters:
    ///   - fd: The file descriptor.
    ///   - path: The name used in errors.
    /// - Throws: ``ShardError`` (`io`) when the close reports a deferred write error.
    static func close(_ fd: Int32, path: String) throws(ShardError) {
        #if canImport(Glibc)
            let result = Glibc.close(fd)
        #else
            let result = Darwin.close(fd)
        #endif
        if result != 0 && errno != EINTR {
            throw ShardError.system("cannot close", path: path, errorNumber: errno)
        }
    }

    /// Renames a file atomically within one file system.
    /// - Parameters:
    ///   - source: The current path.
    ///   - destination: The new path; replaced if it exists.
    /// - Throws: ``ShardError`` (`io`) naming the destination.
    static func rename(_ source: String, to destination: String) throws(ShardError) {
        #if canImport(Glibc)
            let result = Glibc.rename(source, destination)
        #else
            let result = Darwin.rename(source, destination)
        #endif
        if result != 0 {
            throw ShardError.system("cannot rename \(source) to it", path: destination, errorNumber: errno)
        }
    }

    /// Removes a file, ignoring a missing one.
    /// - Parameter path: The file.
    static func unlinkIfPresent(_ path: String) {
        _ = unlink(path)
    }

    /// Flushes a directory's entries (after a rename) to the device.
    /// - Parameter path: The directory.
    /// - Throws: ``ShardError`` (`io`).
    static func fsyncDirectory(_ path: String) throws(ShardError) {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { _ = try? close(fd, path: path) }
        try fsync(fd, path: path)
    }

    /// Creates a directory and its parents if they do not exist.
    /// - Parameter path: The directory.
    /// - Throws: ``ShardError`` (`io`).
    static func makeDirectories(_ path: String) throws(ShardError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw ShardError(.io, "exists but is not a directory; choose another output path", path: path)
            }
            return
        }
        let parent = parentDirectory(of: path)
        if parent != path && !parent.isEmpty { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw ShardError.system("cannot create directory", path: path, errorNumber: errno)
        }
    }

    /// The directory part of a path (`"."` for a bare name).
    /// - Parameter path: A path.
    /// - Returns: Its parent directory.
    static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// Joins a directory and a file name.
    /// - Parameters:
    ///   - directory: The directory.
    ///   - name: A name inside it.
    /// - Returns: `directory/name`.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
