import Foundation
import MLMCore
import MLMMasking
import MLMPacking
import MLMPipeline
import MLMShards
import MLMTestSupport
import MLMTokenizer
import Testing

private let vocabularyTokens =
    ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (0..<200).map { "w\($0)" } + (0..<50).map { "##s\($0)" }

/// Writes a store of `documents` documents of random words (some split into pieces) and returns its path.
private func makeStore(_ directory: TemporaryDirectory, documents: Int = 300) throws -> String {
    var random = CounterRandom(seed: 7, index: 0)
    var text = ""
    for _ in 0..<documents {
        for _ in 0..<(1 + random.below(6)) {
            let words = (0..<(3 + random.below(20))).map { _ -> String in
                random.below(4) == 0 ? "w\(random.below(200))s\(random.below(50))" : "w\(random.below(200))"
            }
            text += words.joined(separator: " ") + "\n"
        }
        text += "\n"
    }
    // "w12s3" is not a token: WordPiece makes it w12 ##s3 — a two-piece word.
    let input = directory.write("corpus.txt", text)
    let store = directory.file("store")
    var settings = TokenizeJobSettings(inputs: [input], output: store)
    settings.reader.targetChunkBytes = 2000
    _ = try TokenizeJob(
        settings: settings, vocabulary: try Vocabulary(tokens: vocabularyTokens),
        tokenizer: TokenizerSettings(normalizer: BertNormalizerOptions(lowercase: false))
    ).run()
    return store
}

private func settings(_ store: String, _ output: String, mode: PackingMode = .full, length: Int = 32) -> MaskJobSettings {
    MaskJobSettings(
        store: store, destination: .directory(output),
        packing: PackingSettings(mode: mode, sequenceLength: length, clsID: 0, sepID: 0, padID: 0, batchSize: 16),
        masking: MaskingSettings(strategy: .word, rate: 0.4, seed: 3))
}

private func records(_ directory: String) throws -> [[String: Tensor]] {
    var result: [[String: Tensor]] = []
    let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mlmb.zst") }.sorted()
    for name in names {
        let reader = try ShardReader(path: directory + "/" + name)
        for index in 0..<reader.recordCount {
            let (tensors, _) = try SafetensorsRecord.decode(try reader.record(at: index))
            result.append(Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0) }))
        }
    }
    return result
}

private func shardBytes(_ directory: String) throws -> [[UInt8]] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mlmb.zst") }.sorted().map {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)))
    }
}

@Suite struct MaskJobTests {
    @Test func batchesAreIdenticalForAnyThreadCountAndDifferPerEpoch() throws {
        let directory = TemporaryDirectory()
        let store = try makeStore(directory)
        var outputs: [[[UInt8]]] = []
        for threads in [1, 2, 4] {
            var job = settings(store, directory.file("t\(threads)"))
            job.threads = threads
            _ = try MaskJob(settings: job).run()
            outputs.append(try shardBytes(directory.file("t\(threads)")))
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
        var next = settings(store, directory.file("e1"))
        next.epoch = 1
        _ = try MaskJob(settings: next).run()
        #expect(try shardBytes(directory.file("e1")) != outputs[0])
    }

    @Test func tensorsFollowTheBatchFormat() throws {
        let directory = TemporaryDirectory()
        let store = try makeStore(directory)
        let output = directory.file("out")
        let result = try MaskJob(settings: settings(store, output)).run()
        let batches = try records(output)
        #expect(batches.count == result.batches)
        var predicted = 0
        for batch in batches {
            let input = try #require(batch["input_ids"])
            let labels = try #require(batch["labels"])
            let attention = try #require(batch["attention_mask"])
            #expect(input.dtype == .int32 && labels.dtype == .int32 && attention.dtype == .uint8)
            #expect(input.shape.count == 2 && input.shape[1] == 32 && input.shape == labels.shape)
            #expect(batch["token_type_ids"] == nil)
            let ids = try input.values(as: Int32.self)
            let label = try labels.values(as: Int32.self)
            let mask = try attention.values(as: UInt8.self)
            for position in ids.indices {
                if mask[position] == 0 {
                    #expect(label[position] == -100 && ids[position] == 0)
                    continue
                }
                if label[position] != -100 {
                    predicted += 1
                    #expect(label[position] >= 5)  // never a special token
                    #expect(ids[position] == 4 || ids[position] == label[position] || ids[position] >= 5)
                } else {
                    #expect(ids[position] != 4)
                }
            }
        }
        #expect(predicted == result.statistics.predicted)
        let rate = Double(result.statistics.predicted) / Double(result.statistics.candidates)
        #expect(abs(rate - 0.4) < 0.02)
        let manifest = try ManifestFile.read(directory: output)
        #expect(manifest["format"]?.stringValue == "mlmprep.batches")
        #expect(manifest["counts"]?["predicted"]?.intValue == result.statistics.predicted)
    }

    @Test func pairPackingAddsSegmentsAndLabels() throws {
        let directory = TemporaryDirectory()
        let store = try makeStore(directory)
        let output = directory.file("out")
        var job = settings(store, output, mode: .pair, length: 48)
        job.idsU16 = true
        _ = try MaskJob(settings: job).run()
        let first = try #require(try records(output).first)
        #expect(first["input_ids"]?.dtype == .uint16)
        #expect(first["token_type_ids"]?.dtype == .uint8)
        let labels = try #require(first["next_sentence_label"]).values(as: Int32.self)
        #expect(labels.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(labels.count == first["input_ids"]?.shape[0])
    }

    @Test func predictionAboveCorruptionWritesDisjointCopies() throws {
        let directory = TemporaryDirectory()
        let store = try makeStore(directory, documents: 60)
        let output = directory.file("out")
        var job = settings(store, output)
        job.masking = MaskingSettings(strategy: .token, predictRate: 0.3, corruptRate: 0.1, seed: 1)
        let result = try MaskJob(settings: job).run()
        let batches = try records(output)
        #expect(batches.count % 3 == 0)
        // Copies of the same batch are consecutive; their label sets are disjoint.
        for group in stride(from: 0, to: batches.count, by: 3) {
            let sets = try (0..<3).map { try #require(batches[group + $0]["labels"]).values(as: Int32.self) }
            for position in sets[0].indices {
                #expect(sets.filter { $0[position] != -100 }.count <= 1)
            }
        }
        let rate = Double(result.statistics.predicted) / Double(result.statistics.candidates / 3)
        #expect(abs(rate - 0.3) < 0.03)
    }

    @Test func dropLastAndEpochsShapeTheOutput() throws {
        let directory = TemporaryDirectory()
        let store = try makeStore(directory, documents: 50)
        var job = settings(store, directory.file("a"))
        let all = try MaskJob(settings: job).run()
        job.destination = .directory(directory.file("b"))
        job.dropLast = true
        job.epochs = 2
        let dropped = try MaskJob(settings: job).run()
        #expect(dropped.batches == 2 * (all.batches - (all.sequences % 16 == 0 ? 0 : 1)))
        #expect(try records(directory.file("b")).allSatisfy { $0["input_ids"]?.shape[0] == 16 })
    }

    @Test func aStoreWithoutManifestIsRefused() throws {
        let directory = TemporaryDirectory()
        let store = try makeStore(directory, documents: 5)
        try FileManager.default.removeItem(atPath: store + "/manifest.json")
        do {
            _ = try MaskJob(settings: settings(store, directory.file("out"))).run()
            Issue.record("an unfinished store was read")
        } catch let error as ShardError {
            #expect(error.code == .missingManifest)
            #expect(error.description.contains("manifest.json"))
        }
    }

    @Test func anAlteredVocabularyIsRefused() throws {
        let directory = TemporaryDirectory()
        let store = try makeStore(directory, documents: 5)
        try (vocabularyTokens + ["extra"]).joined(separator: "\n").write(
            toFile: store + "/vocab.txt", atomically: true, encoding: .utf8)
        #expect(throws: ShardError.self) { _ = try MaskJob(settings: settings(store, directory.file("out"))).run() }
    }
}
