import Foundation
import MLMCore
import MLMTestSupport
import Testing

@testable import MLMTokenizer

/// tokenizer.json accepted only when it is BERT's; vocab.txt mistakes named.
@Suite struct TokenizerFileCheckTests {
    /// A small BERT tokenizer.json with one part replaced.
    private func tokenizerJSON(
        normalizer: String = #"{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}"#,
        preTokenizer: String = #"{"type": "BertPreTokenizer"}"#,
        model: String = ###""type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100"###,
        addedTokens: String = #"[{"id": 0, "content": "[UNK]", "special": true, "normalized": false, "lstrip": false}]"#
    ) -> String {
        #"{"added_tokens": \#(addedTokens), "normalizer": \#(normalizer), "pre_tokenizer": \#(preTokenizer), "#
            + ###""model": {\###(model), "vocab": {"[UNK]": 0, "a": 1, "##b": 2}}}"###
    }

    private func refusal(_ text: String) -> String? {
        let directory = TemporaryDirectory()
        let path = directory.write("tokenizer.json", text)
        do {
            _ = try Vocabulary.load(tokenizerJSON: path)
            return nil
        } catch {
            #expect(error.code == .unsupportedTokenizer || error.code == .missingUnknownToken)
            #expect(error.location?.file == path)
            return error.message
        }
    }

    @Test func aBertTokenizerJSONIsAccepted() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("tokenizer.json", tokenizerJSON(normalizer: #"{"type": "BertNormalizer", "lowercase": false, "strip_accents": true}"#))
        let (vocabulary, settings) = try Vocabulary.load(tokenizerJSON: path)
        #expect(vocabulary.tokens == ["[UNK]", "a", "##b"])
        #expect(settings.normalizer == BertNormalizerOptions(stripAccents: true, lowercase: false))
        #expect(refusal(tokenizerJSON()) == nil)
    }

    @Test(arguments: [
        (#"null"#, "normalizer is null"),
        (#"{"type": "Lowercase"}"#, #"normalizer "Lowercase" is not BertNormalizer"#),
        (#"{"type": "BertNormalizer", "lowercase": "yes"}"#, #"normalizer lowercase is "yes", not true or false"#),
        (#"{"type": "BertNormalizer", "clean_text": 0}"#, "normalizer clean_text is 0"),
        (#"{"type": "BertNormalizer", "strip_accents": "no"}"#, #"normalizer strip_accents is "no""#),
    ])
    func aNormalizerThatIsNotBertsIsNamed(normalizer: String, message: String) {
        let text = refusal(tokenizerJSON(normalizer: normalizer))
        #expect(text?.contains(message) == true, "\(text ?? "accepted")")
    }

    @Test func thePreTokenizerModelAndAddedTokensAreChecked() {
        let cases: [(String, String)] = [
            (tokenizerJSON(preTokenizer: "null"), "pre_tokenizer is null"),
            (tokenizerJSON(preTokenizer: #"{"type": "Whitespace"}"#), #"pre_tokenizer "Whitespace" is not BertPreTokenizer"#),
            (tokenizerJSON(model: #""type": "BPE""#), #"model "BPE" is not WordPiece"#),
            (tokenizerJSON(model: #""merges": []"#), "model none is not WordPiece"),
            (tokenizerJSON(model: #""type": "WordPiece", "continuing_subword_prefix": "@@""#), #"continuing_subword_prefix is "@@""#),
            (tokenizerJSON(model: #""type": "WordPiece", "max_input_chars_per_word": 0"#), "max_input_chars_per_word is 0"),
            (tokenizerJSON(model: #""type": "WordPiece", "unk_token": 7"#), "unk_token is 7"),
            (tokenizerJSON(model: #""type": "WordPiece", "unk_token": "<unk>""#), #"no unknown token "<unk>""#),
            (tokenizerJSON(addedTokens: #"[{"id": 3, "content": "[UNK]"}]"#), #"added token "[UNK]" has id 3"#),
            (tokenizerJSON(addedTokens: #"[{"id": 0, "content": "[UNK]", "rstrip": true}]"#), "has rstrip: true"),
            (tokenizerJSON(addedTokens: #"[{"id": 0, "content": "[UNK]", "normalized": true}]"#), "has normalized: true"),
            (tokenizerJSON(addedTokens: #"{}"#), "added_tokens is {}, not a list"),
        ]
        for (text, message) in cases {
            let refused = refusal(text)
            #expect(refused?.contains(message) == true, "\(refused ?? "accepted"), expected \(message)")
        }
    }

    @Test func aTokenizerJSONWithAByteOrderMarkOrAVocabTxtIsNamed() {
        let directory = TemporaryDirectory()
        let marked = directory.write("t.json", [0xEF, 0xBB, 0xBF] + Array(tokenizerJSON().utf8))
        #expect(throws: TokenizerError.self) { _ = try Vocabulary.load(tokenizerJSON: marked) }
        #expect(refusal("\u{FEFF}" + tokenizerJSON())?.contains("byte-order mark") == true)
        #expect(refusal("[PAD]\n[UNK]\nthe\n")?.contains("looks like a vocab.txt") == true)
    }

    private func vocabError(_ bytes: [UInt8]) -> TokenizerError? {
        let directory = TemporaryDirectory()
        let path = directory.write("vocab.txt", bytes)
        do {
            _ = try Vocabulary.load(vocabTxt: path)
            return nil
        } catch {
            #expect(error.location?.file == path)
            return error
        }
    }

    @Test func vocabMistakesAreNamed() throws {
        let lines = "[PAD]\n[UNK]\nthe\n##s\n"
        #expect(vocabError([0xEF, 0xBB, 0xBF] + Array(lines.utf8))?.message.contains("byte-order mark") == true)
        #expect(vocabError([0xFF, 0xFE] + Array(lines.utf8))?.message.contains("UTF-16") == true)
        #expect(vocabError(Array(tokenizerJSON().utf8))?.message.contains("use --tokenizer") == true)
        let lone = vocabError(Array("[PAD]\n[UNK]\rthe\n".utf8))
        #expect(lone?.message.contains("carriage return") == true)
        #expect(lone?.location?.line == 2 && lone?.location?.byteOffset == 11)
        // CRLF (and a CR run before the LF) load as the LF file; a JSON-looking token that is no tokenizer is fine.
        let directory = TemporaryDirectory()
        let lf = try Vocabulary.load(vocabTxt: directory.write("lf.txt", lines))
        let crlf = try Vocabulary.load(vocabTxt: directory.write("crlf.txt", lines.replacingOccurrences(of: "\n", with: "\r\n")))
        let crcrlf = try Vocabulary.load(vocabTxt: directory.write("crcrlf.txt", "[PAD]\r\r\n[UNK]\r\nthe\r\n##s\r"))
        #expect(crlf.tokens == lf.tokens && crcrlf.tokens == lf.tokens)
        #expect(try Vocabulary.load(vocabTxt: directory.write("brace.txt", "{\n[UNK]\n}\n")).count == 3)
    }
}
