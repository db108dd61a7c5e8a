import MLMCore

/// A keyed bijection of `0..<count` with random access in O(1) time and O(1) memory.
///
/// Position `p` of an epoch holds sequence `permutation[p]`; ``position(of:)`` is the inverse. The map is a
/// balanced Feistel network on the square `0..<side²` (`side = ⌈√count⌉`, so the square holds fewer than
/// `count + 2√count + 1` values) with rounds `(L, R) → (R, (L + F_j(R)) mod side)`, `F_j` a SplitMix64 hash
/// of `R` under the j-th round key (``CounterRandom``). Values that land outside `0..<count` are walked along
/// their cycle until they land inside (cycle walking, Black and Rogaway 2002); since the square exceeds
/// `count` by less than `2√count + 1`, a lookup walks more than once with probability below `3/√count`.
/// There are 12 or 13 rounds, chosen by a bit of the key: with an odd side each round's shift of `L` is an
/// even permutation of the square, so a fixed round count fixes the parity and reaches only half of all
/// orders (visible for tiny counts); from 12 rounds on, tiny counts (2…7) give every order equally often. A zero-round network is the identity (``identity(count:)``, `--shuffle none`). Nothing grows
/// with `count`: the value is its count, its side and its round keys.
///
/// ```swift
/// let order = SequencePermutation(count: 1_000_003, key: OrderKey.make(seed: 42, epoch: 0))
/// let first = order[0]                 // the sequence written first in epoch 0
/// assert(order.position(of: first) == 0)
/// ```
public struct SequencePermutation: Sendable {
    /// The number of positions (and sequences), at least 1.
    public let count: Int
    /// The key the rounds derive from (0 for the identity).
    public let key: UInt64
    /// The number of Feistel rounds: ``standardRounds`` or one more (by a key bit), or 0 for the identity.
    public let rounds: Int
    /// `⌈√count⌉`: the network permutes pairs `(L, R)` in `0..<side`, value `L · side + R`.
    @usableFromInline let side: UInt64
    /// The round keys, drawn from ``key`` with ``CounterRandom``.
    @usableFromInline let roundKeys: RoundKeys

    /// Up to 16 round keys, stored inline so that a permutation is a plain value (no allocation per pass).
    @usableFromInline typealias RoundKeys = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                             UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// The fewest rounds of a shuffling permutation (a key bit adds one).
    public static let standardRounds = 12
    /// The largest supported count (`side²` must fit in 63 bits).
    public static let maximumCount = 1 << 62

    /// Creates the shuffling permutation of `count` positions for a key (``OrderKey/make(seed:epoch:source:pass:)``).
    /// - Parameters:
    ///   - count: The number of positions, in `1...maximumCount`.
    ///   - key: The permutation's key.
    public init(count: Int, key: UInt64) {
        self.init(count: count, key: key, rounds: Self.standardRounds)
    }

    /// Creates the identity of `count` positions (corpus order).
    public static func identity(count: Int) -> SequencePermutation {
        SequencePermutation(count: count, key: 0, rounds: 0)
    }

    /// Creates the permutation for a shuffle mode: the identity for ``ShuffleMode/none``, else keyed by `key`.
    public init(count: Int, key: UInt64, shuffle: ShuffleMode) {
        self.init(count: count, key: shuffle == .none ? 0 : key, rounds: shuffle == .none ? 0 : Self.standardRounds)
    }

    private init(count: Int, key: UInt64, rounds: Int) {
        precondition(count >= 1 && count <= Self.maximumCount, "a permutation needs 1...2^62 positions, got \(count)")
        self.count = count
        self.key = key
        self.rounds = rounds == 0 ? 0 : rounds + Int(key >> 63)
        self.side = Self.ceilingSquareRoot(UInt64(count))
        var r = CounterRandom(key: key)
        roundKeys = (r.next(), r.next(), r.next(), r.next(), r.next(), r.next(), r.next(), r.next(),
                     r.next(), r.next(), r.next(), r.next(), r.next(), r.next(), r.next(), r.next())
    }

    /// True when position `p` holds sequence `p` for every `p`.
    public var isIdentity: Bool { rounds == 0 || count == 1 }

    /// The smallest `s` with `s² ≥ n`.
    static func ceilingSquareRoot(_ n: UInt64) -> UInt64 {
        var s = UInt64(Double(n).squareRoot())
        while s > 0 && s * s >= n { s -= 1 }
        while s * s < n { s += 1 }
        return s
    }
}
