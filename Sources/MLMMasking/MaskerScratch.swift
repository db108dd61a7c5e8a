/// The buffers a masker reuses from one sequence to the next; they grow to the longest sequence seen and are
/// freed with the masker.
final class MaskerScratch {
    /// How many tokens every per-token buffer holds.
    private(set) var capacity = 0
    /// Units as token ranges.
    private(set) var units = UnsafeMutablePointer<UnitRange>.allocate(capacity: 0)
    /// First token of each word.
    private(set) var wordStarts = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    /// One past the last token of each word.
    private(set) var wordEnds = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    /// Per-word or per-position marks.
    private(set) var marks = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    /// Per-length counters (PMI ordering).
    private(set) var lengthCounts = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    /// The PMI n-grams ordered longest first.
    private(set) var sortedMatches = UnsafeMutablePointer<UnitMatch>.allocate(capacity: 0)
    private var sortedCapacity = 0
    /// The matcher's n-grams.
    var matches: [UnitMatch] = []
    /// What was considered (when recording).
    var records: [UnitRecord] = []

    /// Makes every per-token buffer hold at least `count` + 1 elements.
    @inline(__always)
    func reserve(tokens count: Int) {
        guard count + 1 > capacity else { return }
        let capacity = max(count + 1, 2 * self.capacity)
        units.deallocate()
        wordStarts.deallocate()
        wordEnds.deallocate()
        marks.deallocate()
        lengthCounts.deallocate()
        units = .allocate(capacity: capacity)
        wordStarts = .allocate(capacity: capacity)
        wordEnds = .allocate(capacity: capacity)
        marks = .allocate(capacity: capacity)
        lengthCounts = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    /// Makes `sortedMatches` hold at least `count` elements.
    func reserve(matches count: Int) {
        guard count > sortedCapacity else { return }
        sortedMatches.deallocate()
        sortedCapacity = max(count, 2 * sortedCapacity)
        sortedMatches = .allocate(capacity: sortedCapacity)
    }

    deinit {
        units.deallocate()
        wordStarts.deallocate()
        wordEnds.deallocate()
        marks.deallocate()
        lengthCounts.deallocate()
        sortedMatches.deallocate()
    }
}

/// A unit: the token range `start..<end`.
struct UnitRange: Hashable {
    /// The first token.
    var start: Int32
    /// One past the last token.
    var end: Int32
}
