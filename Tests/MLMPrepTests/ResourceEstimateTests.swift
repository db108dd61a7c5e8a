import MLMCore
import MLMMasking
import MLMPacking
import MLMPipeline
import Testing

/// The memory budget and the estimates that settings are checked against before a run.
@Suite struct ResourceEstimateTests {
    @Test func arithmeticSaturatesInsteadOfOverflowing() {
        #expect(MemoryBudget.product(1 << 20, 1 << 20, 10) == 10 << 40)
        #expect(MemoryBudget.product(1 << 40, 1 << 40) == .max)
        #expect(MemoryBudget.product(-5, 1 << 62, 4) == 0)
        #expect(MemoryBudget.sum(.max - 1, 2) == .max)
        #expect(MemoryBudget.sum(3, -7, 4) == 7)
        #expect(MemoryBudget.format(512 << 20) == "512 MiB")
        #expect(MemoryBudget.format(3 << 29) == "1.5 GiB")
        #expect(MemoryBudget.format(.max) == "more than 8 EiB")
        #expect(MemoryBudget.format(100) == "100 bytes")
    }

    @Test func aShortfallNamesTheSettingsBothSizesAndTheFix() throws {
        let budget = MemoryBudget(bytes: 1 << 30, source: "the address-space limit (ulimit -v)")
        #expect(budget.shortfall(1 << 29, for: "x", fix: "y") == nil)
        let message = try #require(budget.shortfall(3 << 30, for: "--batch-size 9", fix: "lower it"))
        #expect(message == "--batch-size 9 needs about 3 GiB of memory, more than the 1 GiB this process may use "
            + "(the address-space limit (ulimit -v)); lower it")
        let current = MemoryBudget.current(threads: 2)
        #expect(current.bytes > 64 << 20 && current.bytes < .max)
        #expect(MemoryBudget.residentBytes().map { $0 > 1 << 20 } == true)
    }

    private func maskSettings(batch: Int, length: Int, predict: Double = 0.15, corrupt: Double = 0.15) -> MaskJobSettings {
        var masking = MaskingSettings(seed: 0)
        masking.predictRate = predict
        masking.corruptRate = corrupt
        let packing = PackingSettings(
            mode: .full, sequenceLength: length, clsID: 0, sepID: 0, padID: 0, batchSize: batch, seed: 0, epoch: 0,
            shortSequenceProbability: 0, pairTask: .nsp)
        return MaskJobSettings(store: "s", destination: .standardOutput, packing: packing, masking: masking)
    }

    @Test func maskMemoryFollowsBatchLengthCopiesAndThreads() {
        let base = maskSettings(batch: 256, length: 512).estimatedMemory(threads: 2)
        // 8 batches in flight × 131072 positions × 16 bytes + 2 workers × 131072 × 32.
        #expect(base == 8 * 131_072 * 16 + 2 * 131_072 * 32)
        #expect(maskSettings(batch: 512, length: 512).estimatedMemory(threads: 2) == 2 * base)
        let copies = maskSettings(batch: 256, length: 512, predict: 0.4, corrupt: 0.1)
        #expect(copies.masking.copies == 4)
        #expect(copies.estimatedMemory(threads: 2) == 8 * 131_072 * (6 + 40) + 2 * 131_072 * 32)
        #expect(copies.memorySettingsDescription(threads: 2).contains("4 copies per sequence"))
        #expect(maskSettings(batch: 1 << 20, length: 1 << 20).estimatedMemory(threads: 1024) > 1 << 56)
        let tiny = maskSettings(batch: 1, length: 3, predict: 0.999, corrupt: 1e-300)
        #expect(tiny.masking.copies == 1_000_000_000_000_000)
        #expect(tiny.estimatedMemory(threads: 1) > 1 << 56)
    }

    @Test func tokenizeMemoryFollowsTheLineLimit() {
        var settings = TokenizeJobSettings(inputs: [], output: "o")
        settings.threads = 2
        let base = settings.estimatedMemory()
        #expect(base > 16 << 20 && base < 512 << 20)
        settings.reader.maxLineBytes = 1 << 30
        #expect(settings.estimatedMemory() > 8 << 30)
        settings.reader.maxLineBytes = .max
        #expect(settings.estimatedMemory() == .max)
    }
}
