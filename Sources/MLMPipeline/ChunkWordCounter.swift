import MLMCore
import MLMReaders
import MLMTokenizer
import MLMVocab

/// A worker's state for counting words: its own word-mode encoder and its own count table, kept across the
/// chunks it takes (tables are merged once at the end).
final class ChunkWordCounter: @unchecked Sendable {
    private let encoder: BertEncoder
    /// The words this worker counted.
    private(set) var table = WordCountTable()

    /// Creates a worker.
    init(tables: BertCharacterTables, normalizer: BertNormalizerOptions) {
        encoder = BertEncoder(wordsWith: tables, normalizer: normalizer)
    }

    /// Normalizes and pre-tokenizes every sentence of a chunk and counts its words.
    /// - Returns: The chunk's reader counts plus documents and words counted, and its reports.
    func process(_ chunk: DocumentChunk) -> (counts: RunCounts, reports: [SkipReport]) {
        var counts = chunk.counts
        var reports = chunk.skipped
        chunk.bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for (sentence, end) in chunk.sentenceEnds.enumerated() {
                let report = encoder.encode(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                if report.invalidSequences > 0 {
                    counts.invalidUTF8Sequences += report.invalidSequences
                    if counts.invalidUTF8Sequences == report.invalidSequences, let offset = report.firstInvalidOffset {
                        reports.append(invalidUTF8Report(chunk, sentence: sentence, offset: offset))
                    }
                }
                start = end
                if encoder.wordEnds.count >= 4096 { flushWords() }
            }
        }
        flushWords()
        counts.documentsWritten += chunk.documents.count
        counts.sentences += chunk.sentenceEnds.count
        counts.words += encoder.wordCount
        encoder.reset()
        return (counts, reports)
    }

    private func flushWords() {
        encoder.words.withUnsafeBufferPointer { all in
            var start = 0
            for end in encoder.wordEnds {
                table.add(UnsafeBufferPointer(rebasing: all[start..<end]), count: 1)
                start = end
            }
        }
        encoder.removeWords()
    }

    /// The first invalid UTF-8 of a chunk, as a warning (the bytes are read as U+FFFD, which BERT drops).
    private func invalidUTF8Report(_ chunk: DocumentChunk, sentence: Int, offset: Int) -> SkipReport {
        let document = chunk.documents.first { $0.sentenceEnd > sentence }
        return SkipReport(
            location: InputLocation(
                file: document?.location.file ?? "-", line: chunk.sentenceLines[sentence],
                byteOffset: chunk.sentenceOffsets[sentence] + offset),
            reason: nil,
            detail: "invalid UTF-8, the first in this part of the input: read as U+FFFD, which BERT's normalizer drops "
                + "(as mlmprep tokenize does by default); fix the file if the text matters")
    }
}
