// Harness "zstd": arbitrary bytes through the three zstd decoding paths — ZstdFrameDecoder (one frame with its
// content size, as ShardReader uses it), ZstdStreamDecoder fed in pieces of 1 to 64 bytes, and ByteSource (the
// bytes as an input file, as every reader uses it).
//
// Checks, besides "no crash, no unbounded allocation, only typed errors": where the frame decoder succeeds the
// stream decoder gives the same bytes; the stream decoder gives the same bytes however the input is cut; the
// ByteSource gives what the stream decoder gives, one bounded piece per read, and fails exactly when the stream
// is damaged or ends inside a frame.
import FuzzSupport
import MLMReaders
import MLMZstd

let scratch = ScratchFile(suffix: ".zst")
nonisolated(unsafe) let frameDecoder: ZstdFrameDecoder = {
    do { return try ZstdFrameDecoder() } catch { Fuzz.fail("decoder: \(error)") }
}()

/// Decompresses `input` in pieces of `piece` bytes; nil when the data is damaged or ends inside a frame.
func streamDecode(_ input: [UInt8], piece: Int) -> [UInt8]? {
    let decoder: ZstdStreamDecoder
    do { decoder = try ZstdStreamDecoder() } catch { Fuzz.fail("stream decoder: \(error)") }
    var output: [UInt8] = []
    var start = 0
    while start < input.count {
        let end = min(start + piece, input.count)
        let failed = input[start..<end].withUnsafeBytes { raw -> Bool in
            do {
                try decoder.decompress(raw, into: &output)
                return false
            } catch {
                return true
            }
        }
        if failed { return nil }
        start = end
    }
    return decoder.atFrameBoundary ? output : nil
}

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZstd(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(data, count)
    let piece = 1 + Int(input.last ?? 0) % 64

    // One frame, decompressed at once.
    var single: [UInt8]?
    input.withUnsafeBytes { raw in
        if let size = try? ZstdFrameDecoder.frameSize(of: raw) {
            Fuzz.check(size > 0 && size <= raw.count, "frame size \(size) of \(raw.count) bytes")
        }
        _ = try? ZstdFrameDecoder.contentSize(of: raw)
        single = try? frameDecoder.decompressFrame(raw)
    }

    // A stream, in one piece and in small pieces.
    let whole = streamDecode(input, piece: max(input.count, 1))
    let split = streamDecode(input, piece: piece)
    Fuzz.check(whole == split, "stream decoding in pieces of \(piece) bytes differs from one piece")
    if let single {
        if let size = try? input.withUnsafeBytes({ try ZstdFrameDecoder.frameSize(of: $0) }), size == input.count {
            Fuzz.check(whole == single, "the frame decoder and the stream decoder disagree")
        }
    }

    // The reader's byte source over the same bytes as a file (zstd is recognised by its magic number).
    scratch.with(input) { path in
        for chunkSize in [1 << 20, piece] {
            var output: [UInt8] = []
            do throws(ReaderError) {
                let source = try ByteSource(path: path, chunkSize: chunkSize)
                var before = 0
                while try source.read(appendingTo: &output) {
                    // Memory stays bounded however well the input compresses.
                    Fuzz.check(
                        output.count - before <= ByteSource.outputLimit(chunkSize: chunkSize),
                        "one read handed on \(output.count - before) bytes")
                    before = output.count
                }
                if source.isCompressed {
                    Fuzz.check(whole == output, "ByteSource (reads of \(chunkSize)) and the stream decoder disagree")
                } else {
                    Fuzz.check(output == input, "ByteSource changed uncompressed bytes")
                }
            } catch {
                Fuzz.check(
                    error.code == .corruptCompressed || error.code == .truncatedCompressed,
                    "ByteSource threw \(error.code)")
                Fuzz.check(whole == nil, "ByteSource failed (\(error.code)) where the stream decoder did not")
            }
        }
    }
    return 0
}

Fuzz.main(fuzzZstd)
