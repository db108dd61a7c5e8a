import MLMCore
import MLMReaders
import MLMTestSupport
import Testing

@Suite struct JSONLinesTests {
    @Test func fieldIsExtractedWithEscapesAndSurrogatePairs() throws {
        let directory = TemporaryDirectory()
        let lines = [
            #"{"id": 1, "text": "Caf\u00e9 \"quoted\"\nsecond line \ud83d\ude00", "meta": {"a": [1, 2.5e3, null, true]}}"#,
            #"  {"text":"plain"}  "#,
            "",
            #"{"text": "a\r\nb\\c\/d\te"}"#,
        ]
        let path = directory.write("a.jsonl", lines.joined(separator: "\n") + "\n")
        let result = try readAll([path])
        #expect(result.documents == [["Café \"quoted\"", "second line 😀"], ["plain"], ["a", "b\\c/d\te"]])
        #expect(result.counts.documentsRead == 3)
        #expect(result.locations.map(\.line) == [1, 2, 4])
    }

    @Test func badRecordsAreCountedSkipsWithReasons() throws {
        let directory = TemporaryDirectory()
        let lines = [
            #"{"text": "good"}"#,
            #"{"text": "unterminated}"#,
            #"{"body": "no text field"}"#,
            #"{"text": 42}"#,
            #"[1, 2]"#,
            #"{"text": "trailing", }"#,
            "{\"text\": \"raw\ttab\"}",
            #"{"text": "dup", "text": null}"#,
            #"{"text": "lone \ud800 surrogate"}"#,
        ]
        let path = directory.write("a.jsonl", lines.joined(separator: "\n"))
        var options = ReaderOptions()
        options.badRecords = .skip
        let result = try readAll([path], options)
        #expect(result.documents == [["good"], ["lone \u{FFFD} surrogate"]])
        #expect(result.counts.documentsRead == 9)
        #expect(result.counts.documentsSkipped[.malformedJSON] == 4)
        #expect(result.counts.documentsSkipped[.missingField] == 1)
        #expect(result.counts.documentsSkipped[.fieldNotString] == 2)
        #expect(result.counts.invalidUTF8Sequences == 1)
        let malformed = result.reports.filter { $0.reason == .malformedJSON }
        #expect(malformed.map(\.location.line) == [2, 5, 6, 7])
        #expect(malformed.allSatisfy { $0.location.file == path })
    }

    @Test func badRecordsStopTheRunByDefault() throws {
        let directory = TemporaryDirectory()
        for (line, words) in [(#"{"text": 1}"#, "number"), (#"{"x": "y"}"#, "--field"), (#"{"text": "a"#, "column")] {
            let path = directory.write("a.jsonl", #"{"text": "fine"}"# + "\n" + line + "\n")
            do {
                _ = try readAll([path])
                Issue.record("\(line) was accepted")
            } catch let error as ReaderError {
                #expect(error.code == .invalidInput)
                #expect(error.location.line == 2)
                #expect(error.location.file == path)
                #expect(error.message.contains(words))
                #expect(error.message.contains("--bad-records skip"))
            }
        }
    }

    @Test func otherFieldNames() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("a.data", #"{"content": "x y", "text": "no"}"#)
        var options = ReaderOptions()
        options.format = .jsonLines
        options.field = "content"
        let result = try readAll([path], options)
        #expect(result.documents == [["x y"]])
    }

    @Test(arguments: [
        (#"{"a": tru}"#, false), (#"{"a": 01}"#, false), (#"{"a": -}"#, false), (#"{"a": 1.}"#, false),
        (#"{"a": 1e5, "b": -0.5E-3, "c": {}, "d": []}"#, true), (#"{"a": "\x"}"#, false), (#"{} x"#, false),
        (#"{"a": [1,]}"#, false), (#"{"a": "\u12G4"}"#, false),
    ])
    func strictJSONValidation(line: String, valid: Bool) {
        var output: [UInt8] = []
        var bytes = Array(line.utf8)
        let outcome = bytes.withUnsafeMutableBufferPointer {
            JSONTextField(field: "text").extract(from: UnsafeBufferPointer($0), into: &output)
        }
        if valid {
            #expect(outcome == .missing)
        } else if case .malformed = outcome {
        } else {
            Issue.record("\(line) should be malformed, got \(outcome)")
        }
    }

    @Test func deepNestingIsRejectedNotACrash() {
        let line = "{\"a\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        var output: [UInt8] = []
        var bytes = Array(line.utf8)
        let outcome = bytes.withUnsafeMutableBufferPointer {
            JSONTextField(field: "text").extract(from: UnsafeBufferPointer($0), into: &output)
        }
        guard case .malformed(_, let reason) = outcome else {
            Issue.record("deep nesting accepted")
            return
        }
        #expect(reason.contains("nesting"))
    }
}
