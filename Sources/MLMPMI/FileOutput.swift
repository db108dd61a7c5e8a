import MLMCore
import MLMSystem
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PMIError {
    /// A failed system call as a PMI error (`io`), with the system layer's wording.
    init(_ error: SystemError) {
        self.init(.io, error.message, path: error.path)
    }
}

/// Runs a system-layer call, turning its ``MLMSystem/SystemError`` into a ``PMIError``.
@inline(__always)
func mappingSystemError<T>(_ body: () throws(SystemError) -> T) throws(PMIError) -> T {
    do { return try body() } catch { throw PMIError(error) }
}

/// A file written through a buffer, with failures as ``PMIError``s that name the file.
///
/// ``finish(atomicallyReplacing:)`` publishes it through ``MLMSystem/AtomicFile`` (fsync, rename, fsync of the
/// directory), so a reader never sees a half-written count file or table.
final class FileOutput {
    let path: String
    private var fd: FileDescriptor?
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20

    /// Creates (truncates) a file.
    init(path: String) throws(PMIError) {
        self.path = path
        fd = try mappingSystemError { () throws(SystemError) in
            try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC, operation: "cannot create the file")
        }
        buffer.reserveCapacity(bufferLimit)
    }

    deinit { try? fd?.close(path: path) }

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
        guard let fd else { preconditionFailure("FileOutput written after close") }
        try mappingSystemError { () throws(SystemError) in try fd.writeAll(bytes, path: path) }
    }

    /// Flushes and closes the file.
    func close() throws(PMIError) {
        try flush()
        guard let descriptor = fd else { return }
        fd = nil
        try mappingSystemError { () throws(SystemError) in try descriptor.close(path: path) }
    }

    /// Flushes this (temporary) file and publishes it as `target` (fsync, rename, fsync of the directory).
    func finish(atomicallyReplacing target: String) throws(PMIError) {
        try flush()
        guard let descriptor = fd else { preconditionFailure("FileOutput finished after close") }
        fd = nil
        try mappingSystemError { () throws(SystemError) in
            try AtomicFile.commit(descriptor, temporary: path, replacing: target)
        }
    }

    /// Removes a file if it exists.
    static func remove(_ path: String) { FileSystem.removeIfPresent(path) }
}

/// A file read in blocks, with errors that name it.
final class FileInput {
    let path: String
    private let fd: FileDescriptor

    init(path: String) throws(PMIError) {
        self.path = path
        fd = try mappingSystemError { () throws(SystemError) in
            try FileDescriptor.open(path, O_RDONLY, operation: "cannot open the file")
        }
    }

    deinit { try? fd.close(path: path) }

    /// Reads up to `buffer.count` bytes; returns 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(PMIError) -> Int {
        try mappingSystemError { () throws(SystemError) in try fd.read(into: buffer, path: path) }
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
