/// The last `capacity` non-empty documents, the current one included: where NSP's random next segments come from.
///
/// Google BERT draws a random document from the whole corpus, held in memory. A stream cannot, so the pool keeps a
/// bounded window of copies; position 0 is the oldest document in it. Memory is `capacity` documents.
struct DocumentPool {
    /// The most documents held.
    let capacity: Int
    /// Ring storage; slot `(start + k) % capacity` holds the `k`-th oldest document.
    private(set) var slots: [PooledDocument] = []
    /// The slot of the oldest document.
    private var start = 0

    /// Creates an empty pool.
    /// - Parameter capacity: The most documents held, at least 1.
    init(capacity: Int) {
        precondition(capacity >= 1, "a document pool needs room for at least one document")
        self.capacity = capacity
    }

    /// The number of documents held.
    var count: Int { slots.count }

    /// The slot that holds the `position`-th oldest document.
    /// - Parameter position: A position in `0..<count`.
    /// - Returns: An index into ``slots``.
    func slot(at position: Int) -> Int { (start + position) % slots.count }

    /// Adds a copy of a document, replacing the oldest one when the pool is full.
    /// - Parameters:
    ///   - index: The document's index.
    ///   - ids: Its ids.
    ///   - flags: Its flags.
    ///   - bounds: Its sentence boundaries.
    /// - Returns: The slot now holding it.
    mutating func add(
        index: Int, ids: UnsafeBufferPointer<UInt32>, flags: UnsafeBufferPointer<UInt8>, bounds: [Int]
    ) -> Int {
        if slots.count < capacity {
            slots.append(PooledDocument())
            slots[slots.count - 1].assign(index: index, ids: ids, flags: flags, bounds: bounds)
            return slots.count - 1
        }
        let slot = start
        slots[slot].assign(index: index, ids: ids, flags: flags, bounds: bounds)
        start = (start + 1) % capacity
        return slot
    }
}
