// Harness "tokenizer": BertEncoder (uncased, cased, and variants of the normalizer flags and word limit) over
// arbitrary bytes, with a small vocabulary that has multi-byte and continuation tokens. When the first byte is
// 0xFF the rest is also read as a vocabulary (one token per line) and a fixed text is encoded with it.
//
// Checks, besides "no crash": one flag per id; ids below the vocabulary size; a flag's word-start bit is set
// exactly on tokens that do not continue a word (no `##` prefix) and counts the words; the sentence-start bit
// only on the first token; invalid UTF-8 gives the same ids as the text with each invalid sequence replaced by
// U+FFFD (Swift's String(decoding:)), and the invalid sequences are counted exactly; encoding is the same
// whether or not another text was encoded before, whole or split at white space.
import FuzzSupport
import MLMCore
import MLMTokenizer

let tables: BertCharacterTables = {
    do { return try BertCharacterTables() } catch { Fuzz.fail("character tables: \(error)") }
}()

/// Normalizer settings: uncased (bert-base-uncased), cased, and a few other combinations.
let settings: [TokenizerSettings] = [
    TokenizerSettings(),
    TokenizerSettings(normalizer: BertNormalizerOptions(lowercase: false)),
    TokenizerSettings(normalizer: BertNormalizerOptions(stripAccents: false, lowercase: true), maxInputCharsPerWord: 5),
    TokenizerSettings(
        normalizer: BertNormalizerOptions(cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false),
        maxInputCharsPerWord: 1),
]

let vocabulary = FuzzVocabulary.make()
nonisolated(unsafe) let encoders = settings.map {
    BertEncoder(vocabulary: vocabulary, tables: tables, settings: $0)
}

/// Encodes `text` as one sentence and checks the invariants that hold for any input.
func encodeChecked(_ encoder: BertEncoder, _ text: [UInt8]) -> (ids: [UInt32], flags: [UInt8], invalid: Int) {
    encoder.reset()
    let report = text.withUnsafeBufferPointer { encoder.encode($0, sentenceStart: true) }
    let vocabulary = encoder.vocabulary
    let ids = encoder.ids
    let flags = encoder.flags
    Fuzz.check(ids.count == flags.count, "\(ids.count) ids but \(flags.count) flags")
    var words = 0
    var unknown = 0
    for (index, (id, flag)) in zip(ids, flags).enumerated() {
        Fuzz.check(Int(id) < vocabulary.count, "id \(id) out of range")
        Fuzz.check(flag & ~(TokenFlags.wordStart.rawValue | TokenFlags.sentenceStart.rawValue) == 0, "unknown flag bits")
        Fuzz.check(
            (flag & TokenFlags.sentenceStart.rawValue != 0) == (index == 0), "sentence-start flag on token \(index)")
        let startsWord = flag & TokenFlags.wordStart.rawValue != 0
        let continues = vocabulary.tokens[Int(id)].hasPrefix(vocabulary.continuingPrefix)
        Fuzz.check(
            startsWord != continues,
            "token \(index) '\(vocabulary.tokens[Int(id)])' has word-start \(startsWord)")
        Fuzz.check(index > 0 || startsWord, "the first token does not start a word")
        if startsWord { words += 1 }
        if id == UInt32(vocabulary.unknownID) { unknown += 1 }
    }
    Fuzz.check(encoder.wordCount == words, "wordCount \(encoder.wordCount) but \(words) word starts")
    Fuzz.check(encoder.unknownCount <= unknown, "unknownCount \(encoder.unknownCount) > \(unknown) [UNK] ids")
    Fuzz.check(report.invalidSequences >= 0 && (report.invalidSequences == 0) == (report.firstInvalidOffset == nil),
        "invalid report \(report)")
    if let offset = report.firstInvalidOffset { Fuzz.check(offset < text.count, "invalid offset out of range") }
    return (ids, flags, report.invalidSequences)
}

/// Occurrences of U+FFFD's encoding EF BF BD (always a valid sequence: EF is not a continuation byte).
func replacementCount(_ bytes: [UInt8]) -> Int {
    guard bytes.count >= 3 else { return 0 }
    var count = 0
    var index = 0
    while index + 2 < bytes.count {
        if bytes[index] == 0xEF && bytes[index + 1] == 0xBF && bytes[index + 2] == 0xBD {
            count += 1
            index += 3
        } else {
            index += 1
        }
    }
    return count
}

func checkText(_ text: [UInt8]) {
    let repaired = Array(String(decoding: text, as: UTF8.self).utf8)
    let expectedInvalid = replacementCount(repaired) - replacementCount(text)
    for encoder in encoders {
        let direct = encodeChecked(encoder, text)
        Fuzz.check(
            direct.invalid == expectedInvalid,
            "\(direct.invalid) invalid sequences counted, String(decoding:) replaced \(expectedInvalid)")
        if repaired != text {
            let clean = encodeChecked(encoder, repaired)
            Fuzz.check(clean.invalid == 0, "the repaired text still has invalid UTF-8")
            Fuzz.check(
                clean.ids == direct.ids && clean.flags == direct.flags,
                "invalid UTF-8 tokenizes differently from U+FFFD: \(direct.ids) vs \(clean.ids)")
        }
        // No state leaks from one call to the next: encode something else first, then the text again.
        encoder.reset()
        let other: [UInt8] = Array("e\u{301}\u{300} [MAS".utf8) + [0xE2, 0x82]
        other.withUnsafeBufferPointer { _ = encoder.encode($0, sentenceStart: false) }
        let before = encoder.ids.count
        text.withUnsafeBufferPointer { _ = encoder.encode($0, sentenceStart: true) }
        Fuzz.check(
            Array(encoder.ids[before...]) == direct.ids && Array(encoder.flags[before...]) == direct.flags,
            "encoding depends on the text encoded before")
        // Splitting at an ASCII space (a word boundary; no special token holds one) into two calls gives the
        // same ids.
        if let space = text.firstIndex(of: 0x20) {
            encoder.reset()
            text[..<space].withUnsafeBufferPointer { _ = encoder.encode($0, sentenceStart: false) }
            text[space...].withUnsafeBufferPointer { _ = encoder.encode($0, sentenceStart: false) }
            Fuzz.check(encoder.ids == direct.ids, "splitting at a space changed the ids")
        }
    }
}

func checkVocabulary(_ bytes: ArraySlice<UInt8>) {
    var lines = bytes.split(separator: 0x0A, maxSplits: 200, omittingEmptySubsequences: false).prefix(200)
        .map { String(decoding: $0, as: UTF8.self) }
    if !lines.contains("[UNK]") { lines.append("[UNK]") }
    let vocabulary: Vocabulary
    do {
        vocabulary = try Vocabulary(tokens: lines)
    } catch {
        Fuzz.check(error.code == .badVocabulary || error.code == .missingUnknownToken, "unexpected \(error)")
        return
    }
    for (id, token) in vocabulary.tokens.enumerated() {
        Fuzz.check(vocabulary.id(of: token) == Int32(id), "token \(id) '\(token)' looks up as \(String(describing: vocabulary.id(of: token)))")
    }
    for setting in settings.prefix(2) {
        let encoder = BertEncoder(vocabulary: vocabulary, tables: tables, settings: setting)
        let text = Array("Hello, naïve CAFÉ 東京 [UNK] straße ##x unaffable \u{1F600}!".utf8) + Array(bytes.prefix(64))
        _ = encodeChecked(encoder, text)
    }
}

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = Fuzz.bytes(data, count)
    if input.first == 0xFF {
        checkVocabulary(input.dropFirst())
    }
    checkText(input)
    return 0
}

Fuzz.main(fuzzTokenizer)
