import MLMCore
import MLMMasking
import MLMPacking
import MLMShards

/// Builds the `manifest.json` of a directory of masked batches (docs/design.md §3.1–§3.2).
enum BatchManifest {
    /// The format name written into the manifest.
    static let format = "mlmprep.batches"

    static func make(settings: MaskJobSettings, store: TokenStore, packing: PackingSettings, result: MaskJobResult)
        -> JSONValue
    {
        let masking = settings.masking
        let length = packing.sequenceLength
        var fields: [(String, JSONValue)] = [
            ("input_ids", .object([("dtype", settings.idsU16 ? "U16" : "I32"), ("shape", ["batch", .int(length)])])),
            ("labels", .object([("dtype", "I32"), ("shape", ["batch", .int(length)]), ("ignore_index", -100)])),
            ("attention_mask", .object([("dtype", "U8"), ("shape", ["batch", .int(length)])])),
        ]
        if packing.mode == .pair || packing.mode == .electra {
            fields.append(("token_type_ids", .object([("dtype", "U8"), ("shape", ["batch", .int(length)])])))
        }
        if packing.mode == .pair {
            fields.append((packing.pairTask.labelName, .object([("dtype", "I32"), ("shape", ["batch"])])))
        }
        let statistics = result.statistics
        let candidates = max(statistics.candidates, 1)
        let maskingObject: JSONValue = .object([
            ("strategy", .string(masking.strategy.rawValue)),
            ("predict_rate", .double(masking.predictRate)),
            ("corrupt_rate", .double(masking.corruptRate)),
            ("replace", [.double(masking.replace.mask), .double(masking.replace.random), .double(masking.replace.keep)]),
            ("replace_per", .string(masking.replacePer.rawValue)),
            ("random_from", .string(masking.randomFrom.rawValue)),
            ("span_p", .double(masking.spanP)),
            ("span_min", .int(masking.spanMin)),
            ("span_max", .int(masking.spanMax)),
            ("max_predictions", masking.maxPredictions.map { .int($0) } ?? .null),
            ("budget", .string(masking.budget.rawValue)),
            ("with_replacement", .bool(masking.withReplacement)),
            ("copies_per_sequence", .int(masking.copies)),
        ])
        let packingObject: JSONValue = .object([
            ("pack", .string(packing.mode.rawValue)),
            ("seq_len", .int(length)),
            ("batch_size", .int(packing.batchSize)),
            ("short_seq_prob", .double(packing.shortSequenceProbability)),
            ("pair_task", .string(packing.pairTask.rawValue)),
            ("random_document_pool", .int(packing.randomDocumentPool)),
            ("drop_last", .bool(settings.dropLast)),
        ])
        let counts: JSONValue = .object([
            ("documents_per_epoch", .int(result.documents)),
            ("batches", .int(result.batches)),
            ("sequences", .int(result.sequences)),
            ("tokens", .int(result.tokens)),
            ("candidates", .int(statistics.candidates)),
            ("predicted", .int(statistics.predicted)),
            ("corrupted", .int(statistics.corrupted)),
            ("masked_with_mask", .int(statistics.maskedWithMask)),
            ("random_replaced", .int(statistics.randomReplaced)),
            ("kept_but_predicted", .int(statistics.keptButPredicted)),
            ("corrupted_but_not_predicted", .int(statistics.corruptedButNotPredicted)),
            ("realised_predict_rate", .double(Double(statistics.predicted) / Double(candidates))),
            ("realised_corrupt_rate", .double(Double(statistics.corrupted) / Double(candidates))),
            ("tokens_dropped_by_truncation", .int(result.packing.tokensDropped)),
        ])
        return .object([
            ("format", .string(format)),
            ("format_version", 1),
            ("tool", .string("mlmprep \(MLMPipelineVersion.string)")),
            ("store", .object([
                ("path", .string(settings.store)),
                ("vocab_sha256", .string(store.vocabularyDigest)),
                ("vocab_size", .int(store.vocabulary.count)),
                ("documents", .int(store.documentCount)),
                ("tokens", .int(store.tokenCount)),
            ])),
            ("seed", .int(Int(truncatingIfNeeded: masking.seed))),
            ("epoch", .int(Int(settings.epoch))),
            ("epochs", .int(settings.epochs)),
            ("masking", maskingObject),
            ("packing", packingObject),
            ("order", orderObject(result.order)),
            ("settings", .object(settings.recordedSettings)),
            ("fields", .object(fields)),
            ("counts", counts),
            ("shards", .array(result.shards.map(\.jsonValue))),
        ])
    }
}
