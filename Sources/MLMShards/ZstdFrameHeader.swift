import MLMZstd

/// The parts of a zstd frame header the readers need to find frame boundaries in a stream without decoding:
/// skippable frames and their payload size, data frames' header size, content size and checksum flag.
/// See RFC 8878 §3.1.1.
enum ZstdFrameHeader: Equatable {
    /// A skippable frame (`0x184D2A5?`) with `payloadSize` bytes after its 8-byte header.
    case skippable(payloadSize: Int)
    /// A data frame whose header (magic included) is `headerSize` bytes long.
    case data(headerSize: Int, contentSize: Int?, hasChecksum: Bool)

    /// The size of a block header.
    static let blockHeaderSize = 3

    /// Parses a frame header from the start of `bytes`.
    /// - Parameter bytes: The buffered bytes at a frame boundary.
    /// - Returns: The header; or ``Failure/needBytes(_:)`` when `bytes` is too short to tell, or
    ///   ``Failure/invalid(_:)`` saying why this is not a frame header.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<ZstdFrameHeader, Failure> {
        guard bytes.count >= 4 else { return .failure(.needBytes(4)) }
        let magic = UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
        if magic & 0xFFFF_FFF0 == ZstdMagic.skippableFrameBase {
            guard bytes.count >= 8 else { return .failure(.needBytes(8)) }
            let size = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            return .success(.skippable(payloadSize: Int(size)))
        }
        guard Array(bytes.prefix(4)) == ZstdMagic.frameBytes else {
            return .failure(
                .invalid(
                    "bytes \(bytes.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")) are not a zstd "
                        + "frame magic number"
                )
            )
        }
        guard bytes.count >= 5 else { return .failure(.needBytes(5)) }
        let descriptor = bytes[4]
        guard descriptor & 0x08 == 0 else {
            return .failure(.invalid("the zstd frame header sets a reserved bit"))
        }
        let contentSizeFlag = Int(descriptor >> 6)
        let singleSegment = descriptor & 0x20 != 0
        let hasChecksum = descriptor & 0x04 != 0
        let dictionaryIDSize = [0, 1, 2, 4][Int(descriptor & 0x03)]
        let contentSizeSize = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag]
        let contentSizeOffset = 5 + (singleSegment ? 0 : 1) + dictionaryIDSize
        let headerSize = contentSizeOffset + contentSizeSize
        guard bytes.count >= headerSize else { return .failure(.needBytes(headerSize)) }
        var contentSize: Int?
        if contentSizeSize > 0 {
            var value: UInt64 = 0
            for index in (0..<contentSizeSize).reversed() {
                value = value << 8 | UInt64(bytes[contentSizeOffset + index])
            }
            if contentSizeSize == 2 { value += 256 }
            guard let size = Int(exactly: value) else {
                return .failure(.invalid("the zstd frame announces an impossible content size \(value)"))
            }
            contentSize = size
        }
        return .success(.data(headerSize: headerSize, contentSize: contentSize, hasChecksum: hasChecksum))
    }

    /// Why a header could not be parsed.
    enum Failure: Error, Equatable {
        /// At least this many bytes (from the frame start) are needed.
        case needBytes(Int)
        /// The bytes are not a frame header.
        case invalid(String)
    }

    /// Reads a block header.
    /// - Parameter bytes: At least 3 bytes starting at a block header.
    /// - Returns: Whether this is the last block and how many bytes of block content follow the header, or
    ///   ``Failure/invalid(_:)`` for the reserved block type.
    static func block(_ bytes: UnsafeRawBufferPointer) -> Result<(isLast: Bool, contentSize: Int), Failure> {
        let raw = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16
        let isLast = raw & 1 != 0
        let size = Int(raw >> 3)
        switch (raw >> 1) & 3 {
        case 0, 2: return .success((isLast, size))
        case 1: return .success((isLast, 1))
        default: return .failure(.invalid("a zstd block has the reserved block type 3"))
        }
    }
}
