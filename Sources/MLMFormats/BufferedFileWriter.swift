import Foundation
import MLMShards

/// A file written front to back through a 1 MiB buffer; every failure is a ``MLMShards/ShardError`` (`io`)
/// naming the file.
///
/// ```swift
/// let file = try BufferedFileWriter(path: "out.bin.tmp")
/// try file.append(bytes)
/// try file.close()
/// ```
package final class BufferedFileWriter {
    /// The file's path.
    package let path: String
    /// Bytes appended so far.
    package private(set) var count = 0
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20

    /// Creates (or truncates) the file.
    /// - Parameter path: The file.
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    package init(path: String) throws(ShardError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path)
        else {
            throw ShardError(.io, "cannot create the file (check the directory exists and is writable)", path: path)
        }
        self.handle = handle
        buffer.reserveCapacity(capacity)
    }

    /// Appends bytes.
    /// - Parameter bytes: The bytes.
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    package func append(_ bytes: UnsafeRawBufferPointer) throws(ShardError) {
        if buffer.count + bytes.count > capacity { try flush() }
        buffer.append(contentsOf: bytes)
        count += bytes.count
    }

    /// Appends bytes.
    /// - Parameter bytes: The bytes.
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    package func append(_ bytes: [UInt8]) throws(ShardError) {
        if buffer.count + bytes.count > capacity { try flush() }
        buffer += bytes
        count += bytes.count
    }

    /// Appends one value's little-endian bytes.
    /// - Parameter value: An integer.
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    package func appendLittleEndian<T: FixedWidthInteger>(_ value: T) throws(ShardError) {
        if buffer.count + MemoryLayout<T>.size > capacity { try flush() }
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
        count += MemoryLayout<T>.size
    }

    /// Writes the buffer out.
    /// - Throws: ``MLMShards/ShardError`` (`io`), e.g. when the disk is full.
    package func flush() throws(ShardError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ShardError(.io, "cannot write: \(error.localizedDescription)", path: path, underlying: error)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and closes the file.
    /// - Throws: ``MLMShards/ShardError`` (`io`).
    package func close() throws(ShardError) {
        try flush()
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw ShardError(.io, "cannot close: \(error.localizedDescription)", path: path, underlying: error)
        }
    }
}
