import MLMZstd
import Testing

/// Inputs found by the fuzz harness `tools/fuzz` (harness "zstd"), kept as regression tests.
@Suite struct ZstdFuzzRegressionTests {
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    /// fuzz-zstd crash-996d991a: an 8-byte content size above Int.max trapped in `Int(size)`
    /// (with -Ounchecked it would have wrapped to a negative count).
    @Test func contentSizeAboveIntMaxIsAnError() {
        let frame = Self.bytes("28b52ffde79e9d630100726e08d7ac65b5")
        let error = #expect(throws: ZstdError.self) {
            _ = try frame.withUnsafeBytes { try ZstdFrameDecoder.contentSize(of: $0) }
        }
        #expect(error?.message.contains("impossible content size") == true)
        #expect(throws: ZstdError.self) {
            _ = try frame.withUnsafeBytes { try ZstdFrameDecoder().decompressFrame($0) }
        }
    }

    /// fuzz-zstd oom-63043868: 97 bytes announcing 1,529,787,047 bytes made decompressFrame allocate 1.5 GB
    /// (anything up to the 2 GiB default limit) before finding the frame damaged.
    @Test func contentSizeBeyondWhatTheFrameCanHoldIsRejectedBeforeAllocating() {
        let frame = Self.bytes(
            "28b52ffdf4a7b22e5b00000000000000d61210df37a5bf35bc83008100860088e9"
                + String(repeating: "4f", count: 57) + "726e08d7ac65b5")
        #expect(frame.count == 97)
        let error = #expect(throws: ZstdError.self) {
            _ = try frame.withUnsafeBytes { try ZstdFrameDecoder().decompressFrame($0) }
        }
        #expect(error?.message.contains("more than its 97 compressed bytes can hold") == true)
    }

    /// The bound is not tighter than zstd itself: an RLE block (4 bytes for 128 KiB) and zstd's own output for
    /// highly repetitive data still decode.
    @Test func framesAtTheHighestRatioStillDecode() throws {
        // Magic, descriptor (single segment, 4-byte content size), content size 131072, last RLE block of
        // 131072 bytes of 'a'.
        let rle: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0xA0, 0x00, 0x00, 0x02, 0x00, 0x03, 0x00, 0x10, 0x61]
        let decoded = try rle.withUnsafeBytes { try ZstdFrameDecoder().decompressFrame($0) }
        #expect(decoded == [UInt8](repeating: 0x61, count: 131072))
        let zeros = [UInt8](repeating: 0, count: 16 << 20)
        let frame = try ZstdCompressor(level: 19).compressFrame(zeros)
        #expect(try frame.withUnsafeBytes { try ZstdFrameDecoder().decompressFrame($0) } == zeros)
    }
}
