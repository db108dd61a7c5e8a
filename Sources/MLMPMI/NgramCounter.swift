import MLMCore

/// Counts n-gram keys (see ``NgramLevel``) for one thread, within a memory budget.
///
/// An open-addressing table of `(key, count)`; when it would outgrow its budget, its entries are sorted and
/// written to a spill file as a sorted run, and counting goes on in the emptied table. ``finish()`` returns the
/// runs (the spill files and the table's last contents), which ``SortedRunMerger`` sums exactly.
public final class NgramCounter {
    static let emptyKey = UInt64.max
    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var keys: [UInt64]
    private var counts: [UInt64]
    private var shift: UInt64
    private var used = 0
    private var limit: Int
    private let maximumCapacity: Int
    private let spillDirectory: String
    private let spillPrefix: String
    private var spillFiles: [String] = []

    /// Creates a counter.
    /// - Parameters:
    ///   - budgetBytes: Memory the table may use; at 16 bytes a slot plus room to sort, about 40 bytes per
    ///     distinct key before a spill.
    ///   - spillDirectory: Where spill files go.
    ///   - spillPrefix: A name prefix unique to this counter.
    public init(budgetBytes: Int, spillDirectory: String, spillPrefix: String) {
        // Slots cost 16 bytes; at 3/4 load the sort needs 12 more per slot.
        var maximumCapacity = 1 << 12
        while maximumCapacity * 2 * 28 <= budgetBytes { maximumCapacity *= 2 }
        self.maximumCapacity = maximumCapacity
        let capacity = min(1 << 16, maximumCapacity)
        keys = [UInt64](repeating: Self.emptyKey, count: capacity)
        counts = [UInt64](repeating: 0, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        limit = capacity / 4 * 3
        self.spillDirectory = spillDirectory
        self.spillPrefix = spillPrefix
    }

    /// Spill files written so far.
    public var spillCount: Int { spillFiles.count }

    /// Counts one occurrence of `key`.
    @inline(__always)
    public func add(_ key: UInt64) throws(PMIError) {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: (key &* Self.multiplier) >> shift)
        while true {
            let stored = keys[slot]
            if stored == key {
                counts[slot] &+= 1
                return
            }
            if stored == Self.emptyKey { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        counts[slot] = 1
        used += 1
        if used >= limit { try makeRoom() }
    }

    private func makeRoom() throws(PMIError) {
        if keys.count < maximumCapacity {
            rehash(capacity: keys.count * 2)
        } else {
            try spill()
        }
    }

    private func rehash(capacity: Int) {
        let oldKeys = keys
        let oldCounts = counts
        keys = [UInt64](repeating: Self.emptyKey, count: capacity)
        counts = [UInt64](repeating: 0, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        limit = capacity / 4 * 3
        let mask = capacity - 1
        for index in oldKeys.indices where oldKeys[index] != Self.emptyKey {
            var slot = Int(truncatingIfNeeded: (oldKeys[index] &* Self.multiplier) >> shift)
            while keys[slot] != Self.emptyKey { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[index]
            counts[slot] = oldCounts[index]
        }
    }

    /// Moves the entries to the front of the arrays and sorts them; returns how many there are.
    private func compactAndSort() -> Int {
        var count = 0
        for index in keys.indices where keys[index] != Self.emptyKey {
            keys[count] = keys[index]
            counts[count] = counts[index]
            count += 1
        }
        PairRadixSort.sort(keys: &keys, counts: &counts, count: count)
        return count
    }

    private func spill() throws(PMIError) {
        let count = compactAndSort()
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
                withUnsafeBytes(of: keys[entry].littleEndian) { block.append(contentsOf: $0) }
                withUnsafeBytes(of: counts[entry].littleEndian) { block.append(contentsOf: $0) }
            }
            try output.write(block)
            index = end
        }
        try output.close()
        for index in keys.indices { keys[index] = Self.emptyKey }
        used = 0
    }

    /// Ends counting: the sorted runs to merge (spill files first, then what the table holds).
    /// The counter is empty afterwards.
    public func finish() -> [any KeyCountRunReader] {
        let count = compactAndSort()
        var runs: [any KeyCountRunReader] = spillFiles.map { SpillFileRun(path: $0) }
        // Hand the arrays over without copying them, cut to the entries.
        var runKeys = keys
        var runCounts = counts
        keys = []
        counts = []
        runKeys.removeSubrange(count..<runKeys.count)
        runCounts.removeSubrange(count..<runCounts.count)
        keys = [UInt64](repeating: Self.emptyKey, count: 16)
        counts = [UInt64](repeating: 0, count: 16)
        shift = 60
        limit = 12
        used = 0
        runs.append(InMemoryKeyCountRun(keys: runKeys, counts: runCounts))
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

    mutating func nextBlock(keys: inout [UInt64], counts: inout [UInt64]) throws(PMIError) {
        keys.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
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
                keys.append(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: pair * 16, as: UInt64.self)))
                counts.append(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: pair * 16 + 8, as: UInt64.self)))
            }
        }
    }
}
