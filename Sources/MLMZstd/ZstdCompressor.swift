import CZstd

/// Compresses whole buffers into single zstd frames with the content size and a checksum in the frame.
///
/// One compressor owns one `ZSTD_CCtx`; it is not `Sendable`, so give each worker its own.
///
/// ```swift
/// let compressor = try ZstdCompressor(level: 3)
/// let frame = try compressor.compressFrame(record)
/// ```
/// The corresponding C function is `ZSTD_compress2`.
public final class ZstdCompressor {
    private let context: OpaquePointer
    /// The compression level the frames are written with.
    public let level: Int32
    /// The level mlmprep writes by default (zstd's own default).
    public static let defaultLevel: Int32 = 3
    /// The levels the commands accept.
    public static let levelRange: ClosedRange<Int32> = 1...19

    /// Creates a compressor.
    /// - Parameters:
    ///   - level: A zstd level (1…22; 3 is zstd's default).
    ///   - checksum: Write the frame checksum (off gives the frames `ZSTD_compress` writes, as MDS shards have).
    /// - Throws: ``ZstdError`` when libzstd cannot allocate a context or rejects a parameter.
    public init(level: Int32 = ZstdCompressor.defaultLevel, checksum: Bool = true) throws(ZstdError) {
        guard let context = ZSTD_createCCtx() else {
            throw ZstdError(message: "zstd: cannot allocate a compression context")
        }
        self.context = context
        self.level = level
        _ = try valueOrZstdError("zstd: setting the level", {
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        })
        _ = try valueOrZstdError("zstd: enabling checksums", {
            ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0)
        })
        _ = try valueOrZstdError("zstd: enabling content size", {
            ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)
        })
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `input` into one complete frame and appends it to `output`.
    /// - Parameters:
    ///   - input: The bytes to compress.
    ///   - output: The buffer the frame is appended to.
    /// - Returns: The number of bytes appended.
    /// - Throws: ``ZstdError`` when libzstd fails.
    @discardableResult
    public func compressFrame(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(ZstdError)
        -> Int
    {
        let bound = ZSTD_compressBound(input.count)
        let start = output.count
        // Grow with zeros, compress into the tail, then cut back to the real size.
        output.append(contentsOf: repeatElement(0, count: bound))
        let result = output.withUnsafeMutableBytes { out in
            ZSTD_compress2(context, out.baseAddress.map { $0 + start }, bound, input.baseAddress, input.count)
        }
        if czstd_is_error(result) != 0 {
            output.removeLast(bound)
            throw ZstdError(code: result, context: "zstd: compressing a frame")
        }
        output.removeLast(bound - result)
        return result
    }

    /// Compresses `input` into one complete frame.
    /// - Parameter input: The bytes to compress.
    /// - Returns: The frame.
    /// - Throws: ``ZstdError`` when libzstd fails.
    public func compressFrame(_ input: [UInt8]) throws(ZstdError) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let result = output.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { src in
                ZSTD_compress2(context, out.baseAddress, bound, src.baseAddress, src.count)
            }
        }
        if czstd_is_error(result) != 0 {
            throw ZstdError(code: result, context: "zstd: compressing a frame")
        }
        output.removeLast(bound - result)
        return output
    }
}
