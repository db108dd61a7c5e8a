import MLMZstd
import Testing

/// zstd reaches 32,768 to 1 (a 4-byte RLE block holds 128 KiB): the stream decoder can bound what one call
/// produces, so that a small file cannot make a reader hold gigabytes at once.
@Suite struct BoundedDecompressionTests {
    @Test func streamDecoderStopsAtTheLimitAndHandsOverTheRestLater() throws {
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: 8 << 20)
        let frame = try ZstdCompressor(level: 3).compressFrame(text)
        #expect(frame.count < 2000)
        let decoder = try ZstdStreamDecoder()
        var output: [UInt8] = []
        var consumed = 0
        var calls = 0
        while consumed < frame.count || !decoder.atFrameBoundary {
            let before = output.count
            consumed += try frame[consumed...].withUnsafeBytes { try decoder.decompress($0, into: &output, limit: 100_000) }
            #expect(output.count - before <= 100_000)
            calls += 1
            if calls > 1000 { break }
        }
        #expect(output == text)
        #expect(calls >= (8 << 20) / 100_000)
    }
}
