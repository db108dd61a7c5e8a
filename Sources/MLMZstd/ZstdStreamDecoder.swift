import CZstd

/// Decompresses a zstd stream (any number of frames, skippable frames included) chunk by chunk.
///
/// Feed it compressed bytes with ``decompress(_:into:)``; it appends what it can decode. Memory is bounded by
/// zstd's window plus the caller's buffers; ``decompress(_:into:limit:)`` also bounds the output of one call. The corresponding C function is `ZSTD_decompressStream`.
public final class ZstdStreamDecoder {
    private let context: OpaquePointer
    private var scratch: [UInt8]
    /// True when the last call ended exactly at a frame boundary.
    public private(set) var atFrameBoundary = true

    /// Creates a stream decoder.
    /// - Throws: ``ZstdError`` when libzstd cannot allocate a context.
    public init() throws(ZstdError) {
        guard let context = ZSTD_createDStream() else {
            throw ZstdError(message: "zstd: cannot allocate a decompression stream")
        }
        self.context = context
        self.scratch = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        _ = try valueOrZstdError("zstd: initialising a stream", { ZSTD_initDStream(context) })
    }

    deinit { ZSTD_freeDStream(context) }

    /// Decompresses all of `input`, appending the output to `output`.
    /// - Parameters:
    ///   - input: Compressed bytes, continuing the stream.
    ///   - output: Decompressed bytes are appended here.
    /// - Throws: ``ZstdError`` when the data is not valid zstd.
    public func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(ZstdError) {
        _ = try decompress(input, into: &output, limit: .max)
    }

    /// Decompresses from the start of `input` until it is used up or `limit` bytes have been appended, so that
    /// a few compressed bytes (zstd reaches 32,768 to 1) cannot make one call produce gigabytes.
    ///
    /// Call again with the rest of the input, or with an empty buffer once the input is exhausted, to get the
    /// output still held back; ``atFrameBoundary`` is true when everything has been handed over.
    /// - Parameters:
    ///   - input: Compressed bytes, continuing the stream.
    ///   - output: Decompressed bytes are appended here.
    ///   - limit: The most bytes to append in this call.
    /// - Returns: How many bytes of `input` were consumed.
    /// - Throws: ``ZstdError`` when the data is not valid zstd.
    public func decompress(
        _ input: UnsafeRawBufferPointer, into output: inout [UInt8], limit: Int
    ) throws(ZstdError) -> Int {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var failure: ZstdError?
        var produced = 0
        let scratchCount = scratch.count
        scratch.withUnsafeMutableBytes { out in
            while produced < limit && (inBuffer.pos < inBuffer.size || !atFrameBoundary) {
                let room = min(scratchCount, limit - produced)
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: room, pos: 0)
                let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                if czstd_is_error(result) != 0 {
                    failure = ZstdError(code: result, context: "zstd: decompressing")
                    return
                }
                atFrameBoundary = result == 0
                if outBuffer.pos > 0 {
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: out[0..<outBuffer.pos]))
                    produced += outBuffer.pos
                }
                // No more input and the output buffer was not filled: libzstd needs more input.
                if inBuffer.pos == inBuffer.size && outBuffer.pos < room { break }
            }
        }
        if let failure { throw failure }
        return inBuffer.pos
    }
}
