import Foundation
import MLMCore
import MLMMasking
import MLMPacking
@testable import MLMPipeline
import MLMReaders
import MLMShards
import MLMTestSupport
import MLMTokenizer
import Testing

private let tokens =
    ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (0..<200).map { "w\($0)" } + (0..<50).map { "##s\($0)" }

private struct Stop: Error {}

/// Every file of a directory, by name.
private func files(_ directory: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
        result[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
    }
    return result
}

private func shardCount(_ directory: String) -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".mlmb.zst") }.count
}

private func corpus(_ directory: TemporaryDirectory) -> String {
    var random = CounterRandom(seed: 11, index: 0)
    var text = ""
    for document in 0..<400 {
        for _ in 0..<(1 + random.below(5)) {
            text += (0..<(3 + random.below(15))).map { _ in "w\(random.below(200))" }.joined(separator: " ") + "\n"
        }
        if document % 37 == 0 { text += "\u{200B}\n" }
        text += "\n"
        if document % 41 == 0 { text += "\u{200B}\n\n" }  // an empty document: a report to journal
    }
    return directory.write("corpus.txt", text)
}

private func tokenizeSettings(_ input: String, _ output: String) -> TokenizeJobSettings {
    var settings = TokenizeJobSettings(inputs: [input], output: output)
    settings.reader.targetChunkBytes = 1500
    settings.maxShardBytes = 6000
    settings.threads = 2
    return settings
}

private func tokenizeJob(_ settings: TokenizeJobSettings) throws -> TokenizeJob {
    TokenizeJob(
        settings: settings, vocabulary: try Vocabulary(tokens: tokens),
        tokenizer: TokenizerSettings(normalizer: BertNormalizerOptions(lowercase: false)))
}

private func maskSettings(_ store: String, _ output: String) -> MaskJobSettings {
    var settings = MaskJobSettings(
        store: store, destination: .directory(output),
        packing: PackingSettings(mode: .full, sequenceLength: 32, clsID: 0, sepID: 0, padID: 0, batchSize: 8),
        masking: MaskingSettings(strategy: .word, predictRate: 0.3, corruptRate: 0.15, seed: 5))
    settings.epochs = 2
    settings.threads = 2
    settings.maxShardBytes = 8000  // three frames of ~2.5 kB: shards end between copies
    return settings
}

@Suite struct ResumeTests {
    @Test func aCancelledTokenizeRunResumesToTheSameBytes() throws {
        let directory = TemporaryDirectory()
        let input = corpus(directory)
        let reference = directory.file("reference")
        let result = try tokenizeJob(tokenizeSettings(input, reference)).run()
        #expect(result.shards.count > 8)
        #expect(result.counts.documentsSkipped[.empty, default: 0] > 5)
        let want = try files(reference)
        for stopAfter in [0, 1, 4, result.shards.count - 1] {
            let output = directory.file("out-\(stopAfter)")
            var job = try tokenizeJob(tokenizeSettings(input, output))
            job.progress = { _ in if shardCount(output) >= stopAfter { throw Stop() } }
            #expect(throws: Stop.self) { try job.run() }
            #expect(!FileManager.default.fileExists(atPath: output + "/manifest.json"))
            var settings = tokenizeSettings(input, output)
            settings.resume = true
            settings.threads = 1
            let resumed = try tokenizeJob(settings).run()
            #expect(resumed.counts == result.counts)
            #expect(resumed.reports == result.reports)
            #expect(try files(output) == want, "stopped after \(stopAfter) shard(s)")
        }
    }

    @Test func aCancelledMaskRunResumesToTheSameBytesEvenBetweenCopies() throws {
        let directory = TemporaryDirectory()
        let store = directory.file("store")
        var storeSettings = tokenizeSettings(corpus(directory), store)
        storeSettings.maxShardBytes = 64 << 20
        _ = try tokenizeJob(storeSettings).run()
        let reference = directory.file("reference")
        let result = try MaskJob(settings: maskSettings(store, reference)).run()
        #expect(result.shards.count > 8)
        let want = try files(reference)
        var betweenCopies = 0
        for stopAfter in [0, 1, 2, 3, 5, 8, result.shards.count - 1] {
            let output = directory.file("out-\(stopAfter)")
            var job = MaskJob(settings: maskSettings(store, output))
            job.progress = { _ in if shardCount(output) >= stopAfter { throw Stop() } }
            #expect(throws: Stop.self) { try job.run() }
            if let text = try? String(contentsOfFile: output + "/" + RunJournal.fileName, encoding: .utf8),
                text.contains("\"frame\":1")
            {
                betweenCopies += 1
            }
            var settings = maskSettings(store, output)
            settings.resume = true
            let resumed = try MaskJob(settings: settings).run()
            #expect(resumed.statistics == result.statistics && resumed.batches == result.batches)
            #expect(try files(output) == want, "stopped after \(stopAfter) shard(s)")
        }
        #expect(betweenCopies > 0, "no shard ended between the two copies of a batch")
    }

    @Test func theJournalDropsATornLastLine() throws {
        let directory = TemporaryDirectory()
        let header = RunJournal.Header(command: "tokenize", settings: [("--level", 3)], inputs: [])
        let journal = try RunJournal(directory: directory.path, header: header, entries: [])
        let shard = ShardSummary(
            file: "shard-00000.mlmb.zst", records: 1, sequences: 2, compressedBytes: 3, rawBytes: 4, sha256: "ab")
        try journal.record(shard: shard, state: ["chunks": 1])
        try journal.record(shard: shard, state: ["chunks": 2])
        let handle = try #require(FileHandle(forWritingAtPath: RunJournal.path(in: directory.path)))
        handle.seekToEndOfFile()
        handle.write(Data("{\"shard\": {\"file\": \"shard-0".utf8))
        handle.closeFile()
        let contents = try RunJournal.read(directory: directory.path)
        #expect(contents.entries.count == 2 && contents.droppedLines == 1)
        #expect(contents.entries[1].shard == shard && contents.entries[1].state["chunks"]?.intValue == 2)
        #expect(contents.header.settings.first?.key == "--level")
    }

    @Test func aResumeWithOtherSettingsOrInputsIsRefusedNamingTheDifference() throws {
        let old = RunJournal.Header(
            command: "mask", settings: [("--seq-len", 128), ("--rate", 0.15)],
            inputs: [InputFileStatus(path: "a.txt", size: 10, modificationTime: 5)])
        var new = old
        try old.check(resumingWith: new, directory: "out")
        new.settings[0].value = 64
        let changed = #expect(throws: ResumeError.self) { try old.check(resumingWith: new, directory: "out") }
        #expect(changed?.code == .settingsChanged)
        #expect(changed?.description == "out: cannot resume: --seq-len was 128 in the interrupted run and is 64 now; "
            + "resume with the same settings, or pass --overwrite to start over")
        new = old
        new.inputs[0].size = 11
        let input = #expect(throws: ResumeError.self) { try old.check(resumingWith: new, directory: "out") }
        #expect(input?.code == .inputChanged && input?.message.contains("a.txt changed") == true)
        new = old
        new.command = "tokenize"
        #expect(throws: ResumeError.self) { try old.check(resumingWith: new, directory: "out") }
    }

    @Test func resumingAFinishedRunReportsItAndWritesNothing() throws {
        let directory = TemporaryDirectory()
        let input = corpus(directory)
        let output = directory.file("out")
        let first = try tokenizeJob(tokenizeSettings(input, output)).run()
        let before = try files(output)
        var settings = tokenizeSettings(input, output)
        settings.resume = true
        let again = try tokenizeJob(settings).run()
        #expect(again.alreadyFinished && again.counts == first.counts && again.shards == first.shards)
        #expect(try files(output) == before)
    }
}
