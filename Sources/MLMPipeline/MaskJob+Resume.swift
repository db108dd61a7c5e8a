import MLMCore
import MLMMasking
import MLMPacking
import MLMReaders
import MLMShards

/// A mask run's state at a shard boundary, as its journal stores it (see ``RunJournal``).
///
/// Packing is deterministic and masking is keyed by (seed, epoch, sequence index), so a batch can be masked
/// without the batches before it: "the first `batch` batches, and the first `frame` frames (copies) of batch
/// `batch`, are in the journaled shards" is a complete position. A resumed run packs the store again from the
/// start, submits nothing before that batch, drops the batch's first `frame` frames, and continues the counts.
struct MaskProgress {
    /// Batches (over all passes, in submission order) whose frames are all in journaled shards.
    var batch: Int
    /// Frames of batch `batch` already in journaled shards (a shard may end between the copies of a batch).
    var frame: Int
    /// Records written so far.
    var batches: Int
    /// Sequences written so far.
    var sequences: Int
    /// Real tokens of the batches before `batch`.
    var tokens: Int
    /// Masking statistics of the batches before `batch`.
    var statistics: MaskingStatistics

    /// The state as JSON.
    var json: JSONValue {
        let s = statistics
        return .object([
            ("batch", .int(batch)), ("frame", .int(frame)), ("batches", .int(batches)), ("sequences", .int(sequences)),
            ("tokens", .int(tokens)),
            (
                "statistics",
                .object([
                    ("candidates", .int(s.candidates)), ("selected_units", .int(s.selectedUnits)),
                    ("selected_tokens", .int(s.selectedTokens)), ("predicted", .int(s.predicted)),
                    ("masked_with_mask", .int(s.maskedWithMask)), ("random_replaced", .int(s.randomReplaced)),
                    ("kept_but_predicted", .int(s.keptButPredicted)),
                    ("corrupted_but_not_predicted", .int(s.corruptedButNotPredicted)),
                ])
            ),
        ])
    }

    /// Creates a state.
    init(batch: Int, frame: Int, result: MaskJobResult) {
        self.batch = batch
        self.frame = frame
        self.batches = result.batches
        self.sequences = result.sequences
        self.tokens = result.tokens
        self.statistics = result.statistics
    }

    /// Reads a journaled state.
    /// - Parameters:
    ///   - json: The entry's state.
    ///   - directory: The output directory, for the error.
    /// - Throws: ``ResumeError`` (`damagedJournal`) when a field is missing.
    init(json: JSONValue, directory: String) throws(ResumeError) {
        let numbers = ["batch", "frame", "batches", "sequences", "tokens"].compactMap { json[$0]?.intValue }
        let statistics = json["statistics"]
        let statisticsKeys = [
            "candidates", "selected_units", "selected_tokens", "predicted", "masked_with_mask", "random_replaced",
            "kept_but_predicted", "corrupted_but_not_predicted",
        ]
        let values = statisticsKeys.compactMap { statistics?[$0]?.intValue }
        guard numbers.count == 5, values.count == statisticsKeys.count else {
            throw ResumeError(
                .damagedJournal, "a progress journal entry lacks the mask state; pass --overwrite to start over",
                directory: directory)
        }
        batch = numbers[0]
        frame = numbers[1]
        batches = numbers[2]
        sequences = numbers[3]
        tokens = numbers[4]
        var s = MaskingStatistics()
        s.candidates = values[0]
        s.selectedUnits = values[1]
        s.selectedTokens = values[2]
        s.predicted = values[3]
        s.maskedWithMask = values[4]
        s.randomReplaced = values[5]
        s.keptButPredicted = values[6]
        s.corruptedButNotPredicted = values[7]
        self.statistics = s
    }

    /// Puts the counts into a result.
    func restore(into result: inout MaskJobResult) {
        result.batches = batches
        result.sequences = sequences
        result.tokens = tokens
        result.statistics = statistics
    }
}

extension MaskJob {
    /// The journal header: the store (its path and the sha256 of its manifest, which lists every shard's sha256)
    /// and every setting that shapes the batches, named as the command line names it. Threads are left out: they
    /// never change a byte. The command line recorded in the manifest is kept, not compared, so that a resumed run
    /// (with `--threads` of its own, say) writes the manifest the interrupted run would have written.
    /// - Parameters:
    ///   - storeManifestDigest: The sha256 of the store's `manifest.json`.
    ///   - packing: The packing settings with the store's special ids.
    /// - Returns: The header.
    func journalHeader(storeManifestDigest: String, packing: PackingSettings) -> RunJournal.Header {
        let masking = settings.masking
        var entries: [(key: String, value: JSONValue)] = [
            ("the store", .string(settings.store)),
            ("the store's manifest.json (sha256)", .string(storeManifestDigest)),
            ("--strategy", .string(masking.strategy.rawValue)),
            ("--predict-rate", .double(masking.predictRate)),
            ("--corrupt-rate", .double(masking.corruptRate)),
            ("--replace", [.double(masking.replace.mask), .double(masking.replace.random), .double(masking.replace.keep)]),
            ("--replace-per", .string(masking.replacePer.rawValue)),
            ("--random-from", .string(masking.randomFrom.rawValue)),
            ("--span-p", .double(masking.spanP)),
            ("--span-min", .int(masking.spanMin)),
            ("--span-max", .int(masking.spanMax)),
            ("--max-predictions", masking.maxPredictions.map { .int($0) } ?? .null),
            ("--budget", .string(masking.budget.rawValue)),
            ("--seed", .string(String(masking.seed))),
            ("--epoch", .string(String(settings.epoch))),
            ("--epochs", .int(settings.epochs)),
            ("--pack", .string(packing.mode.rawValue)),
            ("--seq-len", .int(packing.sequenceLength)),
            ("--batch-size", .int(packing.batchSize)),
            ("--short-seq-prob", .double(packing.shortSequenceProbability)),
            ("--pair-task", .string(packing.pairTask.rawValue)),
            ("the random-document pool", .int(packing.randomDocumentPool)),
            ("--drop-last", .bool(settings.dropLast)),
            ("--ids", .string(settings.idsU16 ? "u16" : "i32")),
            ("--level", .int(Int(settings.compressionLevel))),
            ("--max-shard-bytes", .int(settings.maxShardBytes)),
            // Anything the named entries miss (a setting added later) still stops a mismatched resume.
            ("every masking and packing setting", .string("\(masking) \(packing)")),
        ]
        // The order entries are always there (corpus order when no order is set), so that a resume names the one
        // that changed.
        if let order = settings.order {
            entries += [("--shuffle", .string(order.shuffle.rawValue)), ("--rank", .string(order.rank.description)),
                        ("--start-step", .int(order.startStep)), ("--tail", .string(order.tail.rawValue))]
        } else {
            entries += [("--shuffle", "none"), ("--rank", "0/1"), ("--start-step", 0),
                        ("--tail", "none (a smaller last batch)")]
        }
        if let table = settings.pmiTable {
            // The table's bytes, not just its path, shape the units.
            let digest = (try? SHA256.hashFile(table).digest.hexDigest) ?? "unreadable"
            entries += [("--pmi", .string(table)), ("the PMI table (sha256)", .string(digest))]
        }
        var header = RunJournal.Header(command: "mask", settings: entries, inputs: [])
        header.kept = [("recorded_settings", .object(settings.recordedSettings.map { (key: $0.0, value: $0.1) }))]
        return header
    }
}
