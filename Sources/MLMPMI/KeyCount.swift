/// One counted n-gram key (see ``NgramLevel``) and its count: the unit of sorted runs, spill files and parts.
public struct KeyCount: Sendable, Equatable {
    /// The key.
    public var key: UInt64
    /// Its count.
    public var count: UInt64

    /// Creates a pair.
    @inline(__always)
    public init(key: UInt64, count: UInt64) {
        self.key = key
        self.count = count
    }
}
