import MLMCore

/// A ``UnitMatcher`` over a fixed set of word n-grams, each given as its words' token ids.
///
/// It is the reference matcher (tests, small tables); a PMI table can reuse it or bring its own. The words of
/// an n-gram are hashed incrementally into one 64-bit key, looked up in an open-addressing table that also
/// marks every proper prefix, so the search from a word stops as soon as no listed n-gram starts with the
/// words seen so far: about one probe per word. A found key is verified against the stored ids.
///
/// ```swift
/// // "new york" = [2047], [2259]; "new york city" adds [2103]
/// let matcher = WordNgramSetMatcher(ngrams: [[[2047], [2259]], [[2047], [2259], [2103]]])
/// ```
/// Complexity: O(total ids) to build; O(words · longest n-gram) per sequence at worst.
public struct WordNgramSetMatcher: UnitMatcher {
    /// The longest listed n-gram, in words.
    public let maxWords: Int
    /// How many distinct n-grams are listed.
    public let count: Int
    /// The open-addressing table (one cache line holds four slots).
    private let slots: [Slot]
    private let slotMask: Int
    /// Per entry: its offset in `entryData` and the next entry with the same key (−1: none).
    private let entryOffsets: [Int32]
    private let entryNext: [Int32]
    /// Per entry: the word count, then per word its length and ids.
    private let entryData: [UInt32]

    private static let prefixBit: UInt32 = 1 << 31

    /// One slot of the table.
    private struct Slot {
        /// The key; 0 marks an empty slot (a key that hashes to 0 is stored as 1).
        var key: UInt64 = 0
        /// Bit 31 set when the key is a proper prefix; the low bits are the first entry + 1 (0: none).
        var value: UInt32 = 0
    }

    /// Creates a matcher.
    /// - Parameter ngrams: The n-grams; each is a list of at least 2 words, each word a non-empty list of ids.
    ///   Shorter or empty entries and repeats are ignored.
    public init(ngrams: [[[UInt32]]]) {
        var unique = Set<[[UInt32]]>()
        var accepted: [[[UInt32]]] = []
        for ngram in ngrams where ngram.count >= 2 && ngram.allSatisfy({ !$0.isEmpty }) {
            if unique.insert(ngram).inserted { accepted.append(ngram) }
        }
        var prefixKeys = Set<UInt64>()
        var fullKeys: [UInt64] = []
        for ngram in accepted {
            var key = Self.start
            for (index, word) in ngram.enumerated() {
                for id in word { key = Self.add(key, id) }
                key = Self.endWord(key)
                if index + 1 < ngram.count { prefixKeys.insert(key) }
            }
            fullKeys.append(key)
        }
        var capacity = 16
        while capacity < 2 * (prefixKeys.count + fullKeys.count) { capacity <<= 1 }
        var slots = [Slot](repeating: Slot(), count: capacity)
        let slotMask = capacity - 1
        func slot(for key: UInt64) -> Int {
            var slot = Int(truncatingIfNeeded: key) & slotMask
            while slots[slot].key != 0 && slots[slot].key != key { slot = (slot + 1) & slotMask }
            slots[slot].key = key
            return slot
        }
        for key in prefixKeys.sorted() { slots[slot(for: Self.stored(key))].value |= Self.prefixBit }
        var entryOffsets: [Int32] = []
        var entryNext: [Int32] = []
        var entryData: [UInt32] = []
        for (entry, ngram) in accepted.enumerated() {
            entryOffsets.append(Int32(entryData.count))
            entryData.append(UInt32(ngram.count))
            for word in ngram {
                entryData.append(UInt32(word.count))
                entryData.append(contentsOf: word)
            }
            let index = slot(for: Self.stored(fullKeys[entry]))
            let previous = slots[index].value & ~Self.prefixBit
            entryNext.append(Int32(previous) - 1)
            slots[index].value = (slots[index].value & Self.prefixBit) | UInt32(entry + 1)
        }
        self.maxWords = accepted.map(\.count).max() ?? 0
        self.count = accepted.count
        self.slots = slots
        self.slotMask = slotMask
        self.entryOffsets = entryOffsets
        self.entryNext = entryNext
        self.entryData = entryData
    }

    /// Appends every listed n-gram found among adjacent words, by first word, then by length.
    /// - Parameters:
    ///   - tokens: The sequence's token ids.
    ///   - flags: Unused: n-grams may cross sentence starts.
    ///   - wordStarts: The first token of each word.
    ///   - wordEnds: One past the last token of each word.
    ///   - matches: Where to append.
    public func appendMatches(
        tokens: UnsafeBufferPointer<UInt32>,
        flags: UnsafeBufferPointer<UInt8>,
        wordStarts: UnsafeBufferPointer<Int32>,
        wordEnds: UnsafeBufferPointer<Int32>,
        to matches: inout [UnitMatch]
    ) {
        guard maxWords >= 2 else { return }
        let wordCount = wordStarts.count
        withUnsafeTemporaryAllocation(of: Slot.self, capacity: wordCount) { firstWords in
            // Pass 1: every word's own key and slot value. The lookups are independent, so their cache misses
            // overlap instead of waiting one after the other.
            for word in 0..<wordCount {
                var key = Self.start
                for position in Int(wordStarts[word])..<Int(wordEnds[word]) { key = Self.add(key, tokens[position]) }
                key = Self.endWord(key)
                firstWords[word] = Slot(key: key, value: lookup(Self.stored(key)))
            }
            // Pass 2: extend from the words that start some n-gram.
            for first in 0..<wordCount where firstWords[first].value & Self.prefixBit != 0 {
                var key = firstWords[first].key
                var last = first + 1
                while last < wordCount, last - first < maxWords {
                    if wordEnds[last - 1] != wordStarts[last] { break }
                    for position in Int(wordStarts[last])..<Int(wordEnds[last]) {
                        key = Self.add(key, tokens[position])
                    }
                    key = Self.endWord(key)
                    let value = lookup(Self.stored(key))
                    if value & ~Self.prefixBit != 0,
                        verify(value, first: first, words: last - first + 1, tokens, wordStarts, wordEnds)
                    {
                        matches.append(UnitMatch(firstWord: Int32(first), wordCount: Int32(last - first + 1)))
                    }
                    guard value & Self.prefixBit != 0 else { break }
                    last += 1
                }
            }
        }
    }

    @inline(__always)
    private func lookup(_ key: UInt64) -> UInt32 {
        var slot = Int(truncatingIfNeeded: key) & slotMask
        while true {
            let stored = slots[slot]
            if stored.key == key { return stored.value }
            if stored.key == 0 { return 0 }
            slot = (slot + 1) & slotMask
        }
    }

    /// Whether one of the entries chained from `value` spells words first..<first+words.
    private func verify(
        _ value: UInt32,
        first: Int,
        words: Int,
        _ tokens: UnsafeBufferPointer<UInt32>,
        _ wordStarts: UnsafeBufferPointer<Int32>,
        _ wordEnds: UnsafeBufferPointer<Int32>
    ) -> Bool {
        var entry = Int(value & ~Self.prefixBit) - 1
        entries: while entry >= 0 {
            defer { entry = Int(entryNext[entry]) }
            var offset = Int(entryOffsets[entry])
            guard Int(entryData[offset]) == words else { continue }
            offset += 1
            for word in first..<(first + words) {
                let start = Int(wordStarts[word])
                let length = Int(wordEnds[word]) - start
                guard Int(entryData[offset]) == length else { continue entries }
                for k in 0..<length where entryData[offset + 1 + k] != tokens[start + k] { continue entries }
                offset += 1 + length
            }
            return true
        }
        return false
    }

    private static let start: UInt64 = 0x6E67_7261_6D73_6574

    @inline(__always)
    private static func add(_ key: UInt64, _ id: UInt32) -> UInt64 {
        ((key ^ UInt64(id)) &* 0x9E37_79B9_7F4A_7C15).rotatedLeft(by: 29)
    }

    @inline(__always)
    private static func endWord(_ key: UInt64) -> UInt64 { CounterRandom.mix(key ^ 0xFFFF_FFFF_FFFF) }

    @inline(__always)
    private static func stored(_ key: UInt64) -> UInt64 { key == 0 ? 1 : key }
}

extension UInt64 {
    /// The bits rotated left by `count` (0 < count < 64).
    @inline(__always)
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
