/// A run of ``KeyCount`` pairs in ascending key order: the counts of one thread's table, or of one spill file,
/// or of a part file, ready to be merged.
public protocol KeyCountRunReader {
    /// Fills `block` with the next pairs (clearing it first); leaves it empty at the end.
    /// - Parameter block: Receives the pairs.
    mutating func nextBlock(_ block: inout [KeyCount]) throws(PMIError)
}

/// A sorted run in a buffer it owns (a counting table's slots, compacted and sorted), handed out in blocks
/// and freed when the run is read to the end or dropped.
final class OwnedKeyCountRun: KeyCountRunReader {
    private var pairs: UnsafeMutablePointer<KeyCount>?
    private let count: Int
    private var position = 0

    /// Takes ownership of `pairs[0..<count]` (allocated with `UnsafeMutablePointer.allocate`).
    init(pairs: UnsafeMutablePointer<KeyCount>, count: Int) {
        self.pairs = pairs
        self.count = count
    }

    deinit { pairs?.deallocate() }

    /// Bytes still held (freed once the run is read to its end).
    var bytes: Int { pairs == nil ? 0 : count * MemoryLayout<KeyCount>.stride }

    func nextBlock(_ block: inout [KeyCount]) throws(PMIError) {
        block.removeAll(keepingCapacity: true)
        guard let pairs else { return }
        let end = min(count, position + (1 << 16))
        block.append(contentsOf: UnsafeBufferPointer(start: pairs + position, count: end - position))
        position = end
        if position == count {
            pairs.deallocate()
            self.pairs = nil
        }
    }
}

/// Sums sorted runs: yields each key once, with the total of its counts, in ascending order.
///
/// A linear scan over the runs' heads picks the smallest key; runs are few (threads plus spill files, or
/// parts), so this beats a heap.
public struct SortedRunMerger {
    private var readers: [any KeyCountRunReader]
    private var blocks: [[KeyCount]]
    private var positions: [Int]

    /// Creates a merger.
    /// - Parameter runs: The runs.
    public init(_ runs: [any KeyCountRunReader]) {
        readers = runs
        blocks = Array(repeating: [], count: runs.count)
        positions = Array(repeating: 0, count: runs.count)
    }

    private mutating func refill(_ run: Int) throws(PMIError) {
        try readers[run].nextBlock(&blocks[run])
        positions[run] = 0
    }

    /// Calls `body` with every key and its total, ascending.
    /// - Parameter body: Receives `(key, total)`.
    public mutating func forEach(_ body: (UInt64, UInt64) throws(PMIError) -> Void) throws(PMIError) {
        var live: [Int] = []
        for run in readers.indices {
            try refill(run)
            if !blocks[run].isEmpty { live.append(run) }
        }
        if live.count == 1 {
            // One run: pass its blocks through.
            let run = live[0]
            while !blocks[run].isEmpty {
                for pair in blocks[run] { try body(pair.key, pair.count) }
                try refill(run)
            }
            return
        }
        while !live.isEmpty {
            var smallest = UInt64.max
            for run in live {
                let key = blocks[run][positions[run]].key
                if key < smallest { smallest = key }
            }
            var total: UInt64 = 0
            var index = 0
            while index < live.count {
                let run = live[index]
                let pair = blocks[run][positions[run]]
                if pair.key == smallest {
                    total += pair.count
                    positions[run] += 1
                    if positions[run] == blocks[run].count {
                        try refill(run)
                        if blocks[run].isEmpty {
                            live.remove(at: index)
                            continue
                        }
                    }
                }
                index += 1
            }
            try body(smallest, total)
        }
    }
}

/// Sorts pairs by key with a least-significant-digit radix sort (16-bit digits; digits that are the same for
/// every key are skipped, so keys of small numbers take few passes).
enum PairRadixSort {
    /// Sorts `pairs[0..<count]`, using `scratch` (room for `count` pairs).
    static func sort(_ pairs: UnsafeMutablePointer<KeyCount>, count: Int, scratch: UnsafeMutablePointer<KeyCount>) {
        guard count > 1 else { return }
        if count < 256 {
            var buffer = UnsafeMutableBufferPointer(start: pairs, count: count)
            buffer.sort { $0.key < $1.key }
            return
        }
        var histogram = [Int](repeating: 0, count: 1 << 16)
        var source = pairs
        var target = scratch
        histogram.withUnsafeMutableBufferPointer { histogram in
            for pass in 0..<4 {
                let shift = UInt64(pass * 16)
                for index in 0..<(1 << 16) { histogram[index] = 0 }
                for index in 0..<count { histogram[Int((source[index].key >> shift) & 0xFFFF)] += 1 }
                if histogram[Int((source[0].key >> shift) & 0xFFFF)] == count { continue }
                var total = 0
                for index in 0..<(1 << 16) {
                    let value = histogram[index]
                    histogram[index] = total
                    total += value
                }
                for index in 0..<count {
                    let pair = source[index]
                    let digit = Int((pair.key >> shift) & 0xFFFF)
                    target[histogram[digit]] = pair
                    histogram[digit] += 1
                }
                swap(&source, &target)
            }
        }
        if source != pairs { pairs.update(from: source, count: count) }
    }

    /// Sorts an array of pairs.
    static func sort(_ pairs: inout [KeyCount]) {
        let count = pairs.count
        var scratch = [KeyCount](repeating: KeyCount(key: 0, count: 0), count: count < 256 ? 0 : count)
        pairs.withUnsafeMutableBufferPointer { pairs in
            scratch.withUnsafeMutableBufferPointer { scratch in
                guard let base = pairs.baseAddress else { return }
                sort(base, count: count, scratch: scratch.baseAddress ?? base)
            }
        }
    }
}
