import Foundation
// Harness "text": arbitrary bytes as a plain-text input through CorpusReader (both document-boundary modes,
// small line and document limits, reads of a few bytes), then through the tokenize stage (ChunkTokenizer with
// --invalid-utf8 replace, skip and fail, and with --sentences icu).
//
// Checks, besides "no crash, no untyped error": the chunks are well formed; reading in reads of 1 to 13 bytes
// gives exactly what one big read gives; the same text compressed with zstd reads back identically; the
// counts add up after tokenizing (also with ICU sentences); every record written decodes and matches its counts;
// the slices of 2 to 5 workers (--worker I/N), joined in worker order, read exactly what one reader reads.
import FuzzSupport
import MLMCore
@testable import MLMPipeline
import MLMReaders
import MLMShards
import MLMTokenizer
import MLMZstd

let vocabulary = FuzzVocabulary.make()
let tables: BertCharacterTables = {
    do { return try BertCharacterTables() } catch { Fuzz.fail("character tables: \(error)") }
}()
nonisolated(unsafe) let workers: [InvalidUTF8Policy: ChunkTokenizer] = {
    var workers: [InvalidUTF8Policy: ChunkTokenizer] = [:]
    for policy in InvalidUTF8Policy.allCases {
        do {
            workers[policy] = try ChunkTokenizer(
                vocabulary: vocabulary, tables: tables, tokenizer: TokenizerSettings(), idType: .uint16,
                invalidUTF8: policy, sentences: .lines, compressionLevel: 1)
        } catch {
            Fuzz.fail("ChunkTokenizer: \(error)")
        }
    }
    return workers
}()
/// The tokenize stage with ICU sentences (ICU gets the text converted to UTF-16, invalid bytes as U+FFFD).
nonisolated(unsafe) let icuWorker: ChunkTokenizer = {
    do {
        return try ChunkTokenizer(
            vocabulary: vocabulary, tables: tables, tokenizer: TokenizerSettings(normalizer: .init(lowercase: false)),
            idType: .uint16, invalidUTF8: .replace, sentences: .icu, compressionLevel: 1)
    } catch {
        Fuzz.fail("ChunkTokenizer with ICU: \(error)")
    }
}()
nonisolated(unsafe) let compressor: ZstdCompressor = {
    do { return try ZstdCompressor(level: 1) } catch { Fuzz.fail("compressor: \(error)") }
}()
nonisolated(unsafe) let frameDecoder: ZstdFrameDecoder = {
    do { return try ZstdFrameDecoder(maximumContentSize: 64 << 20) } catch { Fuzz.fail("decoder: \(error)") }
}()
let scratch = ScratchFile(suffix: ".txt")

/// Everything a read produced, comparable.
struct ReadResult: Equatable {
    var bytes: [UInt8] = []
    var sentenceEnds: [Int] = []
    var sentenceLines: [Int] = []
    var sentenceOffsets: [Int] = []
    var documents: [DocumentInfo] = []
    var skipped: [SkipReport] = []
    var counts = RunCounts()
    var chunks: [DocumentChunk] = []
    var error: ReaderError.Code?

    static func == (a: ReadResult, b: ReadResult) -> Bool {
        a.bytes == b.bytes && a.sentenceEnds == b.sentenceEnds && a.sentenceLines == b.sentenceLines
            && a.sentenceOffsets == b.sentenceOffsets && a.documents == b.documents && a.skipped == b.skipped
            && a.counts == b.counts && a.error == b.error
    }
}

func read(_ path: String, _ options: ReaderOptions) -> ReadResult {
    var result = ReadResult()
    var expectedIndex = 0
    do {
        try CorpusReader(paths: [path], options: options).read { chunk in
            Fuzz.check(chunk.index == expectedIndex, "chunk index \(chunk.index), expected \(expectedIndex)")
            expectedIndex += 1
            checkWellFormed(chunk, options)
            // Flatten, so that results read with different chunk limits compare.
            let base = result.bytes.count
            let sentenceBase = result.sentenceEnds.count
            result.bytes += chunk.bytes
            result.sentenceEnds += chunk.sentenceEnds.map { $0 + base }
            result.sentenceLines += chunk.sentenceLines
            result.sentenceOffsets += chunk.sentenceOffsets
            result.documents += chunk.documents.map {
                DocumentInfo(sentenceEnd: $0.sentenceEnd + sentenceBase, location: $0.location)
            }
            result.skipped += chunk.skipped
            result.counts.merge(chunk.counts)
            result.chunks.append(chunk)
        }
    } catch let error as ReaderError {
        result.error = error.code
    } catch {
        Fuzz.fail("untyped error from CorpusReader: \(type(of: error)) \(error)")
    }
    return result
}

func checkWellFormed(_ chunk: DocumentChunk, _ options: ReaderOptions) {
    let sentences = chunk.sentenceEnds.count
    Fuzz.check(
        chunk.sentenceLines.count == sentences && chunk.sentenceOffsets.count == sentences,
        "sentence arrays differ in length")
    var previous = 0
    for end in chunk.sentenceEnds {
        Fuzz.check(end > previous, "empty or unordered sentence end \(end) after \(previous)")
        let sentence = chunk.bytes[previous..<end]
        Fuzz.check(!sentence.contains(0x0A), "a sentence holds a newline")
        Fuzz.check(sentence.count <= options.maxLineBytes, "a sentence is longer than maxLineBytes")
        previous = end
    }
    Fuzz.check(previous == chunk.bytes.count, "sentence ends stop at \(previous) of \(chunk.bytes.count) bytes")
    var previousDocument = 0
    for document in chunk.documents {
        Fuzz.check(
            document.sentenceEnd > previousDocument && document.sentenceEnd <= sentences,
            "document sentence end \(document.sentenceEnd) after \(previousDocument) of \(sentences)")
        previousDocument = document.sentenceEnd
    }
    Fuzz.check(previousDocument == sentences, "sentences after the last document")
    let skippedCounted = chunk.counts.documentsSkippedTotal
    Fuzz.check(
        chunk.counts.documentsRead == chunk.documents.count + skippedCounted,
        "reader counts: \(chunk.counts.documentsRead) read, \(chunk.documents.count) kept, \(skippedCounted) skipped")
}

func tokenize(_ result: ReadResult, icu: Bool) {
    let policies: [InvalidUTF8Policy?] = InvalidUTF8Policy.allCases.map { $0 } + (icu ? [nil] : [])
    for policy in policies {
        let worker: ChunkTokenizer
        if let policy {
            guard let chosen = workers[policy] else { Fuzz.fail("no worker") }
            worker = chosen
        } else {
            worker = icuWorker  // --invalid-utf8 replace, --sentences icu
        }
        var counts = RunCounts()
        var failed = false
        var recordsChecked = 0
        for chunk in result.chunks {
            let tokenized: TokenizedChunk
            do {
                tokenized = try worker.process(chunk)
            } catch {
                Fuzz.fail("ChunkTokenizer.process threw \(error)")
            }
            if let failure = tokenized.failure {
                Fuzz.check(policy == .fail && failure.code == .invalidUTF8, "unexpected failure \(failure)")
                failed = true
                break
            }
            Fuzz.check(tokenized.counts.addsUp, "chunk counts do not add up: \(tokenized.counts)")
            counts.merge(tokenized.counts)
            if let frame = tokenized.frame {
                // Decoding every record costs more than the rest; a few per input are enough.
                if recordsChecked < 4 && policy != .fail {
                    recordsChecked += 1
                    checkRecord(frame, rawSize: tokenized.rawSize, documents: tokenized.documents)
                }
            } else {
                Fuzz.check(tokenized.documents == 0, "documents without a record")
            }
        }
        if !failed {
            Fuzz.check(counts.addsUp, "run counts do not add up: \(counts)")
            if policy == .fail {
                Fuzz.check(counts.invalidUTF8Sequences == 0, "--invalid-utf8 fail let invalid UTF-8 through")
            }
            if policy == .skip {
                Fuzz.check(
                    counts.documentsSkipped[.invalidUTF8, default: 0] > 0 || counts.invalidUTF8Sequences == 0,
                    "--invalid-utf8 skip found invalid UTF-8 but skipped nothing")
            }
        }
    }
}

func checkRecord(_ frame: [UInt8], rawSize: Int, documents: Int) {
    do {
        let record = try frame.withUnsafeBytes { try frameDecoder.decompressFrame($0) }
        Fuzz.check(record.count == rawSize, "record size \(record.count), expected \(rawSize)")
        let (tensors, _) = try SafetensorsRecord.decode(record)
        Fuzz.check(tensors.map(\.name).sorted() == ["doc_offsets", "flags", "ids"], "tensor names")
        guard let ids = tensors.first(where: { $0.name == "ids" }),
            let flags = tensors.first(where: { $0.name == "flags" }),
            let offsets = tensors.first(where: { $0.name == "doc_offsets" })
        else { Fuzz.fail("missing tensor") }
        let idValues = try ids.values(as: UInt16.self)
        let offsetValues = try offsets.values(as: Int64.self)
        Fuzz.check(flags.shape == ids.shape, "flags and ids differ in shape")
        Fuzz.check(offsetValues.count == documents + 1, "doc_offsets count")
        Fuzz.check(offsetValues.first == 0 && offsetValues.last == Int64(idValues.count), "doc_offsets bounds")
        Fuzz.check(zip(offsetValues, offsetValues.dropFirst()).allSatisfy { $0 < $1 }, "empty document written")
        Fuzz.check(idValues.allSatisfy { Int($0) < vocabulary.count }, "id out of range")
    } catch {
        Fuzz.fail("a record the tokenizer wrote does not read back: \(error)")
    }
}

/// What a read gives, without the line numbers (a slice that starts inside the file does not know them) and the
/// warning about a file without documents (only a worker that reads the whole file can tell).
struct SliceView: Equatable {
    var bytes: [UInt8] = []
    var sentenceEnds: [Int] = []
    var sentenceOffsets: [Int] = []
    var documents: [String] = []
    var skipped: [String] = []
    var counts = RunCounts()

    mutating func append(_ result: ReadResult) {
        let base = bytes.count
        let sentenceBase = sentenceEnds.count
        bytes += result.bytes
        sentenceEnds += result.sentenceEnds.map { $0 + base }
        sentenceOffsets += result.sentenceOffsets
        documents += result.documents.map { "\($0.sentenceEnd + sentenceBase)@\($0.location.byteOffset)" }
        skipped += result.skipped.filter { !$0.detail.contains("no documents") }
            .map { "\($0.location.byteOffset) \($0.detail)" }
        counts.merge(result.counts)
    }
}

/// Reads every worker's slice of `path` and checks them, joined, against one reader's `whole` result.
func checkSlices(_ path: String, _ options: ReaderOptions, whole: ReadResult, workers: Int) {
    var expected = SliceView()
    expected.append(whole)
    var joined = SliceView()
    for index in 0..<workers {
        var sliced = options
        sliced.worker = WorkerSlice(index: index, count: workers)
        let part = read(path, sliced)
        Fuzz.check(part.error == nil, "worker \(index)/\(workers) failed where one reader did not: \(String(describing: part.error))")
        joined.append(part)
    }
    Fuzz.check(
        joined == expected,
        "\(workers) workers' slices differ from one read (\(options.boundary), max line \(options.maxLineBytes)): "
            + "\(joined.counts) vs \(expected.counts)")
}

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(data, count)
    // The first byte picks the small read size; the whole input (that byte included) is the file.
    let smallRead = 1 + Int(input.first ?? 0) % 13
    var configurations: [ReaderOptions] = []
    for boundary in DocumentBoundary.allCases {
        for (maxLine, maxDocument, target) in [(16, 1 << 20, 1 << 16), (200, 48, 24)] {
            var options = ReaderOptions()
            options.format = .text
            options.readChunkBytes = 1 << 16  // more than any input: one read
            options.boundary = boundary
            options.maxLineBytes = maxLine
            options.maxDocumentBytes = maxDocument
            options.targetChunkBytes = target
            configurations.append(options)
        }
    }
    scratch.write(input)
    var plain: [ReadResult] = []
    for options in configurations {
        let whole = read(scratch.path, options)
        var pieces = options
        pieces.readChunkBytes = smallRead
        let split = read(scratch.path, pieces)
        // Damaged zstd input fails both ways, but small reads may hand on chunks before reaching the damage.
        Fuzz.check(
            whole.error == split.error,
            "reads of \(smallRead) bytes fail differently: \(String(describing: whole.error)) vs "
                + "\(String(describing: split.error))")
        Fuzz.check(
            whole.error != nil || whole == split,
            "reads of \(smallRead) bytes differ from one read (\(options.boundary), max line \(options.maxLineBytes)): "
                + "\(whole.counts) vs \(split.counts)")
        if whole.error == nil {
            tokenize(whole, icu: options.maxLineBytes == 200)
            checkSlices(scratch.path, pieces, whole: whole, workers: 2 + Int(input.last ?? 0) % 4)
        }
        plain.append(whole)
    }
    // The same text as a .zst file must read identically (unless the input is zstd data itself).
    if !ZstdMagic.isZstd(input.prefix(4)) {
        let frame: [UInt8]
        do { frame = try compressor.compressFrame(input) } catch { Fuzz.fail("compress: \(error)") }
        scratch.write(frame)
        for (options, expected) in zip(configurations, plain) {
            var pieces = options
            pieces.readChunkBytes = smallRead
            for variant in [options, pieces] {
                var compressed = read(scratch.path, variant)
                // The one intended difference: an empty file's warning says "(0 bytes after decompression)".
                for index in compressed.skipped.indices {
                    compressed.skipped[index].detail = compressed.skipped[index].detail.replacingOccurrences(
                        of: " after decompression", with: "")
                }
                Fuzz.check(
                    compressed == expected,
                    "the zstd-compressed input (reads of \(variant.readChunkBytes) bytes) reads differently: "
                        + "\(compressed.error.map { "\($0)" } ?? "ok") vs \(expected.error.map { "\($0)" } ?? "ok")")
            }
        }
    }
    scratch.remove()
    return 0
}

Fuzz.main(fuzzText)
