import ArgumentParser
import Foundation
import MLMOrder
import MLMPipeline

/// `mlmprep mask`'s training-order options: shuffled epochs, ranks, resume at a step, the tail (docs/design.md §4, docs/training-order.md).
struct OrderOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "global: each epoch a keyed permutation of all packed sequences (hash of --seed and the epoch); "
            + "none: corpus order (the default for now; see README, Training order).", valueName: "none|global"))
    var shuffle: ShuffleMode = .none

    @Option(help: ArgumentHelp(
        "Write rank r's rows [r·B, (r+1)·B) of every step of R × B sequences (default: RANK/WORLD_SIZE when both "
            + "are set, else 0/1). Every rank gets the same number of batches.", valueName: "r/R"))
    var rank: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Start at this global step (from 0): exactly the batches an uninterrupted run writes from there on.",
        valueName: "k"))
    var startStep = 0

    @Option(help: ArgumentHelp(
        "The last partial step of an epoch: pad it with loss-free rows (attention_mask 0, labels −100; default) "
            + "or drop it.", valueName: "drop|pad"))
    var tail: TailPolicy?

    func validate() throws {
        if startStep < 0 { throw ValidationError("--start-step must be at least 0, got \(startStep)") }
        _ = try resolvedRank()
    }

    /// `--rank`, else `RANK`/`WORLD_SIZE`, else 0/1.
    func resolvedRank() throws -> WorldRank {
        if let rank {
            do { return try WorldRank(parsing: rank) } catch { throw ValidationError("--rank \(rank): \(error.message)") }
        }
        do {
            return try WorldRank.fromEnvironment(ProcessInfo.processInfo.environment) ?? .single
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The order settings, or nil for the plain corpus-order stream (`--shuffle none` and nothing else set).
    /// - Parameter dropLast: `--drop-last`, the same as `--tail drop`.
    func settings(dropLast: Bool) throws -> MaskOrderSettings? {
        if dropLast && tail == .pad { throw ValidationError("--drop-last and --tail pad contradict each other") }
        let rank = try resolvedRank()
        if shuffle == .none && rank.size == 1 && startStep == 0 && tail == nil { return nil }
        return MaskOrderSettings(shuffle: shuffle, rank: rank, startStep: startStep, tail: tail ?? (dropLast ? .drop : .pad))
    }
}

extension ShuffleMode: ExpressibleByArgument {}
extension TailPolicy: ExpressibleByArgument {}
