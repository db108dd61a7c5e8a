import MLMCore
import MLMSystem
import MLMZstd

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads records from one shard file by index, through its seek table.
///
/// Opening reads and checks the seek table (its frame sizes must add up to the file size). Each
/// ``record(at:)`` reads one frame with `pread`, decompresses it and verifies the frame's checksum and size.
///
/// ```swift
/// let reader = try ShardReader(path: "out/shard-00000.mlmb.zst")
/// let first = try SafetensorsRecord.decode(try reader.record(at: 0))
/// try reader.forEachRecord { index, record in … }
/// ```
/// Not thread-safe: it owns one zstd decompression context. Open one reader per thread.
public final class ShardReader {
    /// The shard file.
    public let path: String
    /// The file's size in bytes.
    public let fileSize: Int
    /// The seek table read from the end of the file.
    public let seekTable: SeekTable

    private let fd: FileDescriptor
    private let offsets: [Int]
    private let decoder: ZstdFrameDecoder

    /// Opens a shard and reads its seek table.
    /// - Parameters:
    ///   - path: The shard file.
    ///   - maximumRecordSize: Records announcing more decompressed bytes are rejected (default 2 GiB).
    /// - Throws: ``ShardError``: `io` when the file cannot be opened, `truncated` or `invalidSeekTable` when it
    ///   does not end with a consistent seek table.
    public init(path: String, maximumRecordSize: Int = 1 << 31) throws(ShardError) {
        self.path = path
        let fd = try POSIX.open(path, flags: O_RDONLY)
        do {
            let size = try POSIX.fileSize(fd, path: path)
            guard size >= SeekTable.frameHeaderSize + SeekTable.footerSize else {
                throw ShardError(
                    .truncated,
                    "the file is only \(size) bytes long, too short for a shard with its seek table; it is "
                        + "truncated or empty: re-run the command that wrote it",
                    path: path
                )
            }
            let footerBytes = try POSIX.pread(
                fd,
                count: SeekTable.footerSize,
                offset: size - SeekTable.footerSize,
                path: path
            )
            let footer = try footerBytes.withUnsafeBytesThrowing { raw throws(ShardError) in
                try SeekTable.decodeFooter(raw)
            }
            guard footer.tableSize <= size else {
                throw ShardError(
                    .invalidSeekTable,
                    "the seek table claims \(footer.count) frames, more than a \(size)-byte file can hold; the "
                        + "file is damaged: re-run the command that wrote it"
                )
            }
            let tableBytes = try POSIX.pread(fd, count: footer.tableSize, offset: size - footer.tableSize, path: path)
            self.seekTable = try tableBytes.withUnsafeBytesThrowing { raw throws(ShardError) in
                try SeekTable.decode(table: raw, fileSize: size)
            }
            self.fileSize = size
            self.decoder = try ZstdFrameDecoder(maximumContentSize: maximumRecordSize)
        } catch let error as ShardError {
            _ = try? POSIX.close(fd, path: path)
            throw error.locating(path: path)
        } catch {
            _ = try? POSIX.close(fd, path: path)
            throw ShardError(.io, "cannot set up zstd: \(error)", path: path, underlying: error)
        }
        self.fd = fd
        self.offsets = seekTable.frameOffsets
    }

    deinit {
        _ = try? POSIX.close(fd, path: path)
    }

    /// The number of records (frames) in the shard.
    public var recordCount: Int { seekTable.entries.count }

    /// The compressed bytes of frame `index`, exactly as stored.
    /// - Parameter index: 0 ..< ``recordCount``.
    /// - Returns: The frame.
    /// - Throws: ``ShardError`` (`invalidArgument` for a bad index, `io`, `truncated`).
    public func frame(at index: Int) throws(ShardError) -> [UInt8] {
        guard index >= 0 && index < recordCount else {
            throw ShardError(
                .invalidArgument,
                "there is no record \(index): the shard holds \(recordCount) records (0…\(recordCount - 1))",
                path: path,
                recordIndex: index
            )
        }
        do {
            return try POSIX.pread(
                fd,
                count: Int(seekTable.entries[index].compressedSize),
                offset: offsets[index],
                path: path
            )
        } catch {
            throw error.locating(recordIndex: index)
        }
    }

    /// Reads and decompresses record `index`, verifying the frame's checksum and the sizes in the seek table.
    /// - Parameter index: 0 ..< ``recordCount``.
    /// - Returns: The record (a safetensors file).
    /// - Throws: ``ShardError``: `corruptFrame` when the frame is damaged, naming the file, record and offset.
    public func record(at index: Int) throws(ShardError) -> [UInt8] {
        let frame = try frame(at: index)
        let entry = seekTable.entries[index]
        return try frame.withUnsafeBytesThrowing { raw throws(ShardError) in
            try decode(raw, entry: entry, index: index)
        }
    }

    /// Calls `body` with every record in order.
    /// - Parameter body: Receives the index and the decompressed record.
    /// - Throws: The first ``ShardError`` from reading or from `body`.
    public func forEachRecord(_ body: (Int, [UInt8]) throws(ShardError) -> Void) throws(ShardError) {
        for index in 0..<recordCount {
            try body(index, try record(at: index))
        }
    }

    /// An iterator over all records in order.
    /// - Returns: The iterator.
    public func makeRecordIterator() -> RecordIterator {
        RecordIterator(reader: self)
    }

    /// Walks a shard's records in order; `next()` throws instead of ending early on damage.
    public struct RecordIterator {
        private let reader: ShardReader
        private var index = 0

        fileprivate init(reader: ShardReader) {
            self.reader = reader
        }

        /// The next record, or `nil` after the last.
        /// - Returns: The decompressed record.
        /// - Throws: ``ShardError`` as ``ShardReader/record(at:)`` does.
        public mutating func next() throws(ShardError) -> [UInt8]? {
            guard index < reader.recordCount else { return nil }
            defer { index += 1 }
            return try reader.record(at: index)
        }
    }

    private func decode(_ frame: UnsafeRawBufferPointer, entry: SeekTable.Entry, index: Int) throws(ShardError)
        -> [UInt8]
    {
        let advice = "the shard is damaged: re-run the command that wrote it (mlmprep verify lists every damaged shard)"
        func damaged(_ what: String, _ underlying: (any Error)? = nil) -> ShardError {
            ShardError(
                .corruptFrame,
                "\(what); \(advice)",
                path: path,
                recordIndex: index,
                byteOffset: offsets[index],
                underlying: underlying
            )
        }
        if frame.count >= 4,
            UInt32(littleEndian: frame.loadUnaligned(as: UInt32.self)) & 0xFFFF_FFF0 == ZstdMagic.skippableFrameBase
        {
            throw damaged("this frame is a skippable frame, not a record; the file was not written by mlmprep")
        }
        do {
            let size = try ZstdFrameDecoder.frameSize(of: frame)
            guard size == frame.count else {
                throw damaged("the zstd frame is \(size) bytes but the seek table says \(frame.count)")
            }
            let record = try decoder.decompressFrame(frame)
            guard record.count == Int(entry.decompressedSize) else {
                throw damaged("the record is \(record.count) bytes but the seek table says \(entry.decompressedSize)")
            }
            return record
        } catch let error as ZstdError {
            throw damaged("the zstd frame is damaged (\(error.message))", error)
        } catch let error as ShardError {
            throw error
        } catch {
            throw damaged("\(error)", error)
        }
    }
}

extension ShardReader {
    /// The sha256 of the whole shard file, read through the same open descriptor as its records, so that it
    /// describes the bytes those records came from even if the file has since been replaced.
    /// - Throws: ``ShardError`` (`io`, `truncated`).
    public func sha256() throws(ShardError) -> String {
        var hasher = SHA256()
        var offset = 0
        while offset < fileSize {
            let count = min(1 << 20, fileSize - offset)
            let block = try POSIX.pread(fd, count: count, offset: offset, path: path)
            hasher.update(block)
            offset += count
        }
        return hasher.finalize().hexDigest
    }
}
