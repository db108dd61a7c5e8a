import MLMSystem
import Foundation
import MLMCore
import MLMFormats
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
    /// A MosaicML Streaming MDS dataset, one sample per sequence (see ``MaskJob/mdsSink(_:resume:)``).
    case mds(MDSOutputSettings)
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
    public var compressionLevel = ZstdCompressor.defaultLevel
    /// Largest uncompressed shard.
    public var maxShardBytes = ShardSetWriter.defaultMaxRawBytesPerShard
    /// Replace an earlier run in the output directory.
    public var overwrite = false
    /// Continue an interrupted run in the output directory (or start one); see ``RunJournal``.
    public var resume = false
    /// The command line's settings, recorded in the manifest.
    public var recordedSettings: [(String, JSONValue)] = []
    /// The PMI table for `--strategy pmi` (from `mlmprep pmi`; counted with the store's vocabulary).
    public var pmiTable: String?
    /// The training order (shuffle, rank, start step, tail); nil streams corpus order as packed.
    public var order: MaskOrderSettings?

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
    /// The training order's figures (ordered runs only).
    public var order: MaskOrderSummary?
}

/// Packs a tokenized store into sequences, masks them and writes batches (docs/design.md §3.2, §4).
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
    /// Called once before the first batch of an ordered run with its figures (steps, tail, memory).
    public var orderReport: ((MaskOrderSummary) -> Void)?

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
        let inputs = try MaskInputs(settings: settings)
        let output: MaskOutput
        switch try openOutput(inputs: inputs) {
        case .finished(let manifest): return Self.finishedResult(manifest, seconds: Date().timeIntervalSince(start))
        case .opened(let opened): output = opened
        }
        let run = try MaskRun(job: self, inputs: inputs, output: output)
        do {
            try run.writePasses()
        } catch let error as ShardError where error.code == .brokenPipe {
            run.result.pipeClosed = true
            run.result.documents = run.documentsSoFar
            run.result.seconds = Date().timeIntervalSince(start)
            return run.result
        } catch {
            output.abandon()
            throw error
        }
        var result = run.result
        if case .directory(let directory, let recordedSettings) = output {
            result.shards = directory.shards
            var recorded = settings
            recorded.recordedSettings = recordedSettings
            let manifest = BatchManifest.make(
                settings: recorded, store: inputs.store, packing: inputs.packing, result: result)
            try directory.commit(vocabulary: inputs.store.vocabulary, manifest: manifest)
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// Opens the destination: a journaled directory (which `--resume` may find finished) or standard output.
    private func openOutput(inputs: MaskInputs) throws -> MaskOutput.Opening {
        let path: String
        switch settings.destination {
        case .directory(let directory): path = directory
        case .standardOutput: return .opened(.stream(StdoutFrameSink()))
        case .mds(let output): return .opened(.stream(try Self.mdsSink(output, resume: settings.resume)))
        }
        let digest = try SHA256.hashFile(Path.join(settings.store, ManifestFile.fileName)).digest.hexDigest
        switch try JournaledShardOutput.open(
            directory: path, policy: OutputDirectory.Policy(resume: settings.resume, overwrite: settings.overwrite),
            header: journalHeader(storeManifestDigest: digest, packing: inputs.packing),
            maxShardBytes: settings.maxShardBytes, notice: { notice?($0) })
        {
        case .finished(let manifest): return .finished(manifest)
        case .opened(let directory):
            // A resumed run records the interrupted run's command line, so its manifest is the one that run writes.
            var recordedSettings = settings.recordedSettings
            for (key, value) in directory.journal.header.kept("recorded_settings")?.objectValue ?? [] {
                if let index = recordedSettings.firstIndex(where: { $0.0 == key }) { recordedSettings[index].1 = value }
            }
            return .opened(.directory(directory, recordedSettings: recordedSettings))
        }
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
