/// A copy of one document: its tokens, flags and sentence boundaries.
///
/// The buffers are reused from document to document (their capacity stays), so a pool slot costs no
/// allocation once it has held a document as long as the next one.
struct PooledDocument {
    /// The document's index among all documents of the run.
    var index = -1
    /// The token ids.
    var ids: [UInt32] = []
    /// The store flags, one per token.
    var flags: [UInt8] = []
    /// Sentence starts followed by the token count: sentence `s` covers `bounds[s] ..< bounds[s + 1]`.
    var bounds: [Int] = []

    /// The number of sentences.
    var sentenceCount: Int { bounds.count - 1 }

    /// Replaces the contents with a copy of a document.
    /// - Parameters:
    ///   - index: The document's index.
    ///   - ids: Its ids.
    ///   - flags: Its flags.
    ///   - bounds: Its sentence boundaries (starts, then the token count).
    mutating func assign(
        index: Int,
        ids newIDs: UnsafeBufferPointer<UInt32>,
        flags newFlags: UnsafeBufferPointer<UInt8>,
        bounds newBounds: [Int]
    ) {
        self.index = index
        ids.removeAll(keepingCapacity: true)
        ids.append(contentsOf: newIDs)
        flags.removeAll(keepingCapacity: true)
        flags.append(contentsOf: newFlags)
        bounds.removeAll(keepingCapacity: true)
        bounds.append(contentsOf: newBounds)
    }
}
