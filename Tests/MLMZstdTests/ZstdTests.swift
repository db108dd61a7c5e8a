import MLMCore
import MLMZstd
import Testing

@Suite struct ZstdTests {
    private func randomText(_ count: Int) -> [UInt8] {
        var generator = CounterRandom(seed: 42, index: 0)
        return (0..<count).map { _ in UInt8(ascii: "a") + UInt8(generator.next() % 8) }
    }

    @Test func frameRoundTripCarriesContentSizeAndChecksum() throws {
        let input = randomText(100_000)
        let frame = try ZstdCompressor(level: 3).compressFrame(input)
        #expect(frame.count < input.count)
        #expect(Array(frame.prefix(4)) == ZstdMagic.frameBytes)
        let size = try frame.withUnsafeBytes { try ZstdFrameDecoder.contentSize(of: $0) }
        #expect(size == input.count)
        // Frame header descriptor: bit 2 is the checksum flag.
        #expect(frame[4] & 0x04 != 0)
        let output = try frame.withUnsafeBytes { try ZstdFrameDecoder().decompressFrame($0) }
        #expect(output == input)
    }

    @Test func damagedFrameIsRejected() throws {
        let input = randomText(50_000)
        var frame = try ZstdCompressor().compressFrame(input)
        frame[frame.count / 2] ^= 0x55
        #expect(throws: ZstdError.self) {
            _ = try frame.withUnsafeBytes { try ZstdFrameDecoder().decompressFrame($0) }
        }
        let truncated = Array(frame.prefix(frame.count / 2))
        #expect(throws: ZstdError.self) {
            _ = try truncated.withUnsafeBytes { try ZstdFrameDecoder().decompressFrame($0) }
        }
    }

    @Test func streamDecoderReadsConcatenatedFramesInPieces() throws {
        let first = randomText(70_000)
        let second = randomText(3)
        let compressor = try ZstdCompressor(level: 1)
        let stream = try compressor.compressFrame(first) + compressor.compressFrame(second)
        let decoder = try ZstdStreamDecoder()
        var output: [UInt8] = []
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + 777)
            try stream[offset..<end].withUnsafeBytes { try decoder.decompress($0, into: &output) }
            offset = end
        }
        #expect(decoder.atFrameBoundary)
        #expect(output == first + second)
    }

    @Test func streamDecoderNoticesATruncatedStream() throws {
        let frame = try ZstdCompressor().compressFrame(randomText(10_000))
        let decoder = try ZstdStreamDecoder()
        var output: [UInt8] = []
        try frame.prefix(frame.count - 10).withUnsafeBytes { try decoder.decompress($0, into: &output) }
        #expect(!decoder.atFrameBoundary)
    }

    @Test func magicDetection() {
        #expect(ZstdMagic.isZstd([0x28, 0xB5, 0x2F, 0xFD, 0]))
        #expect(ZstdMagic.isZstd([0x5E, 0x2A, 0x4D, 0x18]))
        #expect(!ZstdMagic.isZstd(Array("text".utf8)))
        #expect(!ZstdMagic.isZstd([0x28, 0xB5]))
    }
}

