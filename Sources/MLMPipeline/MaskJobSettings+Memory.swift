import MLMCore

extension MaskJobSettings {
    /// Bytes per position of a batch held by the packer or waiting in the queue: `tokens` U32, `flags` and
    /// `token_type_ids` U8.
    static let queuedBytesPerPosition = 6
    /// Bytes per position a worker needs for one copy: `input_ids` and `labels` I32, `attention_mask` U8, the U16
    /// and `token_type_ids` copies, the safetensors record (about 10) and its compressed frame (at most about 10).
    static let workerBytesPerPosition = 32
    /// Bytes per position of one finished, compressed copy waiting to be written (at most the record's size).
    static let frameBytesPerPosition = 10

    /// The memory the run's sizes imply, in bytes (saturated at `Int.max`): every batch in flight (the packer's,
    /// `3 × threads` queued, the one being written) with the `copies` compressed frames it becomes, plus each
    /// worker's scratch for one copy.
    ///
    /// With `--predict-rate` P above `--corrupt-rate` C every batch becomes k = ⌈P/C⌉ records, all held until
    /// the batch is written, so k multiplies the frames' share.
    /// - Parameter threads: Worker threads.
    /// - Returns: The estimate.
    public func estimatedMemory(threads: Int) -> Int {
        let positions = MemoryBudget.product(packing.batchSize, packing.sequenceLength)
        let inFlight = MemoryBudget.sum(MemoryBudget.product(max(threads, 1), 3), 2)
        let perBatch = MemoryBudget.sum(
            Self.queuedBytesPerPosition, MemoryBudget.product(masking.copies, Self.frameBytesPerPosition))
        return MemoryBudget.sum(
            MemoryBudget.product(inFlight, positions, perBatch),
            MemoryBudget.product(max(threads, 1), positions, Self.workerBytesPerPosition))
    }

    /// The settings that imply ``estimatedMemory(threads:)``, as a user wrote them.
    /// - Parameter threads: Worker threads.
    /// - Returns: For example `--batch-size 256 × --seq-len 512 × 4 copies (--predict-rate/--corrupt-rate)`.
    public func memorySettingsDescription(threads: Int) -> String {
        var text = "--batch-size \(packing.batchSize) × --seq-len \(packing.sequenceLength)"
        if masking.copies > 1 {
            text += " × \(masking.copies) copies per sequence (⌈--predict-rate / --corrupt-rate⌉)"
        }
        return text + " with \(threads) thread(s)"
    }
}
