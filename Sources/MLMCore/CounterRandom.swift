/// A counter-based random number generator: every draw is a pure function of a key and a counter.
///
/// The key is derived from `(seed, epoch, index, stream)` with ``key(seed:epoch:index:stream:)``, so any
/// sequence can be masked on any thread, in any order, with the same result; a new `epoch` gives a fresh,
/// reproducible draw. The generator is SplitMix64's output function applied to `key + counter · γ`
/// (Steele, Lea and Flood 2014), which passes BigCrush for each key. Never use the standard library's
/// random APIs for output: their algorithms may change between releases.
///
/// ```swift
/// var random = CounterRandom(seed: 42, epoch: 0, index: 17)
/// let u = random.uniform()          // [0, 1)
/// let k = random.below(10)          // 0..<10
/// ```
public struct CounterRandom: RandomNumberGenerator, Sendable {
    /// The key every draw of this generator depends on.
    public let key: UInt64
    /// How many 64-bit values have been drawn.
    public var counter: UInt64 = 0

    /// Creates a generator from a precomputed key.
    /// - Parameter key: A key from ``key(seed:epoch:index:stream:)``.
    @inlinable
    public init(key: UInt64) { self.key = key }

    /// Creates the generator for one item of one epoch.
    /// - Parameters:
    ///   - seed: The run's `--seed`.
    ///   - epoch: The run's `--epoch`.
    ///   - index: The item's global index (a sequence, a document).
    ///   - stream: Separates independent uses for the same item (masking, packing, …).
    @inlinable
    public init(seed: UInt64, epoch: UInt64 = 0, index: UInt64, stream: UInt64 = 0) {
        self.key = Self.key(seed: seed, epoch: epoch, index: index, stream: stream)
    }

    /// Mixes the parts of a key so that nearby seeds, epochs and indices give unrelated streams.
    @inlinable
    public static func key(seed: UInt64, epoch: UInt64, index: UInt64, stream: UInt64) -> UInt64 {
        var h = mix(seed &+ 0x9E37_79B9_7F4A_7C15)
        h = mix(h ^ (epoch &* 0xD1B5_4A32_D192_ED03))
        h = mix(h ^ (stream &* 0x8CB9_2BA7_2F3D_8DD7))
        h = mix(h ^ (index &* 0xA24B_AED4_963E_E407))
        return h
    }

    /// SplitMix64's finaliser.
    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        counter &+= 1
        return Self.mix(key &+ counter &* 0x9E37_79B9_7F4A_7C15)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire's multiply-and-reject).
    /// - Parameter bound: The exclusive upper bound, > 0.
    @inlinable @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "below(_:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// True with probability `p`.
    @inlinable @inline(__always)
    public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }
}
