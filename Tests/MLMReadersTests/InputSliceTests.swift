import MLMCore
import MLMTestSupport
import MLMZstd
import Testing

@testable import MLMReaders

/// `--worker I/N` reading: every worker's documents, in worker order, are exactly one reader's documents.
@Suite struct InputSliceTests {
    /// What a reader run gives, in a form that does not depend on where a slice starts (lines are unknown there).
    struct Reading: Equatable {
        var documents: [[String]] = []
        var offsets: [String] = []
        var skips: [String] = []
        var counts = RunCounts()
    }

    func read(_ paths: [String], _ options: ReaderOptions) throws -> Reading {
        let result = try readAll(paths, options)
        var reading = Reading(documents: result.documents, counts: result.counts)
        reading.offsets = result.locations.map { "\($0.file)@\($0.byteOffset)" }
        reading.skips = result.reports.filter { $0.reason != nil || $0.detail.contains("cut here") }
            .map { "\($0.location.file)@\($0.location.byteOffset) \($0.detail)" }
        return reading
    }

    /// Reads with every worker of N and checks the concatenation against one reader.
    @discardableResult
    func checkWorkers(_ paths: [String], _ options: ReaderOptions, counts: [Int]) throws -> [[Reading]] {
        let whole = try read(paths, options)
        var all: [[Reading]] = []
        for count in counts {
            var joined = Reading()
            var parts: [Reading] = []
            for index in 0..<count {
                var sliced = options
                sliced.worker = WorkerSlice(index: index, count: count)
                let part = try read(paths, sliced)
                parts.append(part)
                joined.documents += part.documents
                joined.offsets += part.offsets
                joined.skips += part.skips
                joined.counts.merge(part.counts)
            }
            #expect(joined.documents == whole.documents, "documents differ with \(count) workers")
            #expect(joined.offsets == whole.offsets, "document positions differ with \(count) workers")
            #expect(joined.skips == whole.skips, "skips differ with \(count) workers")
            #expect(joined.counts == whole.counts, "counts differ with \(count) workers")
            all.append(parts)
        }
        return all
    }

    /// Random plain text: sentences, blank and white-space lines (Unicode ones too), CRLF, over-long lines.
    func randomText(seed: UInt64, lines: Int) -> String {
        var random = CounterRandom(seed: seed, index: 0)
        let blanks = ["", " ", "\t \t", "\u{3000}", "\u{00A0}", " \r", "\u{2028}"]
        let words = ["alpha", "beta", "Größe", "東京", "x", "the", "a,b", "\u{00A0}y"]
        var text = ""
        for _ in 0..<lines {
            switch random.below(10) {
            case 0, 1, 2: text += blanks[random.below(blanks.count)]
            case 3: text += String(repeating: "long ", count: 20 + random.below(20))  // over 80 bytes
            default: text += (0..<(1 + random.below(6))).map { _ in words[random.below(words.count)] }.joined(separator: " ")
            }
            text += random.below(8) == 0 ? "\r\n" : "\n"
        }
        if random.below(2) == 0 { text += "no final newline" }
        return text
    }

    var smallOptions: ReaderOptions {
        var options = ReaderOptions()
        options.maxLineBytes = 80
        options.maxDocumentBytes = 200
        options.readChunkBytes = 13
        options.targetChunkBytes = 64
        return options
    }

    @Test func randomPlainTextSplitsExactlyForAnyWorkerCount() throws {
        let directory = TemporaryDirectory()
        for seed in UInt64(0)..<6 {
            let paths = (0..<3).map { directory.write("t\(seed)-\($0).txt", randomText(seed: seed * 10 + UInt64($0), lines: 60)) }
            for boundary in [DocumentBoundary.blankLine, .line] {
                var options = smallOptions
                options.boundary = boundary
                try checkWorkers(paths, options, counts: [1, 2, 3, 5, 8])
            }
        }
    }

    @Test func jsonLinesSplitAtLineStarts() throws {
        let directory = TemporaryDirectory()
        var lines: [String] = []
        for number in 0..<40 {
            lines.append(number % 7 == 3 ? "" : number % 11 == 5 ? "not json" : "{\"text\": \"record \(number)\\nsecond\"}")
        }
        let path = directory.write("a.jsonl", lines.joined(separator: "\n"))
        var options = smallOptions
        options.maxLineBytes = 1024
        options.badRecords = .skip
        try checkWorkers([path], options, counts: [1, 2, 3, 4, 7])
    }

    @Test func aZstdFileIsSplitInDecompressedBytes() throws {
        let directory = TemporaryDirectory()
        let text = randomText(seed: 42, lines: 300)
        let compressed = try ZstdCompressor(level: 3).compressFrame(Array(text.utf8))
        let path = directory.write("a.txt.zst", compressed)
        let plain = directory.write("b.txt", text)
        #expect(try InputSlicePlan.size(of: path) == text.utf8.count)
        // Two frames, one of them skippable: sizes still come from the headers.
        var twoFrames = compressed
        twoFrames += [0x50, 0x2A, 0x4D, 0x18, 2, 0, 0, 0, 7, 7] + compressed
        let doubled = directory.write("c.txt.zst", twoFrames)
        #expect(try InputSlicePlan.size(of: doubled) == 2 * text.utf8.count)
        let slices = try checkWorkers([path, plain, doubled], smallOptions, counts: [1, 2, 3, 4, 6])
        // With 3 workers each one holds documents of the compressed file (it is one third of the bytes).
        #expect(slices[2].allSatisfy { !$0.documents.isEmpty })
    }

    @Test func emptyInputsAndFewerDocumentsThanWorkers() throws {
        let directory = TemporaryDirectory()
        let empty = directory.write("empty.txt", "")
        let blank = directory.write("blank.txt", "\n\n \n")
        let one = directory.write("one.txt", "only one document\nof two lines\n")
        let slices = try checkWorkers([empty, blank, one, empty], smallOptions, counts: [1, 2, 4, 9])
        for parts in slices {
            #expect(parts.map(\.counts.files).reduce(0, +) == 4)
            #expect(parts.filter { !$0.documents.isEmpty }.count == 1)
        }
        // No input at all, and only empty inputs.
        try checkWorkers([], smallOptions, counts: [1, 3])
        try checkWorkers([empty, empty], smallOptions, counts: [1, 2, 5])
        // One document that spans the whole file: worker 0 takes it, the others read nothing.
        let long = directory.write("long.txt", (0..<50).map { "line \($0) of one document" }.joined(separator: "\n"))
        var options = ReaderOptions()
        options.readChunkBytes = 17
        let parts = try checkWorkers([long], options, counts: [4])[0]
        #expect(parts.map(\.documents.count) == [1, 0, 0, 0])
    }

    @Test func manySmallFilesAndOneBigFileAreBalanced() throws {
        let directory = TemporaryDirectory()
        let small = (0..<200).map { directory.write("s\($0).txt", "document \($0)\nsecond sentence\n\nanother \($0)\n") }
        let parts = try checkWorkers(small, ReaderOptions(), counts: [4])[0]
        let total = parts.map(\.counts.bytesRead).reduce(0, +)
        for part in parts { #expect(abs(part.counts.bytesRead - total / 4) <= 40) }
        let big = directory.write(
            "big.txt", (0..<5000).map { "document \($0) has a sentence.\nAnd another one.\n" }.joined(separator: "\n"))
        let bigParts = try checkWorkers([big], ReaderOptions(), counts: [1, 4, 7])
        let size = bigParts[0][0].counts.bytesRead
        for part in bigParts[2] { #expect(abs(part.counts.bytesRead - size / 7) <= 60) }
    }

    @Test func aLongWhiteSpaceLineBeforeACutIsJudgedExactly() throws {
        // The line before the cut is white space longer than the first look-back (64 KiB): blank when it is
        // within --max-line-bytes, not blank (so no fresh start after it) when it is longer.
        let directory = TemporaryDirectory()
        for (limit, spaces) in [(100_000, 70_000), (66_000, 70_000)] {
            let text = "first document\n" + String(repeating: " ", count: spaces) + "\nsecond\n\nthird\n"
            let path = directory.write("w\(limit).txt", text)
            var options = ReaderOptions()
            options.maxLineBytes = limit
            options.readChunkBytes = 4096
            try checkWorkers([path], options, counts: [2, 3])
        }
    }

    @Test func planRangesTileTheInputs() {
        for count in 1...7 {
            var covered = 0
            var empties = 0
            for index in 0..<count {
                let plan = InputSlicePlan(
                    paths: ["a", "b", "c", "d"], sizes: [10, 0, 25, 3], worker: WorkerSlice(index: index, count: count))
                for part in plan.parts {
                    if part.size == 0 { empties += 1 }
                    covered += (part.to ?? part.size) - part.from
                }
            }
            #expect(covered == 38)
            #expect(empties == 1)
        }
    }

    @Test func aDamagedZstdFileIsAnErrorNamingIt() throws {
        let directory = TemporaryDirectory()
        let frame = try ZstdCompressor(level: 3).compressFrame(Array(randomText(seed: 5, lines: 50).utf8))
        let truncated = directory.write("cut.txt.zst", Array(frame.prefix(frame.count / 2)))
        var options = ReaderOptions()
        options.worker = WorkerSlice(index: 1, count: 2)
        do {
            _ = try readAll([truncated], options)
            Issue.record("a truncated zstd file was read")
        } catch let error as ReaderError {
            #expect("\(error)".contains("cut.txt.zst"))
        }
    }

    @Test func standardInputCannotBeSplit() {
        var options = ReaderOptions()
        options.worker = WorkerSlice(index: 0, count: 2)
        #expect(throws: ReaderError.self) { try readAll(["-"], options) }
    }
}
