import CMemory
import MLMCore

/// Counts n-gram keys (see ``NgramLevel``) for one thread, within a memory budget.
///
/// An open-addressing table of ``KeyCount`` slots (key and count side by side, so a probe touches one cache
/// line); when it would outgrow its budget, its entries are sorted and written to a spill file as a sorted
/// run, and counting goes on in the emptied table. ``finish()`` returns the runs (the spill files and the
/// table's last contents), which ``SortedRunMerger`` sums exactly. Call ``prefetch(_:)`` for a key a few
/// positions ahead so that its slot is in cache when ``add(_:)`` comes to it.
public final class NgramCounter {
    static let emptyKey = UInt64.max
    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var slots: UnsafeMutablePointer<KeyCount>
    private var capacity: Int
    private var shift: UInt64
    private var used = 0
    private var limit: Int
    private let maximumCapacity: Int
    private let spillDirectory: String
    private let spillPrefix: String
    private var spillFiles: [String] = []

    /// Creates a counter.
    /// - Parameters:
    ///   - budgetBytes: Memory the table may use: 16 bytes a slot, plus 12 a slot to sort before a spill
    ///     (tables are at most 3/4 full).
    ///   - spillDirectory: Where spill files go.
    ///   - spillPrefix: A name prefix unique to this counter.
    public init(budgetBytes: Int, spillDirectory: String, spillPrefix: String) {
        var maximumCapacity = 1 << 12
        while maximumCapacity * 2 * 28 <= budgetBytes { maximumCapacity *= 2 }
        self.maximumCapacity = maximumCapacity
        capacity = min(1 << 16, maximumCapacity)
        slots = Self.allocate(capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        limit = capacity / 4 * 3
        self.spillDirectory = spillDirectory
        self.spillPrefix = spillPrefix
    }

    deinit { slots.deallocate() }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<KeyCount> {
        let slots = UnsafeMutablePointer<KeyCount>.allocate(capacity: capacity)
        slots.initialize(repeating: KeyCount(key: emptyKey, count: 0), count: capacity)
        return slots
    }

    /// Spill files written so far.
    public var spillCount: Int { spillFiles.count }

    /// Starts loading the slot of `key` into cache.
    @inline(__always)
    public func prefetch(_ key: UInt64) {
        cmemory_prefetch_for_write(slots + Int(truncatingIfNeeded: (key &* Self.multiplier) >> shift))
    }

    /// Counts one occurrence of `key`.
    @inline(__always)
    public func add(_ key: UInt64) throws(PMIError) {
        let mask = capacity - 1
        var slot = Int(truncatingIfNeeded: (key &* Self.multiplier) >> shift)
        while true {
            let stored = slots[slot].key
            if stored == key {
                slots[slot].count &+= 1
                return
            }
            if stored == Self.emptyKey { break }
            slot = (slot + 1) & mask
        }
        slots[slot] = KeyCount(key: key, count: 1)
        used += 1
        if used >= limit { try makeRoom() }
    }

    private func makeRoom() throws(PMIError) {
        if capacity < maximumCapacity {
            rehash(capacity: capacity * 2)
        } else {
            try spill()
        }
    }

    private func rehash(capacity newCapacity: Int) {
        let old = slots
        let oldCapacity = capacity
        slots = Self.allocate(newCapacity)
        capacity = newCapacity
        shift = UInt64(64 - newCapacity.trailingZeroBitCount)
        limit = newCapacity / 4 * 3
        let mask = newCapacity - 1
        for index in 0..<oldCapacity where old[index].key != Self.emptyKey {
            var slot = Int(truncatingIfNeeded: (old[index].key &* Self.multiplier) >> shift)
            while slots[slot].key != Self.emptyKey { slot = (slot + 1) & mask }
            slots[slot] = old[index]
        }
        old.deallocate()
    }

    /// Moves the entries to the front of the table and sorts them; returns how many there are.
    private func compactAndSort() -> Int {
        var count = 0
        for index in 0..<capacity where slots[index].key != Self.emptyKey {
            slots[count] = slots[index]
            count += 1
        }
        let scratch = UnsafeMutablePointer<KeyCount>.allocate(capacity: max(count, 1))
        PairRadixSort.sort(slots, count: count, scratch: scratch)
        scratch.deallocate()
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
                withUnsafeBytes(of: slots[entry].key.littleEndian) { block.append(contentsOf: $0) }
                withUnsafeBytes(of: slots[entry].count.littleEndian) { block.append(contentsOf: $0) }
            }
            try output.write(block)
            index = end
        }
        try output.close()
        slots.update(repeating: KeyCount(key: Self.emptyKey, count: 0), count: capacity)
        used = 0
    }

    /// Ends counting: the sorted runs to merge (spill files first, then what the table holds).
    /// The counter is empty afterwards.
    public func finish() -> [any KeyCountRunReader] {
        let count = compactAndSort()
        var runs: [any KeyCountRunReader] = spillFiles.map { SpillFileRun(path: $0) }
        // The table's memory becomes the run's: no copy.
        runs.append(OwnedKeyCountRun(pairs: slots, count: count))
        capacity = 16
        slots = Self.allocate(capacity)
        shift = 60
        limit = 12
        used = 0
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
