import MLMCore
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file written through a buffer, with POSIX errors turned into ``PMIError``s that name the file.
///
/// ``finish(atomicallyReplacing:)`` fsyncs and renames a temporary file into place, so a reader never sees a
/// half-written count file or table.
final class FileOutput {
    let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20

    /// Creates (truncates) a file.
    init(path: String) throws(PMIError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw Self.error("cannot create the file", path: path) }
        buffer.reserveCapacity(bufferLimit)
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    static func error(_ what: String, path: String, errorNumber: Int32 = errno) -> PMIError {
        PMIError(.io, "\(what): \(String(cString: strerror(errorNumber))) (check the path, the space left and the permissions)", path: path)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(PMIError) {
        if buffer.count + bytes.count > bufferLimit { try flush() }
        if bytes.count >= bufferLimit {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    func write(_ bytes: [UInt8]) throws(PMIError) {
        try bytes.withUnsafeBytesThrowing { (raw) throws(PMIError) in try write(raw) }
    }

    func flush() throws(PMIError) {
        guard !buffer.isEmpty else { return }
        let pending = buffer
        buffer.removeAll(keepingCapacity: true)
        try pending.withUnsafeBytesThrowing { (raw) throws(PMIError) in try writeAll(raw) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(PMIError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.error("cannot write", path: path)
            }
            offset += written
        }
    }

    /// Flushes and closes the file.
    func close() throws(PMIError) {
        try flush()
        let descriptor = fd
        fd = -1
        if Glibc.close(descriptor) != 0 { throw Self.error("cannot write", path: path) }
    }

    /// Flushes, fsyncs and closes this (temporary) file, then renames it over `target`.
    func finish(atomicallyReplacing target: String) throws(PMIError) {
        try flush()
        if fsync(fd) != 0 { throw Self.error("cannot write", path: path) }
        try close()
        if rename(path, target) != 0 { throw Self.error("cannot rename to \(target)", path: path) }
    }

    /// Removes a file if it exists.
    static func remove(_ path: String) { unlink(path) }
}

/// A file read in blocks, with errors that name it.
final class FileInput {
    let path: String
    private var fd: Int32

    init(path: String) throws(PMIError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileOutput.error("cannot open the file", path: path) }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Reads up to `buffer.count` bytes; returns 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PMIError) -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw FileOutput.error("cannot read", path: path)
        }
    }

    /// Reads exactly `buffer.count` bytes, or fewer only at the end of the file.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(PMIError) -> Int {
        var total = 0
        while total < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if count == 0 { break }
            total += count
        }
        return total
    }
}
