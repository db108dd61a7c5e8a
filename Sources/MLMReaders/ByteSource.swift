import MLMSystem
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
/// size plus zstd's window, also for input that decompresses to far more than its size. The corresponding C
/// function is `read`.
public final class ByteSource {
    /// The name used in messages: the path, or `<stdin>`.
    public let name: String
    /// Whether the input turned out to be zstd-compressed.
    public private(set) var isCompressed = false
    private let descriptor: FileDescriptor
    private let ownsDescriptor: Bool
    private let chunkSize: Int
    private var raw: [UInt8]  // at least 4 bytes, for the magic number
    private var rawStart = 0  // raw[rawStart..<rawEnd] is read but not yet decompressed
    private var rawEnd = 0
    private var decoder: ZstdStreamDecoder?
    private var started = false
    private var finished = false
    /// Size and modification time at open, for regular files (see ``OpenedFileState``).
    private var opened: OpenedFileState?
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
        self.chunkSize = max(chunkSize, 1)
        raw = [UInt8](repeating: 0, count: max(chunkSize, 4))
        if path == "-" {
            name = "<stdin>"
            descriptor = .standardInput
            ownsDescriptor = false
            opened = OpenedFileState(descriptor: 0)
            return
        }
        name = path
        // Missing files, directories and unreadable files get the same messages as the check before a run.
        _ = try InputFileStatus(path: path)
        do {
            descriptor = try FileDescriptor.open(path, O_RDONLY)
        } catch {
            throw ReaderError(
                .unreadable, "cannot open input (\(error.reason)); check its permissions", at: InputLocation(file: path))
        }
        ownsDescriptor = true
        opened = OpenedFileState(descriptor: descriptor.rawValue)
    }

    deinit {
        if ownsDescriptor { try? descriptor.close(path: name) }
    }

    /// Whether the file starts with the zstd magic number, read without consuming anything (false for
    /// standard input, which cannot be read twice).
    /// - Throws: ``ReaderError`` when the file cannot be read.
    public func isZstdFile() throws(ReaderError) -> Bool {
        guard ownsDescriptor else { return false }
        var magic = [UInt8](repeating: 0, count: 4)
        let count: Int
        do {
            count = try magic.withUnsafeMutableBytesThrowing { (buffer) throws(SystemError) in
                try descriptor.read(into: buffer, atOffset: 0, path: name)
            }
        } catch {
            throw ReaderError(.unreadable, "read failed (\(error.reason))", at: InputLocation(file: name))
        }
        return count == 4 && ZstdMagic.isZstd(magic)
    }

    /// Moves a plain (not zstd) file to `offset`, so that the next read starts there; a zstd file or standard
    /// input is left alone (the caller decompresses and drops what comes before the offset).
    /// - Parameter offset: The byte offset in the file.
    /// - Returns: Whether the file was moved.
    /// - Throws: ``ReaderError`` when the file cannot be read.
    public func seekPlain(to offset: Int) throws(ReaderError) -> Bool {
        guard ownsDescriptor, decoder == nil, try !isZstdFile() else { return false }
        do {
            try descriptor.seek(to: offset, path: name)
        } catch {
            throw ReaderError(
                .unreadable, "cannot seek (\(error.reason))", at: InputLocation(file: name, byteOffset: offset))
        }
        started = true
        finished = false
        rawStart = 0
        rawEnd = 0
        rawBytesRead = offset
        bytesProduced = offset
        return true
    }

    /// Reads up to one chunk of raw bytes into `raw[offset...]`; returns 0 at end of input.
    private func readRaw(at offset: Int = 0) throws(ReaderError) -> Int {
        let count: Int
        do {
            count = try raw.withUnsafeMutableBytesThrowing { (buffer) throws(SystemError) in
                let space = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<min(buffer.count, offset + chunkSize)])
                return try descriptor.read(into: space, path: name)
            }
        } catch {
            throw ReaderError(
                .unreadable, "read failed (\(error.reason))", at: InputLocation(file: name, byteOffset: bytesProduced))
        }
        rawBytesRead += count
        if let opened,
            let change = opened.change(descriptor: descriptor.rawValue, bytesRead: rawBytesRead, atEnd: count == 0, name: name)
        {
            throw change
        }
        return count
    }

    /// Appends the next piece of (decompressed) input to `buffer`: at most one chunk of raw bytes, or of
    /// compressed input at most the chunk size (and at least 128 KiB) of decompressed bytes, so that memory stays
    /// bounded however well the input compresses.
    /// - Parameter buffer: Receives the bytes (possibly none, while a zstd frame header is being read).
    /// - Returns: False at the end of the input.
    /// - Throws: ``ReaderError`` for I/O errors and damaged or truncated zstd data.
    public func read(appendingTo buffer: inout [UInt8]) throws(ReaderError) -> Bool {
        if finished { return false }
        if !started {
            started = true
            var count = try readRaw()
            // A pipe may deliver fewer bytes than the 4-byte magic number at first: read until there are 4 or
            // the input ends, so that zstd input is recognised however it arrives.
            while count > 0 && count < 4 {
                let more = try readRaw(at: count)
                if more == 0 { break }
                count += more
            }
            rawStart = 0
            rawEnd = count
            if count >= 4 && ZstdMagic.isZstd(raw[0..<4]) {
                isCompressed = true
                do {
                    decoder = try ZstdStreamDecoder()
                } catch {
                    throw ReaderError(.unreadable, error.message, at: InputLocation(file: name))
                }
            }
        }
        var atEnd = false
        if rawStart == rawEnd {
            rawStart = 0
            rawEnd = try readRaw()
            atEnd = rawEnd == 0
        }
        let before = buffer.count
        if let decoder {
            var failure: ZstdError?
            raw.withUnsafeBytes { rawBytes in
                do throws(ZstdError) {
                    rawStart += try decoder.decompress(
                        UnsafeRawBufferPointer(rebasing: rawBytes[rawStart..<rawEnd]), into: &buffer,
                        limit: Self.outputLimit(chunkSize: chunkSize))
                } catch {
                    failure = error
                }
            }
            if let error = failure {
                throw ReaderError(
                    .corruptCompressed,
                    "the zstd data is damaged near compressed byte \(rawBytesRead - rawEnd + rawStart) "
                        + "(\(error.message)); check it with `zstd -t` and re-create it",
                    at: InputLocation(file: name, byteOffset: bytesProduced))
            }
            if atEnd && buffer.count == before {
                finished = true
                if !decoder.atFrameBoundary {
                    throw ReaderError(
                        .truncatedCompressed,
                        "the zstd data ends in the middle of a frame (after \(rawBytesRead) compressed bytes); "
                            + "the file is truncated: re-download or re-compress it",
                        at: InputLocation(file: name, byteOffset: bytesProduced))
                }
                return false
            }
        } else {
            if atEnd {
                finished = true
                return false
            }
            buffer.append(contentsOf: raw[rawStart..<rawEnd])
            rawStart = rawEnd
        }
        bytesProduced += buffer.count - before
        return true
    }

    /// The most decompressed bytes one ``read(appendingTo:)`` hands on: the chunk size, but at least one zstd
    /// block (128 KiB).
    public static func outputLimit(chunkSize: Int) -> Int { max(chunkSize, 128 << 10) }
}

