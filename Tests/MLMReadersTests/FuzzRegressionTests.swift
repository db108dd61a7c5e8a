import Foundation
import MLMCore
import MLMReaders
import MLMTestSupport
import MLMZstd
import Testing

/// Inputs found by the fuzz harnesses in `tools/fuzz` ("text", "jsonl", "zstd"), kept as regression tests.
@Suite struct ReaderFuzzRegressionTests {
    /// fuzz-text, first input (the empty file): its zstd frame, read in 1-byte reads, was taken for plain text,
    /// because the magic number was looked for in the first read only (a pipe may deliver fewer than 4 bytes).
    @Test func zstdInputIsRecognisedWhenItArrivesInPiecesSmallerThanTheMagicNumber() throws {
        let directory = TemporaryDirectory()
        let compressor = try ZstdCompressor(level: 3)
        for text in ["", "one\ntwo\n\nthree\n"] {
            let path = directory.write("input.txt.zst", try compressor.compressFrame(Array(text.utf8)))
            for chunkSize in [1, 2, 3, 4, 5] {
                let source = try ByteSource(path: path, chunkSize: chunkSize)
                var output: [UInt8] = []
                while try source.read(appendingTo: &output) {}
                #expect(source.isCompressed, "reads of \(chunkSize) bytes")
                #expect(output == Array(text.utf8), "reads of \(chunkSize) bytes")
            }
        }
    }

    /// The same through CorpusReader: a .zst corpus read in reads of 1 byte gives what one read gives.
    @Test func smallReadsOfACompressedCorpusReadTheSame() throws {
        var options = ReaderOptions()
        let whole = try readAll([Fixtures.corpus("en.txt.zst")], options)
        options.readChunkBytes = 1
        let pieces = try readAll([Fixtures.corpus("en.txt.zst")], options)
        #expect(pieces.documents == whole.documents)
        #expect(pieces.counts == whole.counts)
        #expect(whole.documents.count == 30)
    }

    /// Short input files (fewer than 4 bytes) are still plain text.
    @Test func inputsShorterThanTheMagicNumberArePlainText() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("short.txt", "ab")
        var options = ReaderOptions()
        options.readChunkBytes = 1
        #expect(try readAll([path], options).documents == [["ab"]])
    }

    /// A line of exactly --max-line-bytes ending in `\r\n` was skipped as too long when a read ended between the
    /// `\r` and the `\n` (the `\r` was counted while waiting for the newline). Seen while writing the text harness,
    /// whose small-read invariant fails on this input (tools/fuzz/.build-fuzz/debug/fuzz-text on it).
    @Test func carriageReturnBeforeAReadBoundaryDoesNotCountTowardsTheLineLimit() throws {
        let directory = TemporaryDirectory()
        let line = String(repeating: "A", count: 16)
        for text in ["\(line)\r\nb\n", "\(line)\r"] {
            let path = directory.write("a.txt", text)
            var options = ReaderOptions()
            options.maxLineBytes = 16
            let whole = try readAll([path], options)
            options.readChunkBytes = 1
            let pieces = try readAll([path], options)
            #expect(whole.documents.first?.first == line, "\(text.debugDescription)")
            #expect(pieces.documents == whole.documents, "\(text.debugDescription)")
            #expect(pieces.counts == whole.counts, "\(text.debugDescription)")
        }
        // One byte more is too long, however it is read.
        let path = directory.write("b.txt", line + "A\r\nb\n")
        for readSize in [1, 1 << 20] {
            var options = ReaderOptions()
            options.maxLineBytes = 16
            options.readChunkBytes = readSize
            #expect(try readAll([path], options).counts.documentsSkipped[.lineTooLong] == 1)
        }
    }

    /// fuzz-jsonl crash-7e84c5cf (after 401 s): the same `\r` bug in JSON Lines, a record of exactly
    /// --max-line-bytes 40 ending in `\r\n`, read in 11-byte reads, was skipped as too long.
    @Test func jsonLinesRecordAtTheLimitEndingInCarriageReturnReadsTheSameInSmallReads() throws {
        let artifact = [UInt8](
            Data(
                base64Encoded:
            "eyI/ZXh0IjoKImFcdWQ2MDBiXPFjdWZhbHNlXP//////////dWQ4M2RcdWRlMDAiLCAiaWQiOiBbMiwgeyJ4IjogbiJ0ZXh0Ijp1"
            + "bGx9XSwgInRleHQiOiAibGFzdCJ9CnsidGV4dCI6IDFlNDAwfQp7InxleHQiOiAiXHUwMGU5XG5cbFxuXHQifQogIAp7fQp7In17"
            + "InRleHQiOiAiYVx1ZDgwMGJcdWRjMDBjXHVkODNkXHVkZTAwDQogImlkIjogWzEsMWU0MDB9CnsiJnRleHQiOv///yJcdTAwZTlc"
            + "blxyXG5cdCJ9CiAgCnt9Clt4MHRdImUKe3QiOiAi//4ifQp7ImEiOiAtMC4wZS01LCAiXHVkODNkXHVkZTAKeyJ0ZXh0IjogMWU0"
            + "MDB9LTAuNWUrMTAKeyJ8ZXh0InRydWV9Cg=="
            )!)
        let directory = TemporaryDirectory()
        let path = directory.write("crash.jsonl", artifact)
        for policy in BadRecordPolicy.allCases {
            var options = ReaderOptions()
            options.format = .jsonLines
            options.badRecords = policy
            options.maxLineBytes = 40
            let whole = Result { try readAll([path], options) }
            options.readChunkBytes = 11
            let pieces = Result { try readAll([path], options) }
            switch (whole, pieces) {
            case (.success(let a), .success(let b)):
                #expect(a.documents == b.documents && a.counts == b.counts && a.reports == b.reports)
                // Line 7 is the 40-byte record ending in \r\n.
                #expect(!a.reports.contains { $0.location.line == 7 && $0.reason == .lineTooLong })
            case (.failure(let a), .failure(let b)):
                #expect("\(a)" == "\(b)")
            default:
                Issue.record("one read and 11-byte reads disagree (\(policy)): \(whole) vs \(pieces)")
            }
        }
    }
}
