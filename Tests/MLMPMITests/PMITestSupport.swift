import Foundation
import MLMCore
@testable import MLMPMI

/// Records held in memory, as a ``TokenRecordSource``.
struct MemoryRecordSource: TokenRecordSource {
    var records: [StoreRecord]
    var recordCount: Int { records.count }
    func makeReader() throws -> any TokenRecordReader { Reader(records: records) }

    struct Reader: TokenRecordReader {
        let records: [StoreRecord]
        mutating func record(at ordinal: Int) throws -> StoreRecord { records[ordinal] }
    }
}

/// Builds records from documents written as words of token ids; sentences are lists of words.
enum CorpusBuilder {
    /// `documents[d][s][w]` = ids of word w of sentence s of document d. `perRecord` documents per record.
    static func records(_ documents: [[[[UInt32]]]], perRecord: Int = 2) -> [StoreRecord] {
        var records: [StoreRecord] = []
        var start = 0
        while start < documents.count {
            var ids: [UInt32] = []
            var flags: [UInt8] = []
            var offsets = [0]
            for document in documents[start..<min(documents.count, start + perRecord)] {
                for sentence in document {
                    for (index, word) in sentence.enumerated() {
                        for (position, id) in word.enumerated() {
                            ids.append(id)
                            var flag: UInt8 = position == 0 ? 1 : 0
                            if index == 0 && position == 0 { flag |= 2 }
                            flags.append(flag)
                        }
                    }
                }
                offsets.append(ids.count)
            }
            records.append(StoreRecord(ids: ids, flags: flags, documentOffsets: offsets))
            start += perRecord
        }
        return records
    }

    /// A seeded random corpus over `vocabularySize` ids (ids below 5 are left out), Zipf-like word choice,
    /// some multi-token words, and planted collocations.
    static func random(seed: UInt64, documents: Int, vocabularySize: Int, maxSentences: Int = 6) -> [[[[UInt32]]]] {
        var random = CounterRandom(seed: seed, index: 0)
        let planted: [[[UInt32]]] = (0..<20).map { _ in
            (0..<Int.random(in: 2...5, using: &random)).map { _ in [UInt32.random(in: 5..<UInt32(vocabularySize), using: &random)] }
        }
        func word() -> [UInt32] {
            // Skewed: small ids are frequent.
            let u = Double.random(in: 0..<1, using: &random)
            let id = 5 + UInt32(Double(vocabularySize - 5) * u * u * u)
            if Int.random(in: 0..<10, using: &random) == 0 {
                return [id, UInt32.random(in: 5..<UInt32(vocabularySize), using: &random)]
            }
            return [min(id, UInt32(vocabularySize - 1))]
        }
        return (0..<documents).map { _ in
            (0..<Int.random(in: 0...maxSentences, using: &random)).map { _ in
                var sentence: [[UInt32]] = []
                for _ in 0..<Int.random(in: 1...14, using: &random) {
                    if Int.random(in: 0..<4, using: &random) == 0 {
                        sentence += planted[Int.random(in: 0..<planted.count, using: &random)]
                    } else {
                        sentence.append(word())
                    }
                }
                return sentence
            }
        }
    }

    static func vocabulary(size: Int) -> PMIVocabulary {
        var tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        for id in 5..<size { tokens.append(id % 7 == 0 ? "##p\(id)" : "w\(id)") }
        return PMIVocabulary(tokens: tokens)
    }
}

/// A plain, dictionary-based implementation of the table's definition, to check the real one against.
enum ReferencePMI {
    static func table(_ documents: [[[[UInt32]]]], settings: PMISettings, vocabulary: PMIVocabulary)
        -> (entries: [PMITableBuilder.Entry], totals: [UInt64], candidates: [Int])
    {
        var counts: [[[UInt32]]: UInt64] = [:]
        var totals = [UInt64](repeating: 0, count: settings.maximumLength)
        for document in documents {
            let segments: [[[UInt32]]] =
                settings.scope == .sentence ? document : [document.flatMap { $0 }]
            for words in segments {
                for n in 1...settings.maximumLength where words.count >= n {
                    totals[n - 1] += UInt64(words.count - n + 1)
                    for start in 0...(words.count - n) { counts[Array(words[start..<start + n]), default: 0] += 1 }
                }
            }
        }
        func ll(_ gram: ArraySlice<[UInt32]>) -> Double {
            log(Double(counts[Array(gram)]!)) - log(Double(totals[gram.count - 1]))
        }
        func best(_ gram: ArraySlice<[UInt32]>) -> Double {
            if gram.count == 1 { return ll(gram) }
            var value = ll(gram)
            for cut in 1..<gram.count {
                value = max(value, best(gram[gram.startIndex..<gram.startIndex + cut]) + best(gram[(gram.startIndex + cut)...]))
            }
            return value
        }
        func text(_ gram: [[UInt32]]) -> String {
            gram.map { word in
                word.enumerated().map { position, id in
                    let token = vocabulary.tokens[Int(id)]
                    return position > 0 && token.utf8.starts(with: "##".utf8)
                        ? String(decoding: token.utf8.dropFirst(2), as: UTF8.self) : token
                }.joined()
            }.joined(separator: " ")
        }
        let minimum = UInt64(settings.minimumCount)
        var candidates = [Int](repeating: 0, count: settings.maximumLength)
        var entries: [PMITableBuilder.Entry] = []
        for (gram, count) in counts where count >= minimum { candidates[gram.count - 1] += 1 }
        for n in 2...settings.maximumLength {
            var scored: [(text: String, count: UInt64, score: Double)] = []
            for (gram, count) in counts where gram.count == n && count >= minimum {
                let own = ll(gram[...])
                var split = -Double.infinity
                for cut in 1..<n { split = max(split, best(gram[0..<cut]) + best(gram[cut...])) }
                scored.append((text(gram), count, settings.score == .pmi ? own - split : 2 * own - split))
            }
            scored.sort {
                if $0.score != $1.score { return $0.score > $1.score }
                if $0.count != $1.count { return $0.count > $1.count }
                return Array($0.text.utf8).lexicographicallyPrecedes(Array($1.text.utf8))
            }
            for entry in scored.prefix(settings.quotas[n - 2]) {
                entries.append(.init(text: entry.text, length: n, count: entry.count, score: entry.score))
            }
        }
        return (entries, totals, candidates)
    }
}
