import CZstd

/// Decodes single, complete zstd frames whose header states the content size.
///
/// The corresponding C functions are `ZSTD_getFrameContentSize` and `ZSTD_decompressDCtx`.
public final class ZstdFrameDecoder {
    private let context: OpaquePointer
    /// The largest content size this decoder accepts, to bound memory on damaged input.
    public let maximumContentSize: Int

    /// Creates a decoder.
    /// - Parameter maximumContentSize: Frames announcing more than this many bytes are rejected.
    /// - Throws: ``ZstdError`` when libzstd cannot allocate a context.
    public init(maximumContentSize: Int = 1 << 31) throws(ZstdError) {
        guard let context = ZSTD_createDCtx() else {
            throw ZstdError(message: "zstd: cannot allocate a decompression context")
        }
        self.context = context
        self.maximumContentSize = maximumContentSize
    }

    deinit { ZSTD_freeDCtx(context) }

    /// The content size a frame announces in its header.
    /// - Parameter frame: Bytes starting with a zstd frame.
    /// - Returns: The decompressed size.
    /// - Throws: ``ZstdError`` when the header is damaged or carries no size.
    public static func contentSize(of frame: UnsafeRawBufferPointer) throws(ZstdError) -> Int {
        let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        if size == czstd_contentsize_error() {
            throw ZstdError(message: "not a zstd frame (bad magic number or damaged header)")
        }
        if size == czstd_contentsize_unknown() {
            throw ZstdError(message: "the zstd frame does not state its content size")
        }
        // The header's 8-byte field can hold sizes no buffer can have.
        guard let count = Int(exactly: size) else {
            throw ZstdError(message: "the zstd frame announces an impossible content size \(size); its header is damaged")
        }
        return count
    }

    /// The compressed size of the frame at the start of `bytes`.
    /// - Parameter bytes: Bytes starting with a zstd frame (or a skippable frame).
    /// - Returns: The frame's size in bytes.
    /// - Throws: ``ZstdError`` when the frame is damaged or truncated.
    public static func frameSize(of bytes: UnsafeRawBufferPointer) throws(ZstdError) -> Int {
        try valueOrZstdError("zstd: finding the frame's end", {
            ZSTD_findFrameCompressedSize(bytes.baseAddress, bytes.count)
        })
    }

    /// The most decompressed bytes one compressed byte can stand for: a block yields at most 128 KiB and takes
    /// at least 4 bytes (a 3-byte header and one byte of RLE content).
    public static let maximumExpansion = (128 << 10) / 4

    /// Decompresses one complete frame, verifying its checksum when it carries one.
    ///
    /// The output buffer is allocated from the content size in the frame header, so a header that announces
    /// more than ``maximumExpansion`` times the frame's size is rejected before allocating: a few damaged bytes
    /// cannot make the reader allocate up to ``maximumContentSize``.
    /// - Parameter frame: Exactly one zstd frame.
    /// - Returns: The decompressed bytes.
    /// - Throws: ``ZstdError`` when the frame is damaged, truncated or too large.
    public func decompressFrame(_ frame: UnsafeRawBufferPointer) throws(ZstdError) -> [UInt8] {
        let size = try Self.contentSize(of: frame)
        guard size <= maximumContentSize else {
            throw ZstdError(message: "zstd frame announces \(size) bytes, more than the limit of \(maximumContentSize)")
        }
        let (bound, overflow) = frame.count.multipliedReportingOverflow(by: Self.maximumExpansion)
        guard overflow || size <= bound else {
            throw ZstdError(
                message: "zstd frame announces \(size) bytes, more than its \(frame.count) compressed bytes can hold; "
                    + "the frame header is damaged")
        }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { out in
            ZSTD_decompressDCtx(context, out.baseAddress, size, frame.baseAddress, frame.count)
        }
        if czstd_is_error(written) != 0 {
            throw ZstdError(code: written, context: "zstd: decompressing a frame")
        }
        guard written == size else {
            throw ZstdError(message: "zstd frame decoded to \(written) bytes but announced \(size)")
        }
        return output
    }
}
