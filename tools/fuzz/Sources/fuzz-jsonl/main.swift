// Harness "jsonl": arbitrary bytes as a JSON Lines input through CorpusReader (field "text", --bad-records skip
// and fail, reads of a few bytes, a small line limit), and through the strict JSON parser (JSONValue.parse).
//
// Checks, besides "no crash, no untyped error": skip never fails on a record; fail fails exactly when skip
// skipped a record for being bad; reads of 1 to 13 bytes give what one big read gives; on every line the fast
// field scanner (JSONTextField) agrees with the strict parser wherever the strict parser accepts the line;
// whatever the strict parser accepts prints and parses back to the same value.
import FuzzSupport
import MLMCore
import MLMReaders

let scratch = ScratchFile(suffix: ".jsonl")

/// Everything a read produced, comparable.
struct ReadResult: Equatable {
    var bytes: [UInt8] = []
    var sentenceEnds: [Int] = []
    var documents: [DocumentInfo] = []
    var skipped: [SkipReport] = []
    var counts = RunCounts()
    var error: ReaderError?
}

func read(_ path: String, _ options: ReaderOptions) -> ReadResult {
    var result = ReadResult()
    do {
        try CorpusReader(paths: [path], options: options).read { chunk in
            let base = result.bytes.count
            let sentenceBase = result.sentenceEnds.count
            var previous = 0
            for end in chunk.sentenceEnds {
                Fuzz.check(end > previous, "empty or unordered sentence")
                Fuzz.check(!chunk.bytes[previous..<end].contains(0x0A), "a sentence holds a newline")
                previous = end
            }
            Fuzz.check(previous == chunk.bytes.count, "sentence ends do not cover the bytes")
            Fuzz.check(
                chunk.counts.documentsRead == chunk.documents.count + chunk.counts.documentsSkippedTotal,
                "reader counts do not add up: \(chunk.counts)")
            result.bytes += chunk.bytes
            result.sentenceEnds += chunk.sentenceEnds.map { $0 + base }
            result.documents += chunk.documents.map {
                DocumentInfo(sentenceEnd: $0.sentenceEnd + sentenceBase, location: $0.location)
            }
            result.skipped += chunk.skipped
            result.counts.merge(chunk.counts)
        }
    } catch let error as ReaderError {
        result.error = error
    } catch {
        Fuzz.fail("untyped error from CorpusReader: \(type(of: error)) \(error)")
    }
    return result
}

/// The JSON type names JSONTextField uses.
func kind(_ value: JSONValue) -> String {
    switch value {
    case .null: "null"
    case .bool: "boolean"
    case .int, .double: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
}

/// Compares the field scanner with the strict parser on one line.
func compareScanner(_ line: ArraySlice<UInt8>) {
    let scanner = JSONTextField(field: "text")
    var output: [UInt8] = []
    let outcome = Array(line).withUnsafeBufferPointer { scanner.extract(from: $0, into: &output) }
    let strict: JSONValue
    do {
        strict = try JSONValue.parse(line)
    } catch {
        return  // the scanner is more lenient (lone surrogates, invalid UTF-8, deep nesting, huge numbers)
    }
    guard case .object(let members) = strict else {
        guard case .malformed = outcome else { Fuzz.fail("the scanner accepted a non-object: \(outcome)") }
        return
    }
    guard let member = members.last(where: { $0.key.utf8.elementsEqual("text".utf8) }) else {
        Fuzz.check(outcome == .missing, "no text field, but the scanner says \(outcome)")
        return
    }
    if case .string(let text) = member.value {
        Fuzz.check(outcome == .found(loneSurrogates: 0), "a text string, but the scanner says \(outcome)")
        Fuzz.check(output == Array(text.utf8), "the scanner's text differs from the parser's")
    } else {
        Fuzz.check(
            outcome == .notString(kind(member.value)), "a \(kind(member.value)) text, but the scanner says \(outcome)")
        Fuzz.check(output.isEmpty, "the scanner wrote text for a non-string field")
    }
}

/// Whatever the strict parser accepts prints and parses back to the same value.
func roundTrip(_ bytes: ArraySlice<UInt8>) {
    guard let value = try? JSONValue.parse(bytes) else { return }
    for printed in [value.compactPrinted(), value.prettyPrinted()] {
        do {
            let again = try JSONValue.parse(printed)
            Fuzz.check(again == value, "printing and parsing changed the value: \(printed)")
        } catch {
            Fuzz.fail("the printed value does not parse: \(error) in \(printed)")
        }
    }
}

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLines(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(data, count)
    let smallRead = 1 + Int(input.last ?? 0) % 13

    // The strict parser on the whole input and on every line.
    do {
        _ = try JSONValue.parse(input)
    } catch {
        Fuzz.check(error.byteOffset >= 0 && error.byteOffset <= input.count, "error offset out of range")
    }
    roundTrip(input[...])
    for line in input.split(separator: 0x0A, omittingEmptySubsequences: true) {
        var end = line.endIndex
        if end > line.startIndex && line[end - 1] == 0x0D { end -= 1 }
        compareScanner(line[line.startIndex..<end])
        roundTrip(line[line.startIndex..<end])
    }

    // The reader, skip and fail, with a small and a large line limit, in one read and in small reads.
    scratch.write(input)
    defer { scratch.remove() }
    for maxLine in [40, 1 << 20] {
        var results: [BadRecordPolicy: ReadResult] = [:]
        for policy in BadRecordPolicy.allCases {
            var options = ReaderOptions()
            options.format = .jsonLines
            options.field = "text"
            options.badRecords = policy
            options.maxLineBytes = maxLine
            options.targetChunkBytes = 64
            options.readChunkBytes = 1 << 16  // more than any input: one read
            let whole = read(scratch.path, options)
            options.readChunkBytes = smallRead
            let split = read(scratch.path, options)
            // Damaged zstd input fails both ways, but small reads may reach a record the damage garbled
            // before the frame's checksum is checked, and report that first.
            Fuzz.check(
                whole.error?.code == split.error?.code
                    || ZstdInput.looksCompressed(input) && (whole.error == nil) == (split.error == nil),
                "reads of \(smallRead) bytes fail differently: \(String(describing: whole.error)) vs "
                    + "\(String(describing: split.error))")
            if whole.error == nil {
                Fuzz.check(whole == split, "reads of \(smallRead) bytes read differently (\(policy), \(maxLine))")
            }
            results[policy] = whole
        }
        guard let skip = results[.skip], let fail = results[.fail] else { Fuzz.fail("missing results") }
        let compressedInput = ZstdInput.looksCompressed(input)
        if let error = skip.error {
            Fuzz.check(compressedInput, "--bad-records skip failed on plain input: \(error)")
            continue
        }
        let bad = skip.counts.documentsSkipped.filter { $0.key != .lineTooLong }.values.reduce(0, +)
        if let error = fail.error {
            Fuzz.check(error.code == .invalidInput, "--bad-records fail failed with \(error.code)")
            Fuzz.check(bad > 0, "--bad-records fail failed where skip skipped nothing: \(error)")
        } else {
            Fuzz.check(bad == 0, "--bad-records fail accepted what skip skipped")
            Fuzz.check(fail == skip, "with no bad records, fail and skip read differently")
        }
    }
    return 0
}

/// Whether the reader will treat the input as zstd data.
enum ZstdInput {
    static func looksCompressed(_ input: [UInt8]) -> Bool {
        guard input.count >= 4 else { return false }
        if input.prefix(4).elementsEqual([0x28, 0xB5, 0x2F, 0xFD]) { return true }
        let value = UInt32(input[0]) | UInt32(input[1]) << 8 | UInt32(input[2]) << 16 | UInt32(input[3]) << 24
        return value & 0xFFFF_FFF0 == 0x184D_2A50
    }
}

Fuzz.main(fuzzJSONLines)
