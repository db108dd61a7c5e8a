import MLMCore
import MLMOrder

extension BatchManifest {
    /// The manifest's `order` object: the training order's settings and figures (`null` for a corpus-order stream).
    static func orderObject(_ summary: MaskOrderSummary?) -> JSONValue {
        guard let summary else { return .null }
        let settings = summary.settings
        return .object([
            ("shuffle", .string(settings.shuffle.rawValue)),
            ("rank", .int(settings.rank.rank)),
            ("world_size", .int(settings.rank.size)),
            ("start_step", .int(settings.startStep)),
            ("tail", .string(settings.tail.rawValue)),
            ("global_batch", .int(summary.globalBatch)),
            ("sequences_per_epoch", .array(summary.sequencesPerEpoch.map { .int($0) })),
            ("steps_per_epoch", .array(summary.stepsPerEpoch.map { .int($0) })),
            ("steps_per_run", .int(summary.stepsPerRun)),
            ("dropped_sequences", .int(summary.droppedSequences)),
            ("padding_rows", .int(summary.paddingRows)),
            ("padding_rows_written", .int(summary.paddingRowsWritten)),
            ("spill_bytes_per_sequence", .int(summary.spillBytesPerSequence)),
            ("spill_memory_limit_bytes", .int(summary.spillMemoryLimit)),
            ("metadata_key", .string(BatchPlace.metadataKey)),
        ])
    }
}
