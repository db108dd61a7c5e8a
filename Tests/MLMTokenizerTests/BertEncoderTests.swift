import MLMTokenizer
import MLMTestSupport
import Testing

/// A small vocabulary whose ids are easy to read.
let smallTokens = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",  // 0-4
    "un", "##aff", "##able", "hello", "world",  // 5-9
    ",", "!", "cafe", "caf", "##e",  // 10-14
    "東", "京", "naive", "ᄒ", "##ᅡ",  // 15-19
    "##ᆫ", "Hello", "##llo", "he", "[",  // 20-24
    "]", "cls", "a", "##b", "σ",  // 25-29
    "$", "^", "`", "~", "é",  // 30-34
]

func encoder(_ tokens: [String] = smallTokens, _ settings: TokenizerSettings = TokenizerSettings()) throws -> BertEncoder
{
    BertEncoder(vocabulary: try Vocabulary(tokens: tokens), tables: try BertCharacterTables(), settings: settings)
}

@Suite struct BertEncoderTests {
    @Test func greedyLongestMatchWithContinuationPrefix() throws {
        let e = try encoder()
        #expect(e.encode("unaffable") == [5, 6, 7])
        #expect(e.encode("hello world") == [8, 9])
        #expect(e.encode("hello,world!") == [8, 10, 9, 11])
    }

    @Test func aWordThatCannotBeCoveredIsOneUnknownToken() throws {
        let e = try encoder()
        #expect(e.encode("unaffablez hello") == [1, 8])
        #expect(e.encode("xyz") == [1])
    }

    @Test func wordsOverTheCharacterLimitAreUnknown() throws {
        var settings = TokenizerSettings()
        settings.maxInputCharsPerWord = 9
        let e = try encoder(smallTokens, settings)
        #expect(e.encode("unaffable") == [5, 6, 7])  // 9 characters: fine
        #expect(e.encode("unaffablea") == [1])
        // The limit counts characters, not bytes: 9 two-byte characters are fine.
        let cyrillic = try encoder(smallTokens + ["жжжжжжжжж"], settings)
        #expect(cyrillic.encode("жжжжжжжжж") == [35])
    }

    @Test func uncasedLowercasesAndStripsAccents() throws {
        let e = try encoder()
        #expect(e.encode("Café NAÏVE") == [12, 17])
        #expect(e.encode("Cafe\u{0301}") == [12])
    }

    @Test func casedKeepsCaseAndAccents() throws {
        let e = try encoder(smallTokens, TokenizerSettings(normalizer: BertNormalizerOptions(lowercase: false)))
        #expect(e.encode("Hello") == [21])
        #expect(e.encode("hello") == [8])
        #expect(e.encode("é") == [34])
        #expect(e.encode("e\u{0301}") == [1])  // no NFC/NFD without strip_accents
    }

    @Test func lowercaseWithoutStrippingAccents() throws {
        let e = try encoder(
            smallTokens, TokenizerSettings(normalizer: BertNormalizerOptions(stripAccents: false, lowercase: true)))
        #expect(e.encode("É") == [34])
        #expect(e.encode("CAFÉ") == [13, 1].prefix(0) + [1])  // "café" is not in the vocabulary as a whole
        #expect(e.encode("ΣΑ") == [1])
        #expect(e.encode("Σ") == [29])  // per-character lower-casing: no final-sigma rule
    }

    @Test func chineseCharactersAreIsolatedAndHangulDecomposed() throws {
        let e = try encoder()
        #expect(e.encode("東京") == [15, 16])
        #expect(e.encode("a東b") == [27, 15, 1])
        #expect(e.encode("한") == [18, 19, 20])
    }

    @Test func controlCharactersVanishAndWhitespaceSplits() throws {
        let e = try encoder()
        #expect(e.encode("hel\u{0}lo\u{200B}") == [8])
        #expect(e.encode("hello\u{00A0}world\u{3000}hello\tworld") == [8, 9, 8, 9])
        // VT and FF are control characters to BERT's clean_text: removed, so they join the word.
        #expect(e.encode("hel\u{0B}lo") == [8])
    }

    @Test func asciiSymbolsArePunctuation() throws {
        let e = try encoder()
        #expect(e.encode("a$b") == [27, 30, 1])
        #expect(e.encode("^`~") == [31, 32, 33])
    }

    @Test func specialTokensAreMatchedInRawTextCaseSensitively() throws {
        let e = try encoder()
        #expect(e.encode("hello[CLS]world") == [8, 2, 9])
        #expect(e.encode("[MASK][SEP]") == [4, 3])
        // Lower-case text is not a special token: it is tokenized as text.
        #expect(e.encode("[cls]") == [24, 26, 25])
    }

    @Test func invalidUTF8IsReadAsReplacementCharacterAndReported() throws {
        let e = try encoder()
        e.reset()
        let bytes: [UInt8] = Array("hel".utf8) + [0xFF] + Array("lo wor".utf8) + [0xE2, 0x82] + Array("ld".utf8) + [0xC3]
        let report = bytes.withUnsafeBufferPointer { e.encode($0) }
        #expect(e.ids == [8, 9])
        #expect(report.invalidSequences == 3)
        #expect(report.firstInvalidOffset == 3)
    }

    @Test func overlongAndSurrogateEncodingsAreInvalid() throws {
        let e = try encoder()
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8]] {
            e.reset()
            let report = bytes.withUnsafeBufferPointer { e.encode($0) }
            #expect(report.invalidSequences >= 1, "bytes \(bytes)")
            #expect(e.ids.isEmpty)
        }
    }

    @Test func flagsMarkWordAndSentenceStarts() throws {
        let e = try encoder()
        e.reset()
        var first = Array("unaffable hello".utf8)
        var second = Array("  \u{200B} ".utf8)
        var third = Array("world!".utf8)
        first.withUnsafeMutableBufferPointer { _ = e.encode(UnsafeBufferPointer($0), sentenceStart: true) }
        second.withUnsafeMutableBufferPointer { _ = e.encode(UnsafeBufferPointer($0), sentenceStart: true) }
        third.withUnsafeMutableBufferPointer { _ = e.encode(UnsafeBufferPointer($0), sentenceStart: true) }
        #expect(e.ids == [5, 6, 7, 8, 9, 11])
        #expect(e.flags == [3, 0, 0, 1, 3, 1])
        #expect(e.wordCount == 4)
    }

    @Test func unknownWordKeepsItsFlags() throws {
        let e = try encoder()
        e.reset()
        var text = Array("unaffz".utf8)
        text.withUnsafeMutableBufferPointer { _ = e.encode(UnsafeBufferPointer($0), sentenceStart: true) }
        #expect(e.ids == [1])
        #expect(e.flags == [3])
        #expect(e.unknownCount == 1)
    }

    @Test func canonicalReorderingHappensBeforeMarksAreDropped() throws {
        // U+1D165 (ccc 216, a spacing mark that survives stripping) and U+0301 (ccc 230, dropped):
        // NFD orders them by class, so the survivor's position among non-starters follows the class order.
        // U+1D16D has class 226, so NFD puts it after U+1D165 (216), even with U+0301 (230) between them.
        let tokens = smallTokens + ["a\u{1D165}\u{1D16D}", "a\u{1D16D}\u{1D165}"]
        let e = try encoder(tokens)
        #expect(e.encode("a\u{1D16D}\u{1D165}") == [35])
        #expect(e.encode("a\u{1D165}\u{1D16D}") == [35])
        #expect(e.encode("a\u{1D16D}\u{0301}\u{1D165}") == [35])
        // A removed control character does not separate the marks (clean_text runs before NFD).
        #expect(e.encode("a\u{1D16D}\u{0}\u{1D165}") == [35])
    }
}

@Suite struct VocabularyTests {
    @Test func duplicateTokensAreRejectedByBytesNotCanonicalEquivalence() throws {
        // U+0340 is canonically equivalent to U+0300 but is a different token.
        let vocabulary = try Vocabulary(tokens: ["[UNK]", "\u{0300}", "\u{0340}"])
        #expect(vocabulary.id(of: "\u{0340}") == 2)
        #expect(throws: TokenizerError.self) { _ = try Vocabulary(tokens: ["[UNK]", "a", "a"]) }
    }

    @Test func missingUnknownTokenIsAnError() {
        do {
            _ = try Vocabulary(tokens: ["a", "b"])
            Issue.record("accepted a vocabulary without [UNK]")
        } catch {
            #expect(error.code == .missingUnknownToken)
            #expect(error.message.contains("[UNK]"))
        }
    }

    @Test func vocabTxtLinesAreTrimmedAtTheEndOnly() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("vocab.txt", "[PAD]\r\n[UNK]  \n ab\nc\u{00A0}\n")
        let vocabulary = try Vocabulary.load(vocabTxt: path)
        #expect(vocabulary.tokens == ["[PAD]", "[UNK]", " ab", "c"])
        #expect(vocabulary.unknownID == 1)
        #expect(vocabulary.specialTokens.map(\.id).sorted() == [0, 1])
    }

    @Test func unreadableVocabularyNamesTheFile() {
        do {
            _ = try Vocabulary.load(vocabTxt: "/nonexistent/vocab.txt")
            Issue.record("accepted a missing file")
        } catch {
            #expect(error.description.contains("/nonexistent/vocab.txt"))
        }
    }

    @Test func tokenizerJSONSetsTheNormalizer() throws {
        let directory = TemporaryDirectory()
        let path = directory.write(
            "tokenizer.json",
            #"""
            {"added_tokens": [{"id": 0, "content": "[UNK]", "special": true}],
             "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": false,
                            "strip_accents": false, "lowercase": false},
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                       "max_input_chars_per_word": 50, "vocab": {"[UNK]": 0, "a": 1, "##b": 2}}}
            """#)
        let (vocabulary, settings) = try Vocabulary.load(tokenizerJSON: path)
        #expect(vocabulary.tokens == ["[UNK]", "a", "##b"])
        #expect(settings.maxInputCharsPerWord == 50)
        #expect(settings.normalizer == BertNormalizerOptions(handleChineseChars: false, stripAccents: false, lowercase: false))
        // Canonically equivalent tokens (U+0300, U+0340) are different tokens.
        let equivalent = directory.write(
            "eq.json",
            #"""
            {"normalizer": {"type": "BertNormalizer"}, "pre_tokenizer": {"type": "BertPreTokenizer"},
             "model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "\u0300": 1, "\u0340": 2}}}
            """#)
        let (both, _) = try Vocabulary.load(tokenizerJSON: equivalent)
        #expect(both.count == 3)
        #expect(both.id(of: "\u{0340}") == 2)
        let bad = directory.write("bad.json", #"{"model": {"type": "BPE", "vocab": {}}}"#)
        #expect(throws: TokenizerError.self) { _ = try Vocabulary.load(tokenizerJSON: bad) }
    }
}
