import MLMCore

extension SequencePermutation {
    /// The sequence at `position` (`0..<count`).
    @inlinable
    public subscript(position: Int) -> Int {
        precondition(position >= 0 && position < count, "position \(position) outside 0..<\(count)")
        if rounds == 0 { return position }
        let limit = UInt64(count)
        var value = encrypt(UInt64(position))
        while value >= limit { value = encrypt(value) }
        return Int(value)
    }

    /// The position that holds `sequence` (`0..<count`): the inverse of the subscript.
    @inlinable
    public func position(of sequence: Int) -> Int {
        precondition(sequence >= 0 && sequence < count, "sequence \(sequence) outside 0..<\(count)")
        if rounds == 0 { return sequence }
        let limit = UInt64(count)
        var value = decrypt(UInt64(sequence))
        while value >= limit { value = decrypt(value) }
        return Int(value)
    }

    /// One pass of the network over `0..<side²`.
    @inlinable @inline(__always)
    func encrypt(_ value: UInt64) -> UInt64 {
        var left = value / side
        var right = value - left * side
        withUnsafeBytes(of: roundKeys) { keys in
            for round in 0..<rounds {
                let f = Self.round(keys.load(fromByteOffset: round * 8, as: UInt64.self), right, side)
                let mixed = left + f
                (left, right) = (right, mixed >= side ? mixed - side : mixed)
            }
        }
        return left * side + right
    }

    /// The inverse of ``encrypt(_:)``.
    @inlinable @inline(__always)
    func decrypt(_ value: UInt64) -> UInt64 {
        var left = value / side
        var right = value - left * side
        withUnsafeBytes(of: roundKeys) { keys in
            for round in stride(from: rounds - 1, through: 0, by: -1) {
                let f = Self.round(keys.load(fromByteOffset: round * 8, as: UInt64.self), left, side)
                (left, right) = (right >= f ? right - f : right + side - f, left)
            }
        }
        return left * side + right
    }

    /// The round function: SplitMix64 of the half under the round key, scaled to `0..<side` (multiply-high;
    /// its bias, below `side / 2^64`, is far under anything a test of a real corpus can see).
    @inlinable @inline(__always)
    static func round(_ key: UInt64, _ half: UInt64, _ side: UInt64) -> UInt64 {
        let hash = CounterRandom.mix(key &+ (half &+ 1) &* 0x9E37_79B9_7F4A_7C15)
        return hash.multipliedFullWidth(by: side).high
    }
}
