import MLMCore
import MLMMasking
import MLMOrder
import MLMPacking
import MLMSystem

/// A batch of a training order on its way to the workers: the gathered rows and the record's metadata.
struct OrderedBatch: Sendable {
    var batch: SequenceBatch
    var metadata: [String: String]
}

extension MaskRun {
    /// Writes this rank's batches of every step from the start step on (DESIGN.md §4, docs/training-order.md).
    ///
    /// Packs the first epoch into a ``PackedSequenceSpill``, which gives every epoch's sequence count (pair packing
    /// with several epochs draws lengths per epoch: then one counting pass per epoch instead), then for each epoch
    /// that has steps to write packs the store into a spill and gathers each step's rows through its permutation. Masks are
    /// keyed by (seed, epoch, corpus-order sequence index), so a row is masked the same whatever its position.
    func writeOrderedPasses(_ settings: MaskOrderSettings) throws {
        let job = self.job.settings
        // Packing the first epoch gives every epoch's count unless pair packing draws new lengths per epoch.
        var firstSpill: PackedSequenceSpill?
        let lengths: [Int]
        if job.epochs == 1 || inputs.packing.mode != .pair {
            let spill = try spillEpoch(job.epoch, settings: settings)
            firstSpill = spill
            lengths = Array(repeating: spill.count, count: job.epochs)
        } else {
            lengths = try epochSequenceCounts()
        }
        let order = try TrainingOrder(
            seed: job.masking.seed, shuffle: settings.shuffle, firstEpoch: job.epoch, epochLengths: lengths,
            batchSize: inputs.packing.batchSize, rank: settings.rank, tail: settings.tail)
        let schedule = order.schedule
        if settings.startStep > schedule.totalSteps {
            throw OrderError(.stepOutOfRange, "--start-step \(settings.startStep) is past the run's last step "
                             + "(\(schedule.totalSteps) steps: 0…\(schedule.totalSteps - 1)); give a smaller step")
        }
        let summary = summary(settings, schedule: schedule)
        result.order = summary
        self.job.orderReport?(summary)
        for index in lengths.indices {
            let first = max(settings.startStep, schedule.epochStartSteps[index]), end = schedule.epochStartSteps[index + 1]
            if first >= end { continue }
            let steps = first..<end
            let spill = try (index == 0 ? firstSpill : nil) ?? spillEpoch(job.epoch + UInt64(index), settings: settings)
            firstSpill = nil
            try writeSteps(steps, order: order, spill: spill)
        }
    }

    /// The figures of the order, for the stderr line and the manifest.
    private func summary(_ settings: MaskOrderSettings, schedule: RunSchedule) -> MaskOrderSummary {
        var summary = MaskOrderSummary(settings: settings)
        summary.sequencesPerEpoch = schedule.epochLengths
        summary.stepsPerEpoch = zip(schedule.epochStartSteps, schedule.epochStartSteps.dropFirst()).map { $1 - $0 }
        summary.stepsPerRun = schedule.totalSteps
        summary.globalBatch = schedule.layout.globalBatch
        summary.droppedSequences = schedule.droppedSequences
        summary.paddingRows = schedule.paddingRows
        summary.spillBytesPerSequence = PackedSequenceSpill.rowBytes(sequenceLength: inputs.packing.sequenceLength)
        summary.spillMemoryLimit = PackedSequenceSpill.defaultMemoryLimit
        // Only an epoch's last step can hold padding rows: this rank's share of them, from the start step on.
        for (start, end) in zip(schedule.epochStartSteps, schedule.epochStartSteps.dropFirst())
        where end > start && end > settings.startStep {
            if let last = try? schedule.batch(step: end - 1, rank: settings.rank.rank), last.step >= settings.startStep {
                summary.paddingRowsWritten += last.positions.count - last.realRows
            }
        }
        return summary
    }

    /// Packed sequences per epoch of the run, from packing passes that keep nothing (pair packing, several epochs).
    private func epochSequenceCounts() throws -> [Int] {
        let job = self.job.settings
        var counts: [Int] = []
        for pass in 0..<job.epochs {
            if pass > 0 && inputs.packing.mode != .pair { counts.append(counts[0]); continue }
            var packing = inputs.packing
            packing.epoch = job.epoch + UInt64(pass)
            var packer = try SequencePacker(settings: packing)
            var sequences = 0
            try pack(into: &packer) { sequences += $0.count }
            try packer.finish { batch throws(any Error) in sequences += batch.count }
            counts.append(sequences)
        }
        return counts
    }

    /// Packs one epoch in corpus order into a spill file.
    private func spillEpoch(_ epoch: UInt64, settings: MaskOrderSettings) throws -> PackedSequenceSpill {
        var packing = inputs.packing
        packing.epoch = epoch
        let spill = PackedSequenceSpill(directory: settings.spillDirectory, sequenceLength: packing.sequenceLength)
        var packer = try SequencePacker(settings: packing)
        try pack(into: &packer) { try spill.append($0) }
        try packer.finish { batch throws(any Error) in try spill.append(batch) }
        result.packing = packer.counts
        result.documents = packer.documentCount
        documentsSoFar = packer.documentCount
        return spill
    }

    /// Gathers, masks and writes this rank's batch of each step.
    private func writeSteps(_ steps: Range<Int>, order: TrainingOrder, spill: PackedSequenceSpill) throws {
        let job = self.job.settings
        var masking = job.masking
        masking.epoch = job.epoch + UInt64(try order.schedule.locate(step: steps.lowerBound).epochIndex)
        let map = OrderedParallelMap<OrderedBatch, MaskedBatch, BatchMasker>(
            threads: job.threads,
            maxInFlight: job.threads * 3,
            makeWorker: workerFactory(masking: masking),
            work: { worker, item in try worker.process(item.batch, metadata: item.metadata) },
            consume: { [self] masked in try consume(masked) })
        let packing = inputs.packing
        for step in steps {
            defer { submitted += 1 }
            if submitted < resumeBatch { continue }
            let planned = try order.batch(step: step)
            var batch = SequenceBatch(sequenceLength: packing.sequenceLength, capacity: packing.batchSize,
                                      padID: packing.padID, pairTask: packing.mode == .pair ? packing.pairTask : nil)
            batch.resetForGathering()
            for sequence in planned.sequences { try spill.appendRow(sequence, to: &batch) }
            while batch.count < packing.batchSize { batch.appendPaddingRow() }
            try map.submit(OrderedBatch(batch: batch, metadata: [BatchPlace.metadataKey: planned.place.metadataJSON]))
        }
        try map.finish()
    }
}
