#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MLMCore
import MLMZstd

/// Reads a file or standard input in chunks, decompressing zstd input on the fly.
///
/// zstd input is recognised by its magic bytes, whatever the file is called. Memory is bounded by the chunk
/// size plus zstd's window. The corresponding C function is `read`.
public final class ByteSource {
    /// The name used in messages: the path, or `<stdin>`.
    public let name: String
    /// Whether the input turned out to be zstd-compressed.
    public private(set) var isCompressed = false
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var raw: [UInt8]
    private var decoder: ZstdStreamDecoder?
    private var started = false
    private var finished = false
    /// Compressed bytes consumed so far (for error positions in damaged `.zst` files).
    public private(set) var rawBytesRead = 0
    /// Decompressed bytes produced so far.
    public private(set) var bytesProduced = 0

    /// Opens a file, or standard input for `-`.
    /// - Parameters:
    ///   - path: A file path, or `-` for standard input.
    ///   - chunkSize: How many bytes to read per system call.
    /// - Throws: ``ReaderError`` when the file is missing or unreadable.
    public init(path: String, chunkSize: Int = 1 << 20) throws(ReaderError) {
        raw = [UInt8](repeating: 0, count: chunkSize)
        if path == "-" {
            name = "<stdin>"
            descriptor = 0
            ownsDescriptor = false
            return
        }
        name = path
        // Missing files, directories and unreadable files get the same messages as the check before a run.
        _ = try InputFileStatus(path: path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw ReaderError(
                .unreadable, "cannot open input (\(reason)); check its permissions",
                at: InputLocation(file: path))
        }
        descriptor = fd
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Reads up to one chunk of raw bytes; returns 0 at end of input.
    private func readRaw() throws(ReaderError) -> Int {
        while true {
            let count = raw.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count >= 0 {
                rawBytesRead += count
                return count
            }
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            throw ReaderError(
                .unreadable, "read failed (\(reason))", at: InputLocation(file: name, byteOffset: bytesProduced))
        }
    }

    /// Appends the next piece of (decompressed) input to `buffer`.
    /// - Parameter buffer: Receives the bytes.
    /// - Returns: False at the end of the input.
    /// - Throws: ``ReaderError`` for I/O errors and damaged or truncated zstd data.
    public func read(appendingTo buffer: inout [UInt8]) throws(ReaderError) -> Bool {
        if finished { return false }
        let count = try readRaw()
        if !started {
            started = true
            if count >= 4 && ZstdMagic.isZstd(raw[0..<4]) {
                isCompressed = true
                do {
                    decoder = try ZstdStreamDecoder()
                } catch {
                    throw ReaderError(.unreadable, error.message, at: InputLocation(file: name))
                }
            }
        }
        if count == 0 {
            finished = true
            if let decoder, !decoder.atFrameBoundary {
                throw ReaderError(
                    .truncatedCompressed,
                    "the zstd data ends in the middle of a frame (after \(rawBytesRead) compressed bytes); "
                        + "the file is truncated: re-download or re-compress it",
                    at: InputLocation(file: name, byteOffset: bytesProduced))
            }
            return false
        }
        let before = buffer.count
        if let decoder {
            var failure: ZstdError?
            raw.withUnsafeBytes { rawBytes in
                do throws(ZstdError) {
                    try decoder.decompress(UnsafeRawBufferPointer(rebasing: rawBytes[0..<count]), into: &buffer)
                } catch {
                    failure = error
                }
            }
            if let error = failure {
                throw ReaderError(
                    .corruptCompressed,
                    "the zstd data is damaged near compressed byte \(rawBytesRead - count) (\(error.message)); "
                        + "check it with `zstd -t` and re-create it",
                    at: InputLocation(file: name, byteOffset: bytesProduced))
            }
        } else {
            buffer.append(contentsOf: raw[0..<count])
        }
        bytesProduced += buffer.count - before
        return true
    }
}

/// `read(2)`, named apart from ``ByteSource/read(appendingTo:)``.
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
