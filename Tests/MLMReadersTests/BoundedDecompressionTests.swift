import MLMCore
import MLMReaders
import MLMTestSupport
import MLMZstd
import Testing

/// A small .zst input that decompresses to far more than its size: each read hands on a bounded piece, so an
/// over-long line is dropped as it arrives instead of being decompressed whole into memory (a 66 kB file of
/// 2 GiB of 'a' used to take 2.4 GB of memory in `mlmprep tokenize`).
@Suite struct ReaderBoundedDecompressionTests {
    static func bomb(in directory: TemporaryDirectory, bytes: Int) throws -> String {
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: bytes) + Array("\nlast line\n".utf8)
        return directory.write("bomb.txt.zst", try ZstdCompressor(level: 3).compressFrame(text))
    }

    @Test func eachReadOfCompressedInputIsBounded() throws {
        let directory = TemporaryDirectory()
        let path = try Self.bomb(in: directory, bytes: 32 << 20)
        for chunkSize in [4096, 1 << 20] {
            let source = try ByteSource(path: path, chunkSize: chunkSize)
            var total = 0
            var buffer: [UInt8] = []
            while try source.read(appendingTo: &buffer) {
                #expect(buffer.count <= ByteSource.outputLimit(chunkSize: chunkSize))
                total += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
            #expect(total == (32 << 20) + 11)
        }
    }

    @Test func anOverlongCompressedLineIsSkippedAndTheRestIsRead() throws {
        let directory = TemporaryDirectory()
        let path = try Self.bomb(in: directory, bytes: 32 << 20)
        var options = ReaderOptions()
        options.maxLineBytes = 1 << 20
        options.boundary = .line
        let result = try readAll([path], options)
        #expect(result.documents == [["last line"]])
        #expect(result.counts.documentsSkipped[.lineTooLong] == 1)
        #expect(result.counts.bytesRead == (32 << 20) + 11)
    }
}
