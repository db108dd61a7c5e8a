import MLMSystem
import MLMCore
import MLMMasking
import MLMPacking
import MLMShards
import MLMSystem

/// One mask run in progress: for each pass (epoch), packs the store into batches on the caller's thread, masks and
/// compresses them on worker threads, and appends the frames to the output in order; resumes from the output's
/// journal (see ``MaskProgress``).
final class MaskRun {
    let job: MaskJob
    let inputs: MaskInputs
    let output: MaskOutput
    /// What has been written so far.
    var result = MaskJobResult()
    /// Documents packed in the current pass (reported when a pipe closes early).
    var documentsSoFar = 0
    /// Batches before `resumeBatch` are in journaled shards and are not masked again.
    var resumeBatch = 0
    /// Frames (copies) of batch `resumeBatch` already in journaled shards.
    private var resumeFrame = 0
    /// Batches packed so far, over all passes.
    var submitted = 0
    /// Batches whose frames were handed to the output, over all passes.
    var consumed = 0

    /// Starts a run, continuing the counts of an interrupted one from the output's journal.
    init(job: MaskJob, inputs: MaskInputs, output: MaskOutput) throws {
        self.job = job
        self.inputs = inputs
        self.output = output
        if let resumed = output.resumedState {
            let progress = try MaskProgress(json: resumed.state, directory: resumed.directory)
            progress.restore(into: &result)
            resumeBatch = progress.batch
            resumeFrame = progress.frame
            result.resumedShards = resumed.shards
        }
        consumed = resumeBatch
    }

    /// Writes every pass, then finishes the output.
    func writePasses() throws {
        let settings = job.settings
        if let order = settings.order {
            try writeOrderedPasses(order)
        } else {
            for pass in 0..<settings.epochs { try writePass(epoch: settings.epoch + UInt64(pass)) }
        }
        try output.finish { MaskProgress(batch: submitted, frame: 0, result: result).json }
    }

    /// Builds one worker's masker and compressor (on its thread) for the given masking settings.
    func workerFactory(masking: MaskingSettings) -> @Sendable () throws -> BatchMasker {
        let vocabulary = inputs.vocabulary
        let matcher = inputs.matcher
        let settings = job.settings
        return {
            try BatchMasker(
                settings: masking, vocabulary: vocabulary, matcher: matcher, copies: masking.copies,
                idsU16: settings.idsU16, compressionLevel: settings.compressionLevel)
        }
    }

    /// Packs, masks and writes one pass.
    private func writePass(epoch: UInt64) throws {
        let settings = job.settings
        var masking = settings.masking
        masking.epoch = epoch
        var packing = inputs.packing
        packing.epoch = epoch
        let map = OrderedParallelMap<SequenceBatch, MaskedBatch, BatchMasker>(
            threads: settings.threads,
            maxInFlight: settings.threads * 3,
            makeWorker: workerFactory(masking: masking),
            work: { worker, batch in try worker.process(batch) },
            consume: { [self] masked in try consume(masked) })
        var packer = try SequencePacker(settings: packing)
        defer { documentsSoFar = packer.documentCount }
        try pack(into: &packer) { batch in try submit(batch, to: map) }
        let batchSize = packing.batchSize
        try packer.finish { batch throws(any Error) in
            if settings.dropLast && batch.count < batchSize { return }
            try submit(batch, to: map)
        }
        try map.finish()
        result.packing = packer.counts
        result.documents = packer.documentCount
    }

    /// Feeds every document of the store to the packer, in store order.
    func pack(into packer: inout SequencePacker, emit: (SequenceBatch) throws -> Void) throws {
        try inputs.store.forEachRecord { record in
            try record.ids.withUnsafeBufferPointer { ids in
                try record.flags.withUnsafeBufferPointer { flags in
                    for document in 0..<record.documentCount {
                        let range = record.documentRange(document)
                        try packer.append(
                            ids: UnsafeBufferPointer(rebasing: ids[range]),
                            flags: UnsafeBufferPointer(rebasing: flags[range])
                        ) { batch throws(any Error) in try emit(batch) }
                    }
                }
            }
        }
    }

    /// Submits a packed batch for masking, unless it is in journaled shards already.
    private func submit(
        _ batch: SequenceBatch, to map: OrderedParallelMap<SequenceBatch, MaskedBatch, BatchMasker>
    ) throws {
        try Termination.check()
        defer { submitted += 1 }
        if submitted >= resumeBatch { try map.submit(batch) }
    }

    /// Takes one masked batch, in order, and appends its frames.
    func consume(_ masked: MaskedBatch) throws {
        let index = consumed
        consumed += 1
        for (copy, frame) in masked.frames.enumerated() {
            if index == resumeBatch && copy < resumeFrame { continue }
            try output.append(frame: frame.bytes, rawSize: frame.rawSize, sequences: frame.sequences) {
                MaskProgress(batch: index, frame: copy, result: result).json
            }
            result.batches += 1
            result.sequences += frame.sequences
        }
        result.tokens += masked.tokens
        result.statistics.add(masked.statistics)
        try job.progress?(result)
    }
}
