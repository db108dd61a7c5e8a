/// One candidate merge in the queue: a pair, the count it had when pushed, and the words to merge it in.
///
/// As in `tokenizers`, a pair may sit in the queue several times, each time with the words where it was
/// created by one merge; an entry whose count is stale is pushed back with the current count when popped.
struct PairEntry {
    /// The pair's count when the entry was pushed.
    var count: Int
    /// The pair: left id in the high 32 bits, right id in the low ones (so integer order is pair order).
    var pair: UInt64
    /// Push order, breaking ties between entries of the same pair and count (first pushed, first out).
    var sequence: Int
    /// Where the entry's word indices start in ``PositionArena``.
    var positionsStart: Int
    /// How many word indices it has.
    var positionsCount: Int

    /// Whether this entry comes out before `other`: higher count, then lower pair, then earlier push.
    @inline(__always)
    func precedes(_ other: PairEntry) -> Bool {
        if count != other.count { return count > other.count }
        if pair != other.pair { return pair < other.pair }
        return sequence < other.sequence
    }
}

/// A binary max-heap of ``PairEntry`` ordered by ``PairEntry/precedes(_:)``: the `BpeTrainer` queue
/// (`Merge`'s `Ord`: count, then the pair in ascending order).
///
/// ```swift
/// var queue = PairQueue()
/// queue.push(entry)
/// while let top = queue.pop() { … }
/// ```
struct PairQueue {
    private var heap: [PairEntry] = []
    private var nextSequence = 0

    /// The number of entries.
    var count: Int { heap.count }

    /// Creates a queue holding `entries` (heapified in linear time; sequence numbers follow their order).
    init(_ entries: [PairEntry] = []) {
        heap = entries
        for index in heap.indices {
            heap[index].sequence = index
        }
        nextSequence = heap.count
        if heap.count > 1 {
            for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
        }
    }

    /// Adds an entry (its sequence number is assigned here).
    mutating func push(_ entry: PairEntry) {
        var entry = entry
        entry.sequence = nextSequence
        nextSequence += 1
        heap.append(entry)
        siftUp(heap.count - 1)
    }

    /// Removes and returns the first entry, or nil when empty.
    mutating func pop() -> PairEntry? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        siftDown(0)
        return top
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        let item = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard item.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = item
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let item = heap[parent]
        let count = heap.count
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && heap[child + 1].precedes(heap[child]) { child += 1 }
            guard heap[child].precedes(item) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = item
    }
}
