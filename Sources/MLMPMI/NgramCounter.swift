import MLMCore

/// Counts n-gram keys (see ``NgramLevel``) for one thread, within a memory budget.
///
/// Keys are buffered, then counted a buffer at a time, partition by partition: the top bits of a key's hash
/// choose one of 256 small open-addressing tables, so each burst of counting works in a table that fits in
/// the CPU's cache instead of probing one huge table at a random place for every key (which waits on main
/// memory each time). When the tables outgrow the budget, their entries are sorted and written to a spill
/// file as a sorted run, and counting goes on in emptied tables. ``finish()`` returns the runs (the spill
/// files and what the tables hold), which ``SortedRunMerger`` sums exactly.
public final class NgramCounter {
    static let emptyKey = UInt64.max
    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    private static let partitionBits = 8
    private static let partitionCount = 1 << partitionBits

    /// One partition's table: `KeyCount` slots (key and count side by side).
    private struct Partition {
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
    private var buffer: UnsafeMutablePointer<UInt64>
    private var scratch: UnsafeMutablePointer<UInt64>
    private var buffered = 0
    private let bufferKeys: Int
    private var totalSlots: Int
    private var used = 0
    private let maximumSlots: Int
    private let spillDirectory: String
    private let spillPrefix: String
    private var spillFiles: [String] = []

    /// Creates a counter.
    /// - Parameters:
    ///   - budgetBytes: Memory the tables may use: 16 bytes a slot, plus 12 a slot to sort before a spill
    ///     (tables are at most 3/4 full), plus 32 MiB of key buffers.
    ///   - spillDirectory: Where spill files go.
    ///   - spillPrefix: A name prefix unique to this counter.
    ///   - bufferKeys: Keys counted per burst (two buffers of 8 bytes a key).
    public init(budgetBytes: Int, spillDirectory: String, spillPrefix: String, bufferKeys: Int = 1 << 21) {
        self.bufferKeys = bufferKeys
        let tables = max(budgetBytes - 2 * bufferKeys * 8, 0)
        maximumSlots = max(tables / 28, Self.partitionCount * 64)
        partitions = .allocate(capacity: Self.partitionCount)
        for partition in 0..<Self.partitionCount { (partitions + partition).initialize(to: Partition(capacity: 64)) }
        totalSlots = Self.partitionCount * 64
        buffer = .allocate(capacity: bufferKeys)
        scratch = .allocate(capacity: bufferKeys)
        self.spillDirectory = spillDirectory
        self.spillPrefix = spillPrefix
    }

    deinit {
        for partition in 0..<Self.partitionCount { partitions[partition].slots.deallocate() }
        partitions.deinitialize(count: Self.partitionCount)
        partitions.deallocate()
        buffer.deallocate()
        scratch.deallocate()
    }

    fileprivate static func allocate(_ capacity: Int) -> UnsafeMutablePointer<KeyCount> {
        let slots = UnsafeMutablePointer<KeyCount>.allocate(capacity: capacity)
        slots.initialize(repeating: KeyCount(key: emptyKey, count: 0), count: capacity)
        return slots
    }

    /// Keys per burst for a budget: the two key buffers take at most a quarter of it (up to 2²¹ keys, 32 MiB).
    public static func bufferKeys(budgetBytes: Int) -> Int { min(max(budgetBytes / 64, 4096), 1 << 21) }

    /// Spill files written so far.
    public var spillCount: Int { spillFiles.count }

    /// Counts one occurrence of `key`.
    @inline(__always)
    public func add(_ key: UInt64) throws(PMIError) {
        buffer[buffered] = key
        buffered += 1
        if buffered == bufferKeys { try flush() }
    }

    /// Counts the buffered keys: groups them by partition, then counts each group in its partition's table.
    private func flush() throws(PMIError) {
        guard buffered > 0 else { return }
        var starts = [Int](repeating: 0, count: Self.partitionCount + 1)
        let shift = UInt64(64 - Self.partitionBits)
        for index in 0..<buffered { starts[Int((buffer[index] &* Self.multiplier) >> shift) + 1] += 1 }
        for partition in 0..<Self.partitionCount { starts[partition + 1] += starts[partition] }
        var next = starts
        for index in 0..<buffered {
            let key = buffer[index]
            let partition = Int((key &* Self.multiplier) >> shift)
            scratch[next[partition]] = key
            next[partition] += 1
        }
        for partition in 0..<Self.partitionCount where starts[partition] < starts[partition + 1] {
            for index in starts[partition]..<starts[partition + 1] { count(scratch[index], in: partition) }
        }
        buffered = 0
        if totalSlots > maximumSlots { try spill() }
    }

    @inline(__always)
    private func count(_ key: UInt64, in partition: Int) {
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
        used += 1
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
        totalSlots += grown.capacity - old.capacity
        partitions[partition] = grown
    }

    /// Every entry, sorted by key, in a new buffer of `used` pairs; the tables are emptied (kept at their size).
    private func sortedEntries() -> UnsafeMutablePointer<KeyCount> {
        let entries = UnsafeMutablePointer<KeyCount>.allocate(capacity: max(used, 1))
        var count = 0
        for partition in 0..<Self.partitionCount {
            let table = partitions[partition]
            for index in 0..<table.capacity where table.slots[index].key != Self.emptyKey {
                entries[count] = table.slots[index]
                count += 1
                table.slots[index] = KeyCount(key: Self.emptyKey, count: 0)
            }
            partitions[partition].used = 0
        }
        let sortScratch = UnsafeMutablePointer<KeyCount>.allocate(capacity: max(count, 1))
        PairRadixSort.sort(entries, count: count, scratch: sortScratch)
        sortScratch.deallocate()
        return entries
    }

    private func spill() throws(PMIError) {
        let count = used
        let entries = sortedEntries()
        defer { entries.deallocate() }
        used = 0
        // Start again from small tables, so that memory goes back to what the next stretch needs.
        for partition in 0..<Self.partitionCount {
            partitions[partition].slots.deallocate()
            partitions[partition] = Partition(capacity: 64)
        }
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

    /// Ends counting: the sorted runs to merge (spill files first, then what the tables hold).
    /// The counter is empty afterwards.
    public func finish() throws(PMIError) -> [any KeyCountRunReader] {
        try flush()
        let count = used
        var runs: [any KeyCountRunReader] = spillFiles.map { SpillFileRun(path: $0) }
        runs.append(OwnedKeyCountRun(pairs: sortedEntries(), count: count))
        used = 0
        for partition in 0..<Self.partitionCount {
            partitions[partition].slots.deallocate()
            partitions[partition] = Partition(capacity: 16)
        }
        totalSlots = Self.partitionCount * 16
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
