import MLMMasking
@testable import MLMPMI
import MLMTokenizer
import Testing
@testable import MLMPipeline

/// PMI tables turned back into WordPiece ids for masking (`PMITable+Matcher.swift`).
@Suite("PMI table matcher")
struct PMIMatcherTests {
    @Test func tableEntriesBecomeMatcherUnits() throws {
        let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "new", "york", "un", "##aff", "##able", "é"])
        #expect(PMITable.wordPieces(Array("unaffable".utf8), vocabulary: vocabulary) == [7, 8, 9])
        #expect(PMITable.wordPieces(Array("[UNK]".utf8), vocabulary: vocabulary) == [1])
        #expect(PMITable.wordPieces(Array("unknown".utf8), vocabulary: vocabulary) == nil)
        let table = PMITable(
            header: ["format": "mlmprep.pmi", "version": 1],
            entries: [
                .init(text: "new york", length: 2, count: 3, score: 1), .init(text: "unaffable é", length: 2, count: 3, score: 1),
            ])
        let (matcher, dropped) = table.makeMatcher(vocabulary: vocabulary)
        #expect(dropped == 0)
        let tokens: [UInt32] = [5, 6, 7, 8, 9, 10]
        let starts: [Int32] = [0, 1, 2, 5]
        let ends: [Int32] = [1, 2, 5, 6]
        var matches: [UnitMatch] = []
        tokens.withUnsafeBufferPointer { tokens in
            starts.withUnsafeBufferPointer { starts in
                ends.withUnsafeBufferPointer { ends in
                    matcher.appendMatches(
                        tokens: tokens, flags: UnsafeBufferPointer(start: nil, count: 0), wordStarts: starts,
                        wordEnds: ends, to: &matches)
                }
            }
        }
        #expect(matches == [UnitMatch(firstWord: 0, wordCount: 2), UnitMatch(firstWord: 2, wordCount: 2)])
    }

    @Test func wordPiecesSplitByBytes() throws {
        // "##ी": the second "#" and the vowel sign are one Character, so a Character-based prefix test fails.
        let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "क", "##ी", "##ज", "##s", "cat"])
        #expect(PMITable.wordPieces(Array("कजी".utf8), vocabulary: vocabulary) == [5, 7, 6])
        #expect(PMITable.wordPieces(Array("cats".utf8), vocabulary: vocabulary) == [9, 8])
    }
}
