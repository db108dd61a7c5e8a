import MLMCore
import MLMPipeline
import MLMReaders
import MLMTestSupport
import MLMTokenizer
import Testing
@testable import MLMVocab

@Suite("Word counting")
struct WordCountJobTests {
    let directory = TemporaryDirectory()

    func corpus() -> String {
        var generator = PairQueueTests.Generator(state: 42)
        let pieces = ["Über", "naïve", "東京", "Ελλάδα", "Straße", "[CLS]", "don't", "ЖУК", "مرحبا", "x\u{301}y", "a.b"]
        var text = ""
        for line in 0..<3000 {
            let words = 1 + Int(generator.next() % 9)
            text += (0..<words).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined(separator: " ")
            text += line % 7 == 6 ? "\n\n" : "\n"
        }
        return text
    }

    func count(_ path: String, threads: Int, chunkBytes: Int, lowercase: Bool = true) throws -> WordCountJob.Result {
        var reader = ReaderOptions()
        reader.targetChunkBytes = chunkBytes
        var job = WordCountJob(inputs: [path], reader: reader, normalizer: BertNormalizerOptions(lowercase: lowercase))
        job.threads = threads
        return try job.run()
    }

    func contents(_ table: WordCountTable) -> [String: Int] {
        var result: [String: Int] = [:]
        table.forEach { word, count in result[String(decoding: word, as: UTF8.self)] = count }
        return result
    }

    @Test("normalized words, special-token text split as the trainer sees it")
    func words() throws {
        let path = directory.write("small.txt", "[CLS] Héllo, wörld! Héllo\n東京\n")
        let counts = contents(try count(path, threads: 1, chunkBytes: 1 << 20).table)
        #expect(counts == ["[": 1, "cls": 1, "]": 1, "hello": 2, ",": 1, "world": 1, "!": 1, "東": 1, "京": 1])
        let cased = contents(try count(path, threads: 1, chunkBytes: 1 << 20, lowercase: false).table)
        #expect(cased["Héllo"] == 2 && cased["CLS"] == 1)
    }

    @Test("same counts and same vocabulary for any number of threads and chunk size")
    func deterministic() throws {
        let path = directory.write("corpus.txt", corpus())
        let reference = try count(path, threads: 1, chunkBytes: 1 << 20)
        var settings = WordPieceTrainerSettings()
        settings.vocabSize = 120
        settings.minFrequency = 1
        let vocabulary = try WordPieceTrainer(settings: settings).train(reference.table).tokens
        #expect(reference.counts.documentsRead == reference.counts.documentsWritten)
        #expect(reference.counts.documentsRead == 429)
        for (threads, chunk) in [(2, 512), (3, 4096), (2, 100_000), (1, 300)] {
            let other = try count(path, threads: threads, chunkBytes: chunk)
            #expect(contents(other.table) == contents(reference.table))
            #expect(other.counts.words == reference.counts.words)
            #expect(try WordPieceTrainer(settings: settings).train(other.table).tokens == vocabulary)
        }
    }
}
