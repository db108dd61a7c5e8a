import Foundation
import MLMCore
import MLMMasking
import MLMPacking
import MLMShards
import MLMTokenizer
import MLMZstd

/// Where masked batches go.
public enum BatchDestination: Sendable, Equatable {
    /// Shards and a manifest in a directory.
    case directory(String)
    /// The same frames on standard output, flushed per batch.
    case standardOutput
}

/// The settings of one `mlmprep mask` run.
public struct MaskJobSettings: Sendable {
    /// The tokenized store to read.
    public var store: String
    /// Where the batches go.
    public var destination: BatchDestination
    /// Packing settings (the special ids are filled in from the store's vocabulary).
    public var packing: PackingSettings
    /// Masking settings (seed and epoch are set per pass).
    public var masking: MaskingSettings
    /// The first epoch; pass k uses `epoch + k`.
    public var epoch: UInt64 = 0
    /// How many differently masked passes to write (BERT's dupe factor).
    public var epochs = 1
    /// Drop a last batch smaller than the batch size.
    public var dropLast = false
    /// Write `input_ids` as U16 (the vocabulary must hold at most 65,536 tokens).
    public var idsU16 = false
    /// Worker threads.
    public var threads = 1
    /// zstd level.
    public var compressionLevel: Int32 = 3
    /// Largest uncompressed shard.
    public var maxShardBytes = 64 << 20
    /// Replace an earlier run in the output directory.
    public var overwrite = false
    /// Continue an interrupted run in the output directory (or start one); see ``RunJournal``.
    public var resume = false
    /// The command line's settings, recorded in the manifest.
    public var recordedSettings: [(String, JSONValue)] = []
    /// The PMI table for `--strategy pmi` (from `mlmprep pmi`; counted with the store's vocabulary).
    public var pmiTable: String?

    /// Creates settings.
    public init(store: String, destination: BatchDestination, packing: PackingSettings, masking: MaskingSettings) {
        self.store = store
        self.destination = destination
        self.packing = packing
        self.masking = masking
    }
}

/// What a mask run produced.
public struct MaskJobResult: Sendable {
    /// Batches (records) written.
    public var batches = 0
    /// Sequences written (counting every copy when prediction exceeds corruption).
    public var sequences = 0
    /// Real (non-padding) tokens in the written sequences.
    public var tokens = 0
    /// Masking statistics over everything written.
    public var statistics = MaskingStatistics()
    /// Packing counts of the last pass.
    public var packing = PackingCounts()
    /// Documents read from the store per pass.
    public var documents = 0
    /// Shards written (directory mode).
    public var shards: [ShardSummary] = []
    /// Wall-clock seconds.
    public var seconds = 0.0
    /// The reader of standard output went away; the run stopped early, quietly.
    public var pipeClosed = false
    /// Shards of an interrupted run that were verified and kept (`resume`).
    public var resumedShards = 0
    /// `resume` found the run already finished: nothing was written, the counts are the manifest's.
    public var alreadyFinished = false
}

/// Packs a tokenized store into sequences, masks them and writes batches (DESIGN.md §3.2, §4).
///
/// Reading and packing run on the caller's thread (they are cheap); masking, safetensors encoding and
/// compression run per batch on worker threads; batches are written in order, so the bytes do not depend
/// on `threads`. Randomness is keyed by (seed, epoch, sequence index) for masking and (seed, epoch, document
/// index) for packing.
public struct MaskJob {
    /// The settings.
    public let settings: MaskJobSettings
    /// Called after each batch is written, with the running result. An error it throws stops the run as any error
    /// does (no manifest; journaled shards stay for `resume`): a way to cancel.
    public var progress: ((MaskJobResult) throws -> Void)?
    /// Called with one-line notes about the output directory (a damaged shard to write again, for example).
    public var notice: ((String) -> Void)?

    /// Creates a job.
    public init(settings: MaskJobSettings) { self.settings = settings }

    /// Runs the job.
    ///
    /// With `resume`, an interrupted run's journaled shards are verified and kept, the store is packed again from
    /// the start, the batches they hold are not masked again, and the counts continue from the journal (see
    /// ``RunJournal``); the finished directory is byte-identical to an uninterrupted run's.
    /// - Returns: What was written.
    /// - Throws: Store, settings, masking, output or ``ResumeError`` errors; a failed directory run writes no
    ///   manifest (its complete shards and journal stay for `--resume`; the unfinished shard's `.tmp` is removed).
    public func run() throws -> MaskJobResult {
        let start = Date()
        let store = try TokenStore(directory: settings.store)
        let vocabulary = store.vocabulary
        func special(_ name: String) throws -> UInt32 {
            guard let id = vocabulary.id(of: name) else {
                throw MaskingError(
                    .invalidSetting, "the store's vocabulary has no \(name) token, which masking needs")
            }
            return UInt32(id)
        }
        var packing = settings.packing
        packing.clsID = try special("[CLS]")
        packing.sepID = try special("[SEP]")
        packing.padID = try special("[PAD]")
        let maskID = try special("[MASK]")
        if settings.idsU16 && vocabulary.count > 65536 {
            throw MaskingError(.invalidSetting, "--ids u16 needs a vocabulary of at most 65536 tokens (this one has \(vocabulary.count))")
        }
        try settings.masking.validate()
        try packing.validate()

        let specialIDs = Set(vocabulary.specialTokens.map { UInt32($0.id) })
        let randomIDs = (0..<UInt32(vocabulary.count)).filter { !specialIDs.contains($0) }
        var unigram: [UInt64]?
        if settings.masking.randomFrom == .unigram {
            var counts = [UInt64](repeating: 0, count: vocabulary.count)
            try store.forEachRecord { record in
                for id in record.ids where Int(id) < counts.count { counts[Int(id)] += 1 }
            }
            for id in specialIDs where Int(id) < counts.count { counts[Int(id)] = 0 }
            unigram = counts
        }
        let maskingVocabulary = MaskingVocabulary(maskID: maskID, randomIDs: randomIDs, unigramCounts: unigram)
        let matcher = try Self.loadMatcher(settings: settings, store: store)

        var result = MaskJobResult()
        let sink: any FrameSink
        var writer: ShardSetWriter?
        var journal: RunJournal?
        var recordedSettings = settings.recordedSettings
        switch settings.destination {
        case .directory(let path):
            let policy: OutputDirectory.Policy = settings.resume ? .resume : settings.overwrite ? .overwrite : .refuse
            let digest = try SHA256.hashFile(RunJournal.join(settings.store, ManifestFile.fileName)).digest.hexDigest
            let header = journalHeader(storeManifestDigest: digest, packing: packing)
            switch try OutputDirectory.open(path, policy: policy, header: header, notice: { notice?($0) }) {
            case .finished(let manifest):
                return Self.finishedResult(manifest, seconds: Date().timeIntervalSince(start))
            case .run(let opened):
                journal = opened
                for (key, value) in opened.header.kept("recorded_settings")?.objectValue ?? [] {
                    if let index = recordedSettings.firstIndex(where: { $0.0 == key }) {
                        recordedSettings[index].1 = value
                    }
                }
                let shardWriter = try ShardSetWriter(
                    directory: path, maxRawBytesPerShard: settings.maxShardBytes,
                    firstShardIndex: opened.entries.count)
                writer = shardWriter
                sink = shardWriter
            }
        case .standardOutput:
            sink = StdoutFrameSink()
        }

        // Resume point: batches before `resumeBatch` are not submitted; `resumeFrame` frames of it are dropped.
        var resumeBatch = 0
        var resumeFrame = 0
        if let journal, let last = journal.entries.last {
            let progress = try MaskProgress(json: last.state, directory: journal.directory)
            progress.restore(into: &result)
            resumeBatch = progress.batch
            resumeFrame = progress.frame
            result.resumedShards = journal.entries.count
        }
        /// Journals the shard the writer just finished, at frame `frame` of batch `batch`.
        func journalShard(batch: Int, frame: Int) throws {
            guard let journal, let shard = writer?.completedShards.last else { return }
            try journal.record(shard: shard, state: MaskProgress(batch: batch, frame: frame, result: result).json)
        }

        var documentsSoFar = 0
        var submitted = 0
        var consumed = resumeBatch
        let copies = settings.masking.copies
        let settings = self.settings
        let progress = self.progress
        do {
            for pass in 0..<settings.epochs {
                let epoch = settings.epoch + UInt64(pass)
                var masking = settings.masking
                masking.epoch = epoch
                var passPacking = packing
                passPacking.epoch = epoch
                let maskingSettings = masking
                let map = OrderedParallelMap<SequenceBatch, MaskedBatch, BatchMasker>(
                    threads: settings.threads,
                    maxInFlight: settings.threads * 3,
                    makeWorker: {
                        try BatchMasker(
                            settings: maskingSettings, vocabulary: maskingVocabulary, matcher: matcher, copies: copies,
                            idsU16: settings.idsU16, compressionLevel: settings.compressionLevel)
                    },
                    work: { worker, batch in try worker.process(batch) },
                    consume: { masked in
                        let index = consumed
                        consumed += 1
                        for (copy, frame) in masked.frames.enumerated() {
                            if index == resumeBatch && copy < resumeFrame { continue }
                            let finished = writer?.completedShards.count ?? 0
                            try sink.append(frame: frame.bytes, rawSize: frame.rawSize, sequences: frame.sequences)
                            if let writer, writer.completedShards.count > finished {
                                try journalShard(batch: index, frame: copy)
                            }
                            result.batches += 1
                            result.sequences += frame.sequences
                        }
                        result.tokens += masked.tokens
                        result.statistics.add(masked.statistics)
                        try progress?(result)
                    })
                /// Submits batches from `resumeBatch` on; the earlier ones are in journaled shards.
                func submit(_ batch: SequenceBatch) throws {
                    defer { submitted += 1 }
                    if submitted >= resumeBatch { try map.submit(batch) }
                }
                var packer = try SequencePacker(settings: passPacking)
                defer { documentsSoFar = packer.documentCount }
                let batchSize = passPacking.batchSize
                let dropLast = settings.dropLast
                try store.forEachRecord { record in
                    try record.ids.withUnsafeBufferPointer { ids in
                        try record.flags.withUnsafeBufferPointer { flags in
                            for document in 0..<(record.documentOffsets.count - 1) {
                                let range = record.documentOffsets[document]..<record.documentOffsets[document + 1]
                                try packer.append(
                                    ids: UnsafeBufferPointer(rebasing: ids[range]),
                                    flags: UnsafeBufferPointer(rebasing: flags[range])
                                ) { batch throws(any Error) in try submit(batch) }
                            }
                        }
                    }
                }
                try packer.finish { batch throws(any Error) in
                    if dropLast && batch.count < batchSize { return }
                    try submit(batch)
                }
                try map.finish()
                result.packing = packer.counts
                result.documents = packer.documentCount
            }
            let finished = writer?.completedShards.count ?? 0
            _ = try sink.finish()
            if let writer, writer.completedShards.count > finished { try journalShard(batch: submitted, frame: 0) }
        } catch let error as ShardError where error.code == .brokenPipe {
            result.pipeClosed = true
            result.documents = documentsSoFar
            result.seconds = Date().timeIntervalSince(start)
            return result
        } catch {
            writer?.abandon()
            // With no shard journaled there is nothing to resume: leave the directory as a fresh one.
            if let journal, journal.entries.isEmpty { try? journal.remove() }
            throw error
        }
        if case .directory(let path) = settings.destination, let journal {
            result.shards = journal.entries.map(\.shard)
            var recorded = settings
            recorded.recordedSettings = recordedSettings
            try OutputDirectory.writeVocabulary(vocabulary, to: path)
            let manifest = BatchManifest.make(settings: recorded, store: store, packing: packing, result: result)
            try ManifestFile.write(journal.header.recorded(in: manifest), to: path)
            try journal.remove()
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// The result of a run that `resume` found finished: the counts its manifest records.
    static func finishedResult(_ manifest: JSONValue, seconds: Double) -> MaskJobResult {
        var result = MaskJobResult()
        let counts = manifest["counts"]
        func count(_ key: String) -> Int { counts?[key]?.intValue ?? 0 }
        result.batches = count("batches")
        result.sequences = count("sequences")
        result.tokens = count("tokens")
        result.documents = count("documents_per_epoch")
        result.statistics.candidates = count("candidates")
        result.statistics.predicted = count("predicted")
        result.statistics.maskedWithMask = count("masked_with_mask")
        result.statistics.randomReplaced = count("random_replaced")
        result.statistics.keptButPredicted = count("kept_but_predicted")
        result.statistics.corruptedButNotPredicted = count("corrupted_but_not_predicted")
        result.shards = (manifest["shards"]?.arrayValue ?? []).compactMap { try? ShardSummary(jsonValue: $0) }
        result.seconds = seconds
        result.alreadyFinished = true
        return result
    }
}
