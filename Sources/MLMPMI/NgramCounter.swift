import Foundation
import MLMCore

/// Counts n-gram keys (see ``NgramLevel``), shared by all the counting threads, within a memory budget.
///
/// Each thread adds keys through its own ``Feeder``, which buffers them, groups a full buffer by partition
/// (the top bits of a key's hash choose one of 256 tables) and counts each group in its partition's table
/// under that partition's lock. Counting a burst in one small table keeps the work in the CPU's cache, and one
/// set of tables for all threads means memory follows the number of distinct keys, not the number of threads.
/// When the tables outgrow the budget, one thread takes every partition lock, writes all entries sorted to a
/// spill file and empties the tables. ``finish()`` (after every feeder has flushed) returns the sorted runs,
/// which ``SortedRunMerger`` sums exactly.
public final class NgramCounter: @unchecked Sendable {
    static let emptyKey = UInt64.max
    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    fileprivate static let partitionBits = 8
    fileprivate static let partitionCount = 1 << partitionBits

    /// One partition's table: `KeyCount` slots (key and count side by side).
    fileprivate struct Partition {
        var slots: UnsafeMutablePointer<KeyCount>
        var capacity: Int
        var shift: UInt64
        var used = 0
        var limit: Int

        init(capacity: Int) {
            slots = NgramCounter.allocate(capacity)
            self.capacity = capacity
            shift = UInt64(64 - capacity.trailingZeroBitCount)
            limit = capacity / 4 * 3
        }
    }

    private let partitions: UnsafeMutablePointer<Partition>
    private let locks: [NSLock]
    /// Guards ``totalSlots``, ``spillFiles`` and the decision to spill.
    private let statistics = NSLock()
    private var totalSlots: Int
    private let maximumSlots: Int
    private let spillDirectory: String
    private let spillPrefix: String
    private var spillFiles: [String] = []
    private var feeders = 0
    /// Keys per burst of each feeder.
    public let bufferKeys: Int

    /// Creates a counter.
    /// - Parameters:
    ///   - budgetBytes: Memory the tables may use: 16 bytes a slot, plus 12 a slot to sort before a spill
    ///     (tables are at most 3/4 full). Each feeder adds two key buffers of `bufferKeys` × 8 bytes.
    ///   - spillDirectory: Where spill files go.
    ///   - spillPrefix: A name prefix unique to this counter.
    ///   - bufferKeys: Keys counted per burst.
    public init(budgetBytes: Int, spillDirectory: String, spillPrefix: String, bufferKeys: Int = 1 << 21) {
        self.bufferKeys = bufferKeys
        maximumSlots = max(budgetBytes / 28, Self.partitionCount * 64)
        partitions = .allocate(capacity: Self.partitionCount)
        for partition in 0..<Self.partitionCount { (partitions + partition).initialize(to: Partition(capacity: 64)) }
        locks = (0..<Self.partitionCount).map { _ in NSLock() }
        totalSlots = Self.partitionCount * 64
        self.spillDirectory = spillDirectory
        self.spillPrefix = spillPrefix
    }

    deinit {
        for partition in 0..<Self.partitionCount { partitions[partition].slots.deallocate() }
        partitions.deinitialize(count: Self.partitionCount)
        partitions.deallocate()
    }

    fileprivate static func allocate(_ capacity: Int) -> UnsafeMutablePointer<KeyCount> {
        let slots = UnsafeMutablePointer<KeyCount>.allocate(capacity: capacity)
        slots.initialize(repeating: KeyCount(key: emptyKey, count: 0), count: capacity)
        return slots
    }

    /// Keys per burst for a budget: the two key buffers of each of `threads` feeders take at most a quarter of
    /// it (up to 2²¹ keys, 32 MiB, per feeder).
    public static func bufferKeys(budgetBytes: Int, threads: Int = 1) -> Int {
        min(max(budgetBytes / 64 / max(threads, 1), 4096), 1 << 21)
    }

    /// Spill files written so far.
    public var spillCount: Int {
        statistics.lock()
        defer { statistics.unlock() }
        return spillFiles.count
    }

    /// A feeder for one thread.
    public func makeFeeder() -> Feeder {
        statistics.lock()
        defer { statistics.unlock() }
        feeders += 1
        // Feeders visit the partitions from different starting points, so that they rarely wait for each other.
        return Feeder(counter: self, firstPartition: (feeders - 1) * 97 % Self.partitionCount)
    }

    /// One thread's way in: a buffer of keys counted a burst at a time.
    public final class Feeder {
        private let counter: NgramCounter
        private let buffer: UnsafeMutablePointer<UInt64>
        private let scratch: UnsafeMutablePointer<UInt64>
        private var buffered = 0
        private let capacity: Int
        private let firstPartition: Int

        fileprivate init(counter: NgramCounter, firstPartition: Int) {
            self.counter = counter
            self.firstPartition = firstPartition
            capacity = counter.bufferKeys
            buffer = .allocate(capacity: capacity)
            scratch = .allocate(capacity: capacity)
        }

        deinit {
            buffer.deallocate()
            scratch.deallocate()
        }

        /// Counts one occurrence of `key`.
        @inline(__always)
        public func add(_ key: UInt64) throws(PMIError) {
            buffer[buffered] = key
            buffered += 1
            if buffered == capacity { try flush() }
        }

        /// Counts every buffered key. Call it when the thread is done.
        public func flush() throws(PMIError) {
            guard buffered > 0 else { return }
            try counter.count(buffer, count: buffered, scratch: scratch, firstPartition: firstPartition)
            buffered = 0
        }
    }

    /// Groups `keys` by partition, then counts each group under its partition's lock.
    private func count(
        _ keys: UnsafeMutablePointer<UInt64>, count: Int, scratch: UnsafeMutablePointer<UInt64>, firstPartition: Int
    ) throws(PMIError) {
        var starts = [Int](repeating: 0, count: Self.partitionCount + 1)
        let shift = UInt64(64 - Self.partitionBits)
        for index in 0..<count { starts[Int((keys[index] &* Self.multiplier) >> shift) + 1] += 1 }
        for partition in 0..<Self.partitionCount { starts[partition + 1] += starts[partition] }
        var next = starts
        for index in 0..<count {
            let key = keys[index]
            let partition = Int((key &* Self.multiplier) >> shift)
            scratch[next[partition]] = key
            next[partition] += 1
        }
        var grown = 0
        for step in 0..<Self.partitionCount {
            let partition = (firstPartition + step) & (Self.partitionCount - 1)
            guard starts[partition] < starts[partition + 1] else { continue }
            locks[partition].lock()
            let before = partitions[partition].capacity
            for index in starts[partition]..<starts[partition + 1] { add(scratch[index], to: partition) }
            grown += partitions[partition].capacity - before
            locks[partition].unlock()
        }
        statistics.lock()
        totalSlots += grown
        let over = totalSlots > maximumSlots
        statistics.unlock()
        if over { try spill() }
    }

    @inline(__always)
    private func add(_ key: UInt64, to partition: Int) {
        let table = partitions[partition]
        let mask = table.capacity - 1
        var slot = Int(truncatingIfNeeded: ((key &* Self.multiplier) << UInt64(Self.partitionBits)) >> table.shift)
        while true {
            let stored = table.slots[slot].key
            if stored == key {
                table.slots[slot].count &+= 1
                return
            }
            if stored == Self.emptyKey { break }
            slot = (slot + 1) & mask
        }
        table.slots[slot] = KeyCount(key: key, count: 1)
        partitions[partition].used += 1
        if partitions[partition].used >= table.limit { grow(partition) }
    }

    private func grow(_ partition: Int) {
        let old = partitions[partition]
        var grown = Partition(capacity: old.capacity * 2)
        let mask = grown.capacity - 1
        for index in 0..<old.capacity where old.slots[index].key != Self.emptyKey {
            let key = old.slots[index].key
            var slot = Int(truncatingIfNeeded: ((key &* Self.multiplier) << UInt64(Self.partitionBits)) >> grown.shift)
            while grown.slots[slot].key != Self.emptyKey { slot = (slot + 1) & mask }
            grown.slots[slot] = old.slots[index]
        }
        grown.used = old.used
        old.slots.deallocate()
        partitions[partition] = grown
    }

    /// Every entry, sorted by key, in a new buffer; the tables are emptied and shrunk (callers hold every lock,
    /// or are the only thread left).
    private func takeSortedEntries() -> (pairs: UnsafeMutablePointer<KeyCount>, count: Int) {
        var total = 0
        for partition in 0..<Self.partitionCount { total += partitions[partition].used }
        let entries = UnsafeMutablePointer<KeyCount>.allocate(capacity: max(total, 1))
        var count = 0
        for partition in 0..<Self.partitionCount {
            let table = partitions[partition]
            for index in 0..<table.capacity where table.slots[index].key != Self.emptyKey {
                entries[count] = table.slots[index]
                count += 1
            }
            table.slots.deallocate()
            partitions[partition] = Partition(capacity: 64)
        }
        let sortScratch = UnsafeMutablePointer<KeyCount>.allocate(capacity: max(count, 1))
        PairRadixSort.sort(entries, count: count, scratch: sortScratch)
        sortScratch.deallocate()
        return (entries, count)
    }

    /// Writes every entry to a spill file, if the tables are (still) over budget.
    private func spill() throws(PMIError) {
        for lock in locks { lock.lock() }
        defer { for lock in locks.reversed() { lock.unlock() } }
        statistics.lock()
        defer { statistics.unlock() }
        // Another thread may have spilled while this one waited for the locks.
        guard totalSlots > maximumSlots else { return }
        let (entries, count) = takeSortedEntries()
        defer { entries.deallocate() }
        totalSlots = Self.partitionCount * 64
        let path = spillDirectory + "/" + spillPrefix + "-\(spillFiles.count).run"
        let output = try FileOutput(path: path)
        spillFiles.append(path)
        var block: [UInt8] = []
        block.reserveCapacity(1 << 20)
        var index = 0
        while index < count {
            block.removeAll(keepingCapacity: true)
            let end = min(count, index + (1 << 16))
            for entry in index..<end {
                withUnsafeBytes(of: entries[entry].key.littleEndian) { block.append(contentsOf: $0) }
                withUnsafeBytes(of: entries[entry].count.littleEndian) { block.append(contentsOf: $0) }
            }
            try output.write(block)
            index = end
        }
        try output.close()
    }

    /// Ends counting, once every feeder has flushed: the sorted runs to merge (spill files first, then what the
    /// tables hold). The counter is empty afterwards.
    public func finish() -> [any KeyCountRunReader] {
        statistics.lock()
        defer { statistics.unlock() }
        var runs: [any KeyCountRunReader] = spillFiles.map { SpillFileRun(path: $0) }
        let (entries, count) = takeSortedEntries()
        runs.append(OwnedKeyCountRun(pairs: entries, count: count))
        totalSlots = Self.partitionCount * 64
        return runs
    }
}

/// A sorted run read back from a spill file (little-endian key, count pairs); the file is removed at the end.
struct SpillFileRun: KeyCountRunReader {
    let path: String
    private var input: FileInput?
    private var finished = false
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)

    init(path: String) { self.path = path }

    mutating func nextBlock(_ block: inout [KeyCount]) throws(PMIError) {
        block.removeAll(keepingCapacity: true)
        if finished { return }
        if input == nil { input = try FileInput(path: path) }
        let reader = input!
        let read = try buffer.withUnsafeMutableBytesThrowing { (raw) throws(PMIError) in try reader.readFully(into: raw) }
        if read % 16 != 0 {
            throw PMIError(.invalidFile, "a spill file was cut short; run again", path: path)
        }
        if read == 0 {
            finished = true
            input = nil
            FileOutput.remove(path)
            return
        }
        buffer.withUnsafeBytes { raw in
            for pair in 0..<(read / 16) {
                block.append(
                    KeyCount(
                        key: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: pair * 16, as: UInt64.self)),
                        count: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: pair * 16 + 8, as: UInt64.self))))
            }
        }
    }
}
