import MLMSystem
import Foundation
import MLMCore
import MLMMasking
import MLMPacking
import MLMPipeline
import MLMShards
import MLMTestSupport
import MLMTokenizer
import MLMZstd
import Testing

/// `tokenize --worker I/N` + `merge`: the merged store masks to the bytes of the one-process store.
@Suite struct StoreMergeTests {
    static let tokens =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (0..<200).map { "w\($0)" } + (0..<50).map { "##s\($0)" }

    /// Three input files of random documents (one of them zstd-compressed).
    func corpus(_ directory: TemporaryDirectory) throws -> [String] {
        var random = CounterRandom(seed: 11, index: 0)
        var paths: [String] = []
        for file in 0..<3 {
            var text = ""
            for _ in 0..<(40 + 60 * file) {
                for _ in 0..<(1 + random.below(5)) {
                    text += (0..<(2 + random.below(25))).map { _ in
                        random.below(4) == 0 ? "w\(random.below(200))s\(random.below(50))" : "w\(random.below(200))"
                    }.joined(separator: " ") + "\n"
                }
                text += random.below(3) == 0 ? "\n \n" : "\n"
            }
            if file == 1 {
                paths.append(directory.write("c\(file).txt.zst", try ZstdCompressor(level: 3).compressFrame(Array(text.utf8))))
            } else {
                paths.append(directory.write("c\(file).txt", text))
            }
        }
        return paths
    }

    func tokenize(_ inputs: [String], _ output: String, worker: WorkerSlice = .all, chunk: Int) throws {
        var settings = TokenizeJobSettings(inputs: inputs, output: output)
        settings.reader.targetChunkBytes = chunk
        settings.reader.worker = worker
        settings.maxShardBytes = 6000
        _ = try TokenizeJob(
            settings: settings, vocabulary: try Vocabulary(tokens: Self.tokens),
            tokenizer: TokenizerSettings(normalizer: BertNormalizerOptions(lowercase: false))
        ).run()
    }

    /// The bytes of every shard of a directory, in order.
    func shardBytes(_ directory: String) throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mlmb.zst") }.sorted()
            .map { try AtomicFile.read(directory + "/" + $0) }
    }

    func mask(_ store: String, _ output: String, mode: PackingMode) throws {
        var settings = MaskJobSettings(
            store: store, destination: .directory(output),
            packing: PackingSettings(mode: mode, sequenceLength: 48, clsID: 0, sepID: 0, padID: 0, batchSize: 8),
            masking: MaskingSettings(strategy: .span, rate: 0.3, seed: 5))
        settings.maxShardBytes = 20000
        _ = try MaskJob(settings: settings).run()
    }

    @Test func mergedStoresMaskToTheOneProcessBatches() throws {
        let directory = TemporaryDirectory()
        let inputs = try corpus(directory)
        let single = directory.file("single")
        try tokenize(inputs, single, chunk: 3000)
        let singleManifest = try ManifestFile.read(directory: single)
        for (count, chunk) in [(2, 1000), (3, 3000), (5, 700)] {
            let parts = (0..<count).map { directory.file("part\(count)-\($0)") }
            for (index, part) in parts.enumerated().reversed() {
                try tokenize(inputs, part, worker: WorkerSlice(index: index, count: count), chunk: chunk)
            }
            let merged = directory.file("merged\(count)")
            let result = try StoreMerge.merge(parts: parts.reversed(), output: merged, overwrite: false)
            #expect(result.workers == count)
            _ = try OutputVerifier.verify(merged)
            let manifest = try ManifestFile.read(directory: merged)
            var expected = singleManifest["counts"]!
            var actual = manifest["counts"]!
            // Records follow the reader chunks, which differ; every other count is the one process's.
            if case .object(let a) = expected { expected = .object(a.filter { $0.key != "records" }) }
            if case .object(let a) = actual { actual = .object(a.filter { $0.key != "records" }) }
            #expect(actual == expected)
            for mode in [PackingMode.full, .pair, .doc, .single] {
                let one = directory.file("b-single-\(count)-\(mode)")
                let joined = directory.file("b-merged-\(count)-\(mode)")
                try mask(single, one, mode: mode)
                try mask(merged, joined, mode: mode)
                #expect(try shardBytes(one) == shardBytes(joined), "\(count) workers, --pack \(mode)")
                #expect(try !shardBytes(one).isEmpty)
            }
        }
    }

    @Test func partsThatDoNotBelongTogetherAreRefusedNamingThePart() throws {
        let directory = TemporaryDirectory()
        let inputs = try corpus(directory)
        let parts = (0..<3).map { directory.file("p\($0)") }
        for (index, part) in parts.enumerated() {
            try tokenize(inputs, part, worker: WorkerSlice(index: index, count: 3), chunk: 2000)
        }
        func refusal(_ given: [String], output: String = directory.file("out"), overwrite: Bool = false) -> String {
            do {
                _ = try StoreMerge.merge(parts: given, output: output, overwrite: overwrite)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal([parts[0], parts[2]]).contains("worker 1/3 is missing"))
        #expect(refusal([parts[0], parts[1], parts[1], parts[2]]).contains("given twice"))
        // Another chunk size: other settings.
        let other = directory.file("other")
        try tokenize(inputs, other, worker: WorkerSlice(index: 1, count: 3), chunk: 999)
        let message = refusal([parts[0], other, parts[2]])
        #expect(message.hasPrefix(other) && message.contains("settings"))
        // Another worker count.
        let four = directory.file("four")
        try tokenize(inputs, four, worker: WorkerSlice(index: 1, count: 4), chunk: 2000)
        #expect(refusal([parts[0], four, parts[2]]).contains("1/4"))
        // The output is a part.
        #expect(refusal(parts, output: parts[0]).contains("are the same"))
        // A damaged shard is named.
        let shard = parts[2] + "/shard-00000.mlmb.zst"
        var bytes = try AtomicFile.read(shard)
        let saved = bytes
        bytes[bytes.count / 2] ^= 0x40
        try AtomicFile.write(bytes, to: shard)
        #expect(refusal(parts).hasPrefix(shard))
        try AtomicFile.write(saved, to: shard)
        // Merging works now; merging again needs --overwrite.
        #expect(refusal(parts) == "accepted")
        #expect(refusal(parts).contains("--overwrite"))
        #expect(refusal(parts, overwrite: true) == "accepted")
    }
}
