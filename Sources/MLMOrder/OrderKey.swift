import MLMCore

/// The key of one permutation: a hash of (seed, epoch, source, pass), never a sum of them.
///
/// `seed + epoch` (MosaicML Streaming, `DistributedSampler`) makes (s, e + 1) equal (s + 1, e); here every
/// part goes through ``CounterRandom/key(seed:epoch:index:stream:)``, so nearby values give unrelated keys.
/// An unblended epoch is source 0, pass 0, so a blend of one source orders exactly like the plain shuffle.
public enum OrderKey {
    /// The counter stream of training-order keys ("order"), apart from the masking and packing streams.
    public static let stream: UInt64 = 0x6F72_6465_7200

    /// The key of pass `pass` over source `source` in epoch `epoch` of a run seeded with `seed`.
    /// - Parameters:
    ///   - seed: The run's `--seed`.
    ///   - epoch: The epoch number (`--epoch` + epochs already written).
    ///   - source: The source store's index in a blend (0 without blending).
    ///   - pass: How many times the source has been gone through within the epoch before this pass.
    @inlinable
    public static func make(seed: UInt64, epoch: UInt64, source: Int = 0, pass: Int = 0) -> UInt64 {
        CounterRandom.key(seed: seed, epoch: epoch, index: UInt64(pass), stream: stream &+ UInt64(source))
    }
}
