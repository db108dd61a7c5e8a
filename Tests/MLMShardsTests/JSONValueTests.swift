import MLMCore
import MLMShards
import Testing

@Suite struct JSONValueTests {
    let sample: JSONValue = [
        "format": "mlmprep.batches",
        "version": 1,
        "rate": 0.4,
        "tiny": 1e-5,
        "big": 1e16,
        "whole": 3.0,
        "negative": -7,
        "flags": [true, false, nil],
        "empty_list": [],
        "empty_object": [:],
        "text": "tab\there \"quoted\" back\\slash é 😀 \u{1}",
        "nested": ["a": [1, 2, ["b": "c"]]],
    ]

    @Test func prettyPrintsWithTwoSpacesInOrder() {
        let value: JSONValue = ["b": 1, "a": [2, 3.5], "c": [:], "d": []]
        #expect(
            value.prettyPrinted() == """
                {
                  "b": 1,
                  "a": [
                    2,
                    3.5
                  ],
                  "c": {},
                  "d": []
                }
                """
        )
        #expect(value.compactPrinted() == #"{"b":1,"a":[2,3.5],"c":{},"d":[]}"#)
    }

    @Test func numbersPrintStably() {
        #expect(JSONValue.double(0.1).compactPrinted() == "0.1")
        #expect(JSONValue.double(1e-5).compactPrinted() == "1e-05")
        #expect(JSONValue.double(3).compactPrinted() == "3.0")
        #expect(JSONValue.double(1e16).compactPrinted() == "1e+16")
        #expect(JSONValue.double(.nan).compactPrinted() == "null")
        #expect(JSONValue.int(-42).compactPrinted() == "-42")
    }

    @Test func parsesWhatItPrints() throws {
        #expect(try JSONValue.parse(sample.prettyPrinted()) == sample)
        #expect(try JSONValue.parse(sample.compactPrinted()) == sample)
    }

    @Test func parsesEscapesAndNumbers() throws {
        let value = try JSONValue.parse(
            #" { "k" : ["\u00e9\ud83d\ude00\/\n", -0, 12, 1.5e2, 1E-2, 99999999999999999999] } "#
        )
        #expect(
            value == ["k": ["é😀/\n", 0, 12, 150.0, 0.01, 1e20]]
        )
        #expect(value["k"]?.arrayValue?.count == 6)
        #expect(value["missing"] == nil)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "+1", "1e", "\"\\x\"", "\"a\nb\"", "tru", "nul",
        "\"\\ud800\"", "\"\\udc00x\"", "{\"a\" 1}", "[1 2]", "1 2", "NaN", "1e400", "//c\n1", "\"\u{7f}\"x",
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONError.self) { try JSONValue.parse(text) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() throws {
        #expect(throws: JSONError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let error = #expect(throws: JSONError.self) { try JSONValue.parse(deep) }
        #expect(error?.message.contains("JSON") == true)
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONValue.parse(fine) }
    }

    @Test func errorsNameTheOffset() {
        let error = #expect(throws: JSONError.self) { try JSONValue.parse("{\"a\": tru}") }
        #expect(error?.byteOffset == 6)
        #expect(error?.description.contains("byte 6") == true)
    }

    @Test func matchesPythonJSONDumps() throws {
        guard let python = referencePython() else { return }
        let script = """
            import json, sys
            print(json.dumps(json.loads(sys.argv[1]), indent=2, ensure_ascii=False), end="")
            """
        let output = try runPython(python, script, [sample.compactPrinted()])
        #expect(output == sample.prettyPrinted())
    }
}
