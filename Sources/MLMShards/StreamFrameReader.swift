import MLMSystem
import MLMZstd

/// Reads records from a stream of concatenated zstd frames, such as `mlmprep mask --stdout` piped into stdin
/// or shard files concatenated with `cat`.
///
/// Skippable frames (seek tables included) are skipped. Frame boundaries are found by walking the frame and
/// block headers, so only one frame is buffered at a time and a truncated stream is reported precisely.
///
/// ```swift
/// let reader = StreamFrameReader()              // standard input
/// while let record = try reader.nextRecord() {
///     let (tensors, _) = try SafetensorsRecord.decode(record)
/// }
/// ```
/// Not thread-safe.
public final class StreamFrameReader {
    /// The descriptor read from; not closed by the reader.
    public let fileDescriptor: Int32
    /// The name used in errors (`<stdin>` or a file name).
    public let name: String
    /// The largest decompressed record accepted.
    public let maximumRecordSize: Int
    /// The number of data frames returned so far.
    public private(set) var recordsRead = 0

    private var buffer: [UInt8] = []
    private var readBuffer: [UInt8] = []
    private var start = 0
    private var consumedBeforeBuffer = 0
    private var endOfInput = false
    private var frameDecoder: ZstdFrameDecoder?
    private var streamDecoder: ZstdStreamDecoder?
    private static let readSize = 1 << 20

    /// Creates a reader.
    /// - Parameters:
    ///   - fileDescriptor: Where to read (default 0, standard input).
    ///   - name: The name used in errors.
    ///   - maximumRecordSize: Frames announcing more decompressed bytes are rejected (default 2 GiB).
    public init(fileDescriptor: Int32 = 0, name: String = "<stdin>", maximumRecordSize: Int = 1 << 31) {
        self.fileDescriptor = fileDescriptor
        self.name = name
        self.maximumRecordSize = maximumRecordSize
    }

    /// The offset in the stream of the next unread byte.
    public var streamOffset: Int { consumedBeforeBuffer + start }

    /// Returns the next data frame's compressed bytes, skipping skippable frames.
    /// - Returns: One complete zstd frame, or `nil` at the end of the stream.
    /// - Throws: ``ShardError``: `truncated` when the stream ends inside a frame, `corruptFrame` when the bytes
    ///   are not zstd frames, `tooLarge` past ``maximumRecordSize``, `io` on read errors.
    public func nextFrame() throws(ShardError) -> [UInt8]? {
        while true {
            guard try fill(1) else { return nil }
            let frameStart = streamOffset
            let header = try parseHeader(frameStart: frameStart)
            switch header {
            case .skippable(let payloadSize):
                try skip(8 + payloadSize, frameStart: frameStart)
            case .data(let headerSize, let contentSize, let hasChecksum):
                if let contentSize, contentSize > maximumRecordSize {
                    throw failure(
                        .tooLarge,
                        "the frame announces \(contentSize) bytes, more than the limit of \(maximumRecordSize)",
                        at: frameStart
                    )
                }
                let limit = maximumRecordSize + maximumRecordSize / 64 + (1 << 20)
                var length = headerSize
                while true {
                    guard try fill(length + ZstdFrameHeader.blockHeaderSize) else {
                        throw truncated(frameStart: frameStart)
                    }
                    let block = buffer.withUnsafeBytes {
                        ZstdFrameHeader.block(UnsafeRawBufferPointer(rebasing: $0[(start + length)...]))
                    }
                    switch block {
                    case .failure(let reason):
                        throw failure(.corruptFrame, "\(Self.describe(reason)); the stream is damaged", at: frameStart)
                    case .success(let (isLast, contentSize)):
                        length += ZstdFrameHeader.blockHeaderSize + contentSize
                        guard length <= limit else {
                            throw failure(
                                .tooLarge,
                                "the frame is larger than \(limit) bytes; the stream is damaged or holds records "
                                    + "over the limit",
                                at: frameStart
                            )
                        }
                        if isLast {
                            if hasChecksum { length += 4 }
                            guard try fill(length) else { throw truncated(frameStart: frameStart) }
                            let frame = Array(buffer[start..<(start + length)])
                            start += length
                            recordsRead += 1
                            return frame
                        }
                    }
                }
            }
        }
    }

    /// Returns the next record, decompressed, with its checksum verified.
    /// - Returns: The record, or `nil` at the end of the stream.
    /// - Throws: ``ShardError`` as ``nextFrame()`` does, and `corruptFrame` when decompression fails.
    public func nextRecord() throws(ShardError) -> [UInt8]? {
        let frameStart = streamOffset
        guard let frame = try nextFrame() else { return nil }
        let index = recordsRead - 1
        do {
            let hasSize = frame.withUnsafeBytes { raw in
                if case .success(.data(_, .some, _)) = ZstdFrameHeader.parse(raw) { return true }
                return false
            }
            if hasSize {
                let decoder = try frameDecoder ?? ZstdFrameDecoder(maximumContentSize: maximumRecordSize)
                frameDecoder = decoder
                return try frame.withUnsafeBytes { raw in try decoder.decompressFrame(raw) }
            }
            let decoder = try streamDecoder ?? ZstdStreamDecoder()
            streamDecoder = decoder
            var record: [UInt8] = []
            // A frame without its content size: decode at most one byte past the limit.
            _ = try frame.withUnsafeBytes { raw in
                try decoder.decompress(
                    raw, into: &record, limit: maximumRecordSize < Int.max ? maximumRecordSize + 1 : Int.max)
            }
            if record.count > maximumRecordSize {
                streamDecoder = nil  // left inside the frame
                throw ShardError(
                    .tooLarge,
                    "the frame decompresses to more than the limit of \(maximumRecordSize) bytes",
                    path: name, recordIndex: index, byteOffset: frameStart)
            }
            return record
        } catch let error as ShardError {
            throw error
        } catch {
            throw ShardError(
                .corruptFrame,
                "the zstd frame is damaged (\(error)); the stream is corrupt: re-run the command that produced it",
                path: name,
                recordIndex: index,
                byteOffset: frameStart,
                underlying: error
            )
        }
    }

    private func parseHeader(frameStart: Int) throws(ShardError) -> ZstdFrameHeader {
        var needed = 4
        while true {
            guard try fill(needed) else {
                throw truncated(frameStart: frameStart)
            }
            let result = buffer.withUnsafeBytes {
                ZstdFrameHeader.parse(UnsafeRawBufferPointer(rebasing: $0[start...]))
            }
            switch result {
            case .success(let header): return header
            case .failure(.needBytes(let count)): needed = count
            case .failure(let reason):
                throw failure(
                    .corruptFrame,
                    "\(Self.describe(reason)); this is not a stream of mlmprep frames (or it is damaged)",
                    at: frameStart
                )
            }
        }
    }

    private static func describe(_ failure: ZstdFrameHeader.Failure) -> String {
        switch failure {
        case .needBytes(let count): "need \(count) bytes"
        case .invalid(let message): message
        }
    }

    private func failure(_ code: ShardError.Code, _ message: String, at offset: Int) -> ShardError {
        ShardError(code, message, path: name, recordIndex: recordsRead, byteOffset: offset)
    }

    private func truncated(frameStart: Int) -> ShardError {
        failure(
            .truncated,
            "the stream ended inside a frame (\(buffer.count - start) bytes of it arrived); the writer was "
                + "interrupted or the data was cut short",
            at: frameStart
        )
    }

    /// Discards `count` bytes, reading past the buffer without keeping them.
    private func skip(_ count: Int, frameStart: Int) throws(ShardError) {
        var remaining = count
        while remaining > 0 {
            guard try fill(1) else { throw truncated(frameStart: frameStart) }
            let take = min(remaining, buffer.count - start)
            start += take
            remaining -= take
        }
    }

    /// Makes at least `count` unread bytes available.
    /// - Parameter count: Bytes wanted after the current position.
    /// - Returns: False when the input ended first.
    private func fill(_ count: Int) throws(ShardError) -> Bool {
        while buffer.count - start < count {
            if endOfInput { return false }
            if start > 0 {
                consumedBeforeBuffer += start
                buffer.removeFirst(start)
                start = 0
            }
            if readBuffer.isEmpty { readBuffer = [UInt8](repeating: 0, count: Self.readSize) }
            let got: Int
            do {
                got = try readBuffer.withUnsafeMutableBytesThrowing { raw throws(ShardError) in
                    try POSIX.read(FileDescriptor(rawValue: fileDescriptor), into: raw, path: name)
                }
            } catch {
                throw error.locating(byteOffset: consumedBeforeBuffer + buffer.count)
            }
            buffer.append(contentsOf: readBuffer[0..<got])
            if got == 0 { endOfInput = true }
        }
        return true
    }
}
