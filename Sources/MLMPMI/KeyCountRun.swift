/// A run of `(key, count)` pairs in ascending key order: the counts of one thread's table, or of one spill file,
/// or of a part file, ready to be merged.
public protocol KeyCountRunReader {
    /// Fills `keys` and `counts` with the next pairs (clearing them first); leaves them empty at the end.
    /// - Parameters:
    ///   - keys: Receives keys.
    ///   - counts: Receives the counts.
    mutating func nextBlock(keys: inout [UInt64], counts: inout [UInt64]) throws(PMIError)
}

/// A sorted run held in memory.
public struct InMemoryKeyCountRun: KeyCountRunReader, Sendable {
    private var keys: [UInt64]
    private var counts: [UInt64]
    private var done = false

    /// Creates a run.
    /// - Parameters:
    ///   - keys: Ascending keys.
    ///   - counts: Their counts.
    public init(keys: [UInt64], counts: [UInt64]) {
        self.keys = keys
        self.counts = counts
    }

    /// Hands over all pairs at once, then nothing.
    public mutating func nextBlock(keys: inout [UInt64], counts: inout [UInt64]) throws(PMIError) {
        if done {
            keys.removeAll()
            counts.removeAll()
            return
        }
        done = true
        swap(&keys, &self.keys)
        swap(&counts, &self.counts)
        self.keys = []
        self.counts = []
    }
}

/// Sums sorted runs: yields each key once, with the total of its counts, in ascending order.
///
/// A linear scan over the runs' heads picks the smallest key; runs are few (threads plus spill files, or
/// parts), so this beats a heap.
public struct SortedRunMerger {
    private var readers: [any KeyCountRunReader]
    private var blockKeys: [[UInt64]]
    private var blockCounts: [[UInt64]]
    private var positions: [Int]

    /// Creates a merger.
    /// - Parameter runs: The runs.
    public init(_ runs: [any KeyCountRunReader]) {
        readers = runs
        blockKeys = Array(repeating: [], count: runs.count)
        blockCounts = Array(repeating: [], count: runs.count)
        positions = Array(repeating: 0, count: runs.count)
    }

    private mutating func refill(_ run: Int) throws(PMIError) {
        try readers[run].nextBlock(keys: &blockKeys[run], counts: &blockCounts[run])
        positions[run] = 0
    }

    /// Calls `body` with every key and its total, ascending.
    /// - Parameter body: Receives `(key, total)`.
    public mutating func forEach(_ body: (UInt64, UInt64) throws(PMIError) -> Void) throws(PMIError) {
        var live: [Int] = []
        for run in readers.indices {
            try refill(run)
            if !blockKeys[run].isEmpty { live.append(run) }
        }
        if live.count == 1 {
            // One run: pass its blocks through.
            let run = live[0]
            while !blockKeys[run].isEmpty {
                for index in blockKeys[run].indices { try body(blockKeys[run][index], blockCounts[run][index]) }
                try refill(run)
            }
            return
        }
        while !live.isEmpty {
            var smallest = UInt64.max
            for run in live {
                let key = blockKeys[run][positions[run]]
                if key < smallest { smallest = key }
            }
            var total: UInt64 = 0
            var index = 0
            while index < live.count {
                let run = live[index]
                if blockKeys[run][positions[run]] == smallest {
                    total += blockCounts[run][positions[run]]
                    positions[run] += 1
                    if positions[run] == blockKeys[run].count {
                        try refill(run)
                        if blockKeys[run].isEmpty {
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
/// every key are skipped, so keys of small numbers take two passes).
enum PairRadixSort {
    /// Sorts `keys[0..<count]` and moves `counts` along.
    static func sort(keys: inout [UInt64], counts: inout [UInt64], count: Int) {
        guard count > 1 else { return }
        if count < 256 {
            var pairs = (0..<count).map { (keys[$0], counts[$0]) }
            pairs.sort { $0.0 < $1.0 }
            for (index, pair) in pairs.enumerated() {
                keys[index] = pair.0
                counts[index] = pair.1
            }
            return
        }
        var otherKeys = [UInt64](repeating: 0, count: count)
        var otherCounts = [UInt64](repeating: 0, count: count)
        var histogram = [Int](repeating: 0, count: 1 << 16)
        var inOther = false
        for pass in 0..<4 {
            let shift = UInt64(pass * 16)
            for index in 0..<(1 << 16) { histogram[index] = 0 }
            let sameDigit: Bool = keys.withUnsafeBufferPointer { sourceKeys in
                otherKeys.withUnsafeBufferPointer { targetKeys in
                    let source = inOther ? targetKeys : sourceKeys
                    histogram.withUnsafeMutableBufferPointer { histogram in
                        for index in 0..<count { histogram[Int((source[index] >> shift) & 0xFFFF)] += 1 }
                    }
                    let first = Int((source[0] >> shift) & 0xFFFF)
                    return histogram[first] == count
                }
            }
            if sameDigit { continue }
            var total = 0
            for index in 0..<(1 << 16) {
                let value = histogram[index]
                histogram[index] = total
                total += value
            }
            if inOther {
                scatter(&otherKeys, &otherCounts, into: &keys, &counts, count: count, shift: shift, &histogram)
            } else {
                scatter(&keys, &counts, into: &otherKeys, &otherCounts, count: count, shift: shift, &histogram)
            }
            inOther.toggle()
        }
        if inOther {
            for index in 0..<count {
                keys[index] = otherKeys[index]
                counts[index] = otherCounts[index]
            }
        }
    }

    private static func scatter(
        _ keys: inout [UInt64], _ counts: inout [UInt64],
        into targetKeys: inout [UInt64], _ targetCounts: inout [UInt64],
        count: Int, shift: UInt64, _ histogram: inout [Int]
    ) {
        keys.withUnsafeBufferPointer { keys in
            counts.withUnsafeBufferPointer { counts in
                targetKeys.withUnsafeMutableBufferPointer { targetKeys in
                    targetCounts.withUnsafeMutableBufferPointer { targetCounts in
                        histogram.withUnsafeMutableBufferPointer { histogram in
                            for index in 0..<count {
                                let key = keys[index]
                                let digit = Int((key >> shift) & 0xFFFF)
                                let target = histogram[digit]
                                histogram[digit] = target + 1
                                targetKeys[target] = key
                                targetCounts[target] = counts[index]
                            }
                        }
                    }
                }
            }
        }
    }
}
