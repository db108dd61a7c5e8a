import Foundation
import MLMCore
import MLMPipeline
import MLMReaders
import MLMShards
import MLMTestSupport
import MLMTokenizer
import Testing

private let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", ".", "a", "dog", "ran", "##s"]

private func job(_ inputs: [String], _ output: String, threads: Int = 1, configure: (inout TokenizeJobSettings) -> Void = { _ in })
    throws -> TokenizeJob
{
    var settings = TokenizeJobSettings(inputs: inputs, output: output)
    settings.threads = threads
    settings.reader.targetChunkBytes = 200  // many small chunks, to exercise ordering
    configure(&settings)
    return TokenizeJob(settings: settings, vocabulary: try Vocabulary(tokens: tokens), tokenizer: TokenizerSettings())
}

private func corpus(_ directory: TemporaryDirectory, documents: Int = 400) -> String {
    var text = ""
    for index in 0..<documents {
        text += index % 3 == 0 ? "The cat sat.\nA dog ran.\n\n" : "a dog sats \(index).\n\n"
        if index % 50 == 7 { text += "\u{200B}\n\n" }  // a document with no tokens
    }
    return directory.write("corpus.txt", text)
}

private func shardBytes(_ directory: String) throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".mlmb.zst") {
        result[name] = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
    }
    return result
}

@Suite struct TokenizeJobTests {
    @Test func outputIsByteIdenticalForAnyThreadCount() throws {
        let directory = TemporaryDirectory()
        let input = corpus(directory)
        var outputs: [[String: [UInt8]]] = []
        var manifests: [String] = []
        for threads in [1, 2, 3, 8] {
            let output = directory.file("out-\(threads)")
            _ = try job([input], output, threads: threads).run()
            outputs.append(try shardBytes(output))
            manifests.append(try String(contentsOfFile: output + "/manifest.json", encoding: .utf8))
        }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
        #expect(manifests.allSatisfy { $0 == manifests[0] })
        #expect(outputs[0].count == 1)
    }

    @Test func countsAddUpAndRecordsHoldWholeDocuments() throws {
        let directory = TemporaryDirectory()
        let output = directory.file("out")
        let result = try job([corpus(directory)], output, threads: 2).run()
        let counts = result.counts
        #expect(counts.addsUp)
        #expect(counts.documentsRead == 408)
        #expect(counts.documentsSkipped == [.empty: 8])
        #expect(counts.documentsWritten == 400)
        #expect(counts.records > 5)
        // Read every record back and check the store's invariants.
        let reader = try ShardReader(path: output + "/" + ShardSetWriter.fileName(forShard: 0))
        var documents = 0
        var tokensSeen = 0
        for index in 0..<reader.recordCount {
            let (tensors, _) = try SafetensorsRecord.decode(try reader.record(at: index))
            let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0) })
            let ids = try #require(byName["ids"]).values(as: UInt16.self)
            let flags = try #require(byName["flags"]).values(as: UInt8.self)
            let offsets = try #require(byName["doc_offsets"]).values(as: Int64.self)
            #expect(ids.count == flags.count)
            #expect(offsets.first == 0 && offsets.last == Int64(ids.count))
            #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $0 < $1 })
            for start in offsets.dropLast() { #expect(flags[Int(start)] == 3) }  // word and sentence start
            documents += offsets.count - 1
            tokensSeen += ids.count
        }
        #expect(documents == counts.documentsWritten)
        #expect(tokensSeen == counts.tokens)
        let manifest = try ManifestFile.read(directory: output)
        #expect(manifest["counts"]?["documents_read"]?.intValue == 408)
        #expect(manifest["format"]?.stringValue == "mlmprep.tokens")
        let vocab = try String(contentsOfFile: output + "/vocab.txt", encoding: .utf8)
        #expect(vocab == tokens.joined(separator: "\n") + "\n")
    }

    @Test func anExistingRunIsRefusedUnlessOverwriting() throws {
        let directory = TemporaryDirectory()
        let input = corpus(directory, documents: 10)
        let output = directory.file("out")
        _ = try job([input], output).run()
        #expect(throws: ShardError.self) { _ = try job([input], output).run() }
        let again = try job([input], output) { $0.overwrite = true }.run()
        #expect(again.counts.documentsWritten == 10)
    }

    @Test func invalidUTF8Policies() throws {
        let directory = TemporaryDirectory()
        let input = directory.write("bad.txt", Array("the cat\n\nthe c".utf8) + [0xFF] + Array("at sat\n\na dog\n".utf8))
        let replaced = try job([input], directory.file("replace")).run()
        #expect(replaced.counts.documentsWritten == 3)
        #expect(replaced.counts.invalidUTF8Sequences == 1)
        #expect(replaced.reports.contains { $0.location.line == 3 && $0.location.byteOffset == 14 && $0.reason == nil })

        let skipped = try job([input], directory.file("skip")) { $0.invalidUTF8 = .skip }.run()
        #expect(skipped.counts.documentsWritten == 2)
        #expect(skipped.counts.documentsSkipped == [.invalidUTF8: 1])
        #expect(skipped.counts.addsUp)

        do {
            _ = try job([input], directory.file("fail")) { $0.invalidUTF8 = .fail }.run()
            Issue.record("--invalid-utf8 fail did not fail")
        } catch let error as TokenizerError {
            #expect(error.code == .invalidUTF8)
            #expect(error.location == InputLocation(file: input, line: 3, byteOffset: 14))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("fail") + "/manifest.json"))
    }

    @Test func icuSentencesMarkSentenceStartsInsideALine() throws {
        let directory = TemporaryDirectory()
        let input = directory.write("a.txt", "The cat sat. A dog ran. The dog sat.\n")
        let output = directory.file("out")
        let result = try job([input], output) { $0.sentences = .icu }.run()
        #expect(result.counts.sentences == 3)
        let reader = try ShardReader(path: output + "/" + ShardSetWriter.fileName(forShard: 0))
        let (tensors, _) = try SafetensorsRecord.decode(try reader.record(at: 0))
        let flags = try #require(tensors.first { $0.name == "flags" }).values(as: UInt8.self)
        #expect(flags.filter { $0 & 2 != 0 }.count == 3)
        #expect(flags == [3, 1, 1, 1, 3, 1, 1, 1, 3, 1, 1, 1])
    }

    @Test func readerErrorsStopTheRunWithoutAManifest() throws {
        let directory = TemporaryDirectory()
        let output = directory.file("out")
        #expect(throws: ReaderError.self) { _ = try job([corpus(directory), directory.file("missing.txt")], output).run() }
        #expect(!FileManager.default.fileExists(atPath: output + "/manifest.json"))
    }
}
