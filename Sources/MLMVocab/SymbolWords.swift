/// The distinct words of the corpus as token-id sequences, back to back in one array, merged in place.
struct SymbolWords {
    /// Every word's current symbols (a word shrinks in place as pairs merge).
    var symbols: [UInt32] = []
    /// Where each word starts in ``symbols``.
    var starts: [Int] = []
    /// Each word's current number of symbols.
    var lengths: [Int32] = []
    /// How often each word occurs in the corpus.
    var counts: [Int] = []

    /// The number of words.
    var count: Int { starts.count }

    /// Adds a word.
    mutating func append(_ word: some Collection<UInt32>, count: Int) {
        starts.append(symbols.count)
        symbols.append(contentsOf: word)
        lengths.append(Int32(word.count))
        counts.append(count)
    }

    /// The pair `(left, right)` as one integer whose order is the pairs' lexicographic order.
    @inline(__always)
    static func pair(_ left: UInt32, _ right: UInt32) -> UInt64 { UInt64(left) << 32 | UInt64(right) }

    /// Replaces every `left right` in a word by `replacement`, left to right without overlap, and appends the
    /// changed neighbour pairs (`-1` for a pair that went away, `+1` for one that appeared), exactly as
    /// `tokenizers`' `Word::merge` reports them.
    /// - Parameters:
    ///   - word: The word's index.
    ///   - left: The pair's left id.
    ///   - right: The pair's right id.
    ///   - replacement: The merged token's id.
    ///   - changes: Receives `(pair, ±1)`.
    mutating func merge(
        word: Int, _ left: UInt32, _ right: UInt32, into replacement: UInt32, changes: inout [(UInt64, Int)]
    ) {
        let start = starts[word]
        let length = Int(lengths[word])
        symbols.withUnsafeMutableBufferPointer { all in
            let base = all.baseAddress! + start
            var read = 0
            var write = 0
            while read < length {
                let symbol = base[read]
                if symbol == left && read + 1 < length && base[read + 1] == right {
                    if write > 0 {
                        let previous = base[write - 1]
                        changes.append((Self.pair(previous, left), -1))
                        changes.append((Self.pair(previous, replacement), 1))
                    }
                    if read + 2 < length {
                        let next = base[read + 2]
                        changes.append((Self.pair(right, next), -1))
                        changes.append((Self.pair(replacement, next), 1))
                    }
                    base[write] = replacement
                    read += 2
                } else {
                    base[write] = symbol
                    read += 1
                }
                write += 1
            }
            lengths[word] = Int32(write)
        }
    }
}
