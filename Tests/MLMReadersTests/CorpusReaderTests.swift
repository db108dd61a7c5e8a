import MLMCore
import MLMReaders
import MLMTestSupport
import MLMZstd
import Testing

/// Reads everything and returns the documents as arrays of sentence strings, plus merged counts and reports.
func readAll(_ paths: [String], _ options: ReaderOptions = ReaderOptions()) throws -> (
    documents: [[String]], counts: RunCounts, reports: [SkipReport], locations: [InputLocation]
) {
    var documents: [[String]] = []
    var counts = RunCounts()
    var reports: [SkipReport] = []
    var locations: [InputLocation] = []
    try CorpusReader(paths: paths, options: options).read { chunk in
        var first = 0
        for document in chunk.documents {
            var sentences: [String] = []
            for sentence in first..<document.sentenceEnd {
                let start = sentence == 0 ? 0 : chunk.sentenceEnds[sentence - 1]
                sentences.append(String(decoding: chunk.bytes[start..<chunk.sentenceEnds[sentence]], as: UTF8.self))
            }
            first = document.sentenceEnd
            documents.append(sentences)
            locations.append(document.location)
        }
        counts.merge(chunk.counts)
        reports += chunk.skipped
    }
    return (documents, counts, reports, locations)
}

@Suite struct CorpusReaderTests {
    @Test func blankLinesEndDocumentsAndCarriageReturnsAreDropped() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("a.txt", "First one.\r\nSecond one.\n\n \t \nNext doc.\n\n\n\u{3000}\nLast line no newline")
        let result = try readAll([path])
        #expect(result.documents == [["First one.", "Second one."], ["Next doc."], ["Last line no newline"]])
        #expect(result.counts.documentsRead == 3)
        #expect(result.counts.lines == 9)
        #expect(result.locations.map(\.line) == [1, 5, 9])
        #expect(result.locations[1].byteOffset == Array("First one.\r\nSecond one.\n\n \t \n".utf8).count)
    }

    @Test func controlCharactersInsideALineAreText() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("a.txt", "a\rb\u{0C}c\u{2028}d\nsecond\n")
        let result = try readAll([path])
        #expect(result.documents == [["a\rb\u{0C}c\u{2028}d", "second"]])
    }

    @Test func lineModeMakesEveryLineADocumentAndCountsBlankOnes() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("a.txt", "one\n\ntwo\nthree")
        var options = ReaderOptions()
        options.boundary = .line
        let result = try readAll([path], options)
        #expect(result.documents == [["one"], ["two"], ["three"]])
        #expect(result.counts.documentsRead == 4)
        #expect(result.counts.documentsSkipped[.empty] == 1)
        #expect(result.counts.addsUp == false)  // written is counted by the tokenizer, not the reader
        #expect(result.counts.documentsRead == result.documents.count + result.counts.documentsSkippedTotal)
    }

    @Test func documentsNeverSpanFiles() throws {
        let directory = TemporaryDirectory()
        let a = directory.write("a.txt", "a1\na2")
        let b = directory.write("b.txt", "b1\n")
        let result = try readAll([a, b])
        #expect(result.documents == [["a1", "a2"], ["b1"]])
        #expect(result.counts.files == 2)
        #expect(result.locations.map(\.file) == [a, b])
    }

    @Test func zstdInputIsRecognisedByMagicBytesWhateverItsName() throws {
        let directory = TemporaryDirectory()
        var text = ""
        for index in 0..<5000 { text += "sentence \(index) of the doc.\n" + (index % 10 == 9 ? "\n" : "") }
        let frame = try ZstdCompressor(level: 3).compressFrame(Array(text.utf8))
        let path = directory.write("compressed.txt", frame)
        let plain = directory.write("plain.txt", text)
        let fromZstd = try readAll([path])
        let fromText = try readAll([plain])
        #expect(fromZstd.documents == fromText.documents)
        #expect(fromZstd.documents.count == 500)
        #expect(fromZstd.counts.bytesRead == text.utf8.count)
    }

    @Test func truncatedZstdIsAnErrorNamingTheFile() throws {
        let directory = TemporaryDirectory()
        let frame = try ZstdCompressor().compressFrame(Array(String(repeating: "hello world\n", count: 20000).utf8))
        let path = directory.write("cut.txt.zst", Array(frame.prefix(frame.count / 2)))
        do {
            _ = try readAll([path])
            Issue.record("a truncated .zst was read without error")
        } catch let error as ReaderError {
            #expect(error.code == .truncatedCompressed || error.code == .corruptCompressed)
            #expect(error.location.file == path)
            #expect(error.description.contains(path))
        }
    }

    @Test func corruptZstdIsAnError() throws {
        let directory = TemporaryDirectory()
        var frame = try ZstdCompressor().compressFrame(Array(String(repeating: "hello world\n", count: 20000).utf8))
        for index in stride(from: 12, to: frame.count - 8, by: 7) { frame[index] ^= 0xA5 }
        let path = directory.write("bad.zst", frame)
        #expect(throws: ReaderError.self) { _ = try readAll([path]) }
    }

    @Test func missingFileAndDirectoryAreClearErrors() throws {
        let directory = TemporaryDirectory()
        do {
            _ = try readAll([directory.file("nope.txt")])
            Issue.record("missing file accepted")
        } catch let error as ReaderError {
            #expect(error.code == .fileNotFound)
            #expect(error.description.contains("nope.txt"))
        }
        do {
            _ = try readAll([directory.path])
            Issue.record("directory accepted")
        } catch let error as ReaderError {
            #expect(error.code == .unreadable)
            #expect(error.message.contains("directory"))
        }
    }

    @Test func overlongLinesSkipTheirDocumentWithALocation() throws {
        let directory = TemporaryDirectory()
        let long = String(repeating: "x", count: 5000)
        let path = directory.write("a.txt", "keep me\n\nfirst\n\(long)\nthird\n\nkeep too\n")
        var options = ReaderOptions()
        options.maxLineBytes = 1024
        options.targetChunkBytes = 64
        let result = try readAll([path], options)
        #expect(result.documents.count == 2)
        #expect(result.documents.first == ["keep me"] && result.documents.last == ["keep too"])
        #expect(result.counts.documentsSkipped[.lineTooLong] == 1)
        #expect(result.reports.first?.location.line == 4)
        #expect(result.reports.first?.location.byteOffset == 15)
        #expect(result.counts.documentsRead == 3)
    }

    @Test func overlongLinesAreNotBufferedWhole() throws {
        let directory = TemporaryDirectory()
        let long = String(repeating: "y", count: 3 << 20)
        let path = directory.write("a.txt", "a\n\n\(long)\nb\n\nc")
        var options = ReaderOptions()
        options.maxLineBytes = 4096
        let result = try readAll([path], options)
        #expect(result.documents.count == 2)
        #expect(result.reports.first?.location.line == 3)
        #expect(result.reports.first?.location.byteOffset == 3)
        #expect(result.counts.bytesRead == long.utf8.count + 8)
    }

    @Test func hugeDocumentsAreCutAtLineBoundaries() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("a.txt", (0..<100).map { "line \($0)" }.joined(separator: "\n"))
        var options = ReaderOptions()
        options.maxDocumentBytes = 100
        let result = try readAll([path], options)
        #expect(result.documents.count > 5)
        #expect(result.documents.flatMap { $0 }.count == 100)
        #expect(result.documents.allSatisfy { $0.joined().utf8.count <= 100 })
    }

    @Test func chunksAreCutAtDocumentBoundariesOnly() throws {
        let directory = TemporaryDirectory()
        var text = ""
        for index in 0..<300 { text += "doc \(index) a\ndoc \(index) b\n\n" }
        let path = directory.write("a.txt", text)
        var options = ReaderOptions()
        options.targetChunkBytes = 100
        var chunks = 0
        var indices: [Int] = []
        try CorpusReader(paths: [path], options: options).read { chunk in
            chunks += 1
            indices.append(chunk.index)
            #expect(chunk.sentenceEnds.count == chunk.documents.count * 2)
        }
        #expect(chunks > 10)
        #expect(indices == Array(0..<chunks))
    }

    @Test func emptyFileGivesNoDocuments() throws {
        let directory = TemporaryDirectory()
        let result = try readAll([directory.write("empty.txt", "")])
        #expect(result.documents.isEmpty)
        #expect(result.counts.files == 1)
        #expect(result.counts.documentsRead == 0)
    }
}
