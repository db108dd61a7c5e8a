import MLMCore

/// Turns UTF-8 text into WordPiece ids exactly as Hugging Face `tokenizers` `BertWordPieceTokenizer` does,
/// in one pass over the bytes: special-token split → BERT normalizer → BERT pre-tokenizer → WordPiece.
///
/// The stages are fused for speed, but each keeps the reference's meaning:
/// - special tokens (`[CLS]`, …) are matched in the raw text first, longest match at the leftmost place;
/// - `clean_text` drops control characters and U+FFFD (invalid UTF-8 is read as U+FFFD, so it vanishes);
/// - `handle_chinese_chars` isolates CJK ideographs;
/// - `strip_accents` applies NFD (with canonical reordering of combining marks) and drops non-spacing marks;
/// - `lowercase` lower-cases per character;
/// - the pre-tokenizer splits at white space and isolates punctuation; each piece is a *word*;
/// - WordPiece: greedy longest match with the `##` prefix after the first piece; a word longer than
///   `max_input_chars_per_word` characters, or one that cannot be covered, becomes one unknown token.
///
/// An encoder keeps scratch buffers and is not `Sendable`: give each worker thread its own.
///
/// ```swift
/// let encoder = BertEncoder(vocabulary: vocab, tables: tables, settings: TokenizerSettings())
/// encoder.encode(bytes, sentenceStart: true)
/// print(encoder.ids, encoder.flags)
/// ```
/// Complexity: O(n) in the input bytes, times the length of the longest vocabulary piece.
public final class BertEncoder {
    /// The vocabulary.
    public let vocabulary: Vocabulary
    /// The settings.
    public let settings: TokenizerSettings
    /// Ids produced so far (append-only; clear with ``reset()``).
    public var ids: [UInt32] = []
    /// One ``MLMCore/TokenFlags`` byte per id (word start, sentence start).
    public var flags: [UInt8] = []
    /// Unknown tokens produced so far.
    public var unknownCount = 0
    /// Words produced so far.
    public var wordCount = 0

    private let tables: BertCharacterTables
    private let properties: UnsafeMutablePointer<UInt8>  // a copy of tables.properties, 0x110000 bytes
    private let asciiClass: UnsafeMutablePointer<UInt8>  // 0 word, 1 white space, 2 removed, 3 punctuation
    private let asciiMap: UnsafeMutablePointer<UInt8>
    private let specialFirstByte: UnsafeMutablePointer<Bool>
    private let wordStarts: ByteKeyTable
    private let continuations: ByteKeyTable
    private let wordStartsLongest: Int
    private let continuationsLongest: Int
    private let strip: Bool
    private let lowercase: Bool
    private let cleanText: Bool
    private let chinese: Bool
    private let maxChars: Int
    private let unknownID: UInt32

    private let word: UnsafeMutablePointer<UInt8>
    private let wordCapacity: Int
    private var wordLength = 0
    private var wordChars = 0
    private var pending: [UInt32] = []
    private var carryFlags: UInt8 = 0

    /// Word mode (``BertEncoder/init(wordsWith:settings:)``): normalized words go to ``words``, not WordPiece.
    let collectsWords: Bool
    /// In word mode, the normalized, pre-tokenized words' UTF-8 bytes, back to back.
    public internal(set) var words: [UInt8] = []
    /// In word mode, the end offset in ``words`` of each word.
    public internal(set) var wordEnds: [Int] = []

    /// Creates an encoder.
    /// - Parameters:
    ///   - vocabulary: The WordPiece vocabulary.
    ///   - tables: The character tables (build once, share between encoders).
    ///   - settings: Normalizer flags and the word limit.
    public convenience init(vocabulary: Vocabulary, tables: BertCharacterTables, settings: TokenizerSettings) {
        self.init(vocabulary: vocabulary, tables: tables, settings: settings, collectsWords: false)
    }

    init(vocabulary: Vocabulary, tables: BertCharacterTables, settings: TokenizerSettings, collectsWords: Bool) {
        self.collectsWords = collectsWords
        self.vocabulary = vocabulary
        self.tables = tables
        self.settings = settings
        self.properties = .allocate(capacity: tables.properties.count)
        self.properties.initialize(from: tables.properties, count: tables.properties.count)
        self.wordStarts = vocabulary.wordStarts
        self.continuations = vocabulary.continuations
        self.wordStartsLongest = vocabulary.wordStarts.longestKey
        self.continuationsLongest = vocabulary.continuations.longestKey
        self.strip = settings.normalizer.stripsAccents
        self.lowercase = settings.normalizer.lowercase
        self.cleanText = settings.normalizer.cleanText
        self.chinese = settings.normalizer.handleChineseChars
        self.maxChars = settings.maxInputCharsPerWord
        self.unknownID = UInt32(vocabulary.unknownID)
        var classes = [UInt8](repeating: 0, count: 128)
        var map = [UInt8](repeating: 0, count: 128)
        for byte in 0..<128 {
            let property = tables.properties[byte]
            map[byte] = UInt8(byte)
            if settings.normalizer.cleanText && property & BertCharacterTables.Bit.removed != 0 {
                classes[byte] = 2
            } else if property & BertCharacterTables.Bit.whitespace != 0 {
                classes[byte] = 1
            } else if property & BertCharacterTables.Bit.punctuation != 0 {
                classes[byte] = 3
            }
            if settings.normalizer.lowercase, let range = tables.lowercases[UInt32(byte)], range.count == 1 {
                map[byte] = UInt8(truncatingIfNeeded: tables.mappingStorage[range.lowerBound])
            }
        }
        self.asciiClass = .allocate(capacity: 128)
        self.asciiClass.initialize(from: classes, count: 128)
        self.asciiMap = .allocate(capacity: 128)
        self.asciiMap.initialize(from: map, count: 128)
        self.specialFirstByte = .allocate(capacity: 256)
        self.specialFirstByte.initialize(repeating: false, count: 256)
        for special in vocabulary.specialTokens where !special.text.isEmpty {
            self.specialFirstByte[Int(special.text[0])] = true
        }
        // A word that can still be looked up holds at most maxChars characters, each at most 4 bytes,
        // times 3 for lower-case expansions; longer words only count characters.
        self.wordCapacity = min(max(settings.maxInputCharsPerWord, 1), 1 << 20) * 12 + 16
        self.word = UnsafeMutablePointer<UInt8>.allocate(capacity: wordCapacity)
        self.pending.reserveCapacity(32)
    }

    deinit {
        word.deallocate()
        properties.deallocate()
        asciiClass.deallocate()
        asciiMap.deallocate()
        specialFirstByte.deallocate()
    }

    /// Clears the produced ids, flags and counters (keeping capacity).
    public func reset() {
        ids.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        unknownCount = 0
        wordCount = 0
    }

    /// What ``encode(_:sentenceStart:)`` found in the bytes besides tokens.
    public struct InputReport: Sendable {
        /// Invalid UTF-8 sequences (each maximal invalid subpart counts once, as Python's "replace" does).
        public var invalidSequences = 0
        /// The byte offset of the first invalid sequence, if any.
        public var firstInvalidOffset: Int?

        /// An empty report.
        public init() {}
    }

    /// Encodes one piece of text (a sentence), appending to ``ids`` and ``flags``.
    /// - Parameters:
    ///   - text: UTF-8 bytes; invalid sequences are read as U+FFFD (which `clean_text` removes).
    ///   - sentenceStart: Mark the first token produced with ``MLMCore/TokenFlags/sentenceStart``.
    /// - Returns: Invalid UTF-8 found in the text.
    @discardableResult
    public func encode(_ text: UnsafeBufferPointer<UInt8>, sentenceStart: Bool = false) -> InputReport {
        var report = InputReport()
        carryFlags = sentenceStart ? TokenFlags.sentenceStart.rawValue : 0
        guard let base = text.baseAddress else { return report }
        let count = text.count
        var index = 0
        let classes = asciiClass
        let map = asciiMap
        do {
            do {
                while index < count {
                    let byte = base[index]
                    if specialFirstByte[Int(byte)], let length = matchSpecial(base + index, count - index) {
                        index += length
                        continue
                    }
                    if byte < 0x80 {
                        switch classes[Int(byte)] {
                        case 0:
                            if !pending.isEmpty { flushPending() }
                            if wordLength < wordCapacity {
                                word[wordLength] = map[Int(byte)]
                                wordLength += 1
                            }
                            wordChars += 1
                        case 1:
                            if !pending.isEmpty { flushPending() }
                            finishWord()
                        case 2:
                            break
                        default:
                            if !pending.isEmpty { flushPending() }
                            finishWord()
                            appendScalar(UInt32(map[Int(byte)]))
                            finishWord()
                        }
                        index += 1
                        continue
                    }
                    // Multi-byte: decode and validate (maximal subparts of invalid sequences, as Unicode §3.9).
                    var scalar: UInt32 = 0
                    var length = 0
                    var valid = false
                    let remaining = count - index
                    if byte >= 0xC2 && byte < 0xE0 {
                        if remaining >= 2 && base[index + 1] & 0xC0 == 0x80 {
                            scalar = UInt32(byte & 0x1F) << 6 | UInt32(base[index + 1] & 0x3F)
                            length = 2
                            valid = true
                        } else {
                            length = 1
                        }
                    } else if byte >= 0xE0 && byte < 0xF0 {
                        let low: UInt8 = byte == 0xE0 ? 0xA0 : 0x80
                        let high: UInt8 = byte == 0xED ? 0x9F : 0xBF
                        if remaining >= 2 && base[index + 1] >= low && base[index + 1] <= high {
                            if remaining >= 3 && base[index + 2] & 0xC0 == 0x80 {
                                scalar =
                                    UInt32(byte & 0x0F) << 12 | UInt32(base[index + 1] & 0x3F) << 6
                                    | UInt32(base[index + 2] & 0x3F)
                                length = 3
                                valid = true
                            } else {
                                length = 2
                            }
                        } else {
                            length = 1
                        }
                    } else if byte >= 0xF0 && byte < 0xF5 {
                        let low: UInt8 = byte == 0xF0 ? 0x90 : 0x80
                        let high: UInt8 = byte == 0xF4 ? 0x8F : 0xBF
                        if remaining >= 2 && base[index + 1] >= low && base[index + 1] <= high {
                            if remaining >= 3 && base[index + 2] & 0xC0 == 0x80 {
                                if remaining >= 4 && base[index + 3] & 0xC0 == 0x80 {
                                    scalar =
                                        UInt32(byte & 0x07) << 18 | UInt32(base[index + 1] & 0x3F) << 12
                                        | UInt32(base[index + 2] & 0x3F) << 6 | UInt32(base[index + 3] & 0x3F)
                                    length = 4
                                    valid = true
                                } else {
                                    length = 3
                                }
                            } else {
                                length = 2
                            }
                        } else {
                            length = 1
                        }
                    } else {
                        length = 1
                    }
                    if !valid {
                        if report.firstInvalidOffset == nil { report.firstInvalidOffset = index }
                        report.invalidSequences += 1
                        index += length
                        handleScalar(0xFFFD, properties[0xFFFD])
                        continue
                    }
                    let property = properties[Int(scalar)]
                    if property == 0 {
                        // A plain character: copy its bytes.
                        if !pending.isEmpty { flushPending() }
                        if wordLength + length <= wordCapacity {
                            for offset in 0..<length { word[wordLength + offset] = base[index + offset] }
                            wordLength += length
                        }
                        wordChars += 1
                    } else {
                        handleScalar(scalar, property)
                    }
                    index += length
                }
            }
        }
        flushPending()
        finishWord()
        carryFlags = 0
        return report
    }

    // MARK: - Special tokens

    @inline(__always)
    private func matchSpecial(_ start: UnsafePointer<UInt8>, _ available: Int) -> Int? {
        for special in vocabulary.specialTokens where special.text.count <= available {
            var matches = true
            for offset in 0..<special.text.count where start[offset] != special.text[offset] {
                matches = false
                break
            }
            if matches {
                flushPending()
                finishWord()
                emit(UInt32(special.id), wordStart: true)
                wordCount += 1
                return special.text.count
            }
        }
        return nil
    }

    // MARK: - Normalizer

    /// Handles a scalar that has some property bit set (or U+FFFD for invalid input).
    private func handleScalar(_ scalar: UInt32, _ property: UInt8) {
        typealias Bit = BertCharacterTables.Bit
        if cleanText && property & Bit.removed != 0 { return }
        if property & Bit.whitespace != 0 {
            flushPending()
            finishWord()
            return
        }
        if chinese && property & Bit.chinese != 0 {
            flushPending()
            finishWord()
            normalize(scalar, property)
            flushPending()
            finishWord()
            return
        }
        normalize(scalar, property)
    }

    /// Strip accents (NFD) and lower-case one input scalar.
    @inline(__always)
    private func normalize(_ scalar: UInt32, _ property: UInt8) {
        guard strip else {
            lowerAndClassify(scalar, property)
            return
        }
        if scalar >= 0xAC00 && scalar <= 0xD7A3 {
            // Hangul syllables decompose algorithmically into two or three jamo (all starters).
            let index = scalar - 0xAC00
            let lead = 0x1100 + index / 588
            let vowel = 0x1161 + (index % 588) / 28
            let trail = index % 28
            decomposed(lead)
            decomposed(vowel)
            if trail != 0 { decomposed(0x11A7 + trail) }
            return
        }
        if property & BertCharacterTables.Bit.decomposes != 0, let range = tables.decompositions[scalar] {
            for position in range { decomposed(tables.mappingStorage[position]) }
        } else {
            decomposed(scalar)
        }
    }

    /// Receives the NFD stream: non-starters wait for canonical reordering, starters flush them.
    @inline(__always)
    private func decomposed(_ scalar: UInt32) {
        let property = properties[Int(scalar)]
        if property & BertCharacterTables.Bit.combining != 0 {
            pending.append(scalar)
            return
        }
        flushPending()
        afterDecomposition(scalar, property)
    }

    private func flushPending() {
        guard !pending.isEmpty else { return }
        if pending.count > 1 {
            // Stable insertion sort by canonical combining class.
            let classes = tables.combiningClass
            for i in 1..<pending.count {
                let value = pending[i]
                let key = classes[Int(value)]
                var j = i - 1
                while j >= 0 && classes[Int(pending[j])] > key {
                    pending[j + 1] = pending[j]
                    j -= 1
                }
                pending[j + 1] = value
            }
        }
        for scalar in pending { afterDecomposition(scalar, properties[Int(scalar)]) }
        pending.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private func afterDecomposition(_ scalar: UInt32, _ property: UInt8) {
        if property & BertCharacterTables.Bit.nonspacingMark != 0 { return }
        lowerAndClassify(scalar, property)
    }

    @inline(__always)
    private func lowerAndClassify(_ scalar: UInt32, _ property: UInt8) {
        if lowercase && property & BertCharacterTables.Bit.lowercases != 0, let range = tables.lowercases[scalar] {
            for position in range {
                let lowered = tables.mappingStorage[position]
                classify(lowered, properties[Int(lowered)])
            }
        } else {
            classify(scalar, property)
        }
    }

    // MARK: - Pre-tokenizer

    @inline(__always)
    private func classify(_ scalar: UInt32, _ property: UInt8) {
        if property & BertCharacterTables.Bit.punctuation != 0 {
            finishWord()
            appendScalar(scalar)
            finishWord()
        } else if property & BertCharacterTables.Bit.whitespace != 0 {
            finishWord()
        } else {
            appendScalar(scalar)
        }
    }

    @inline(__always)
    private func appendScalar(_ scalar: UInt32) {
        wordChars += 1
        if wordLength + 4 > wordCapacity { return }
        switch scalar {
        case 0..<0x80:
            word[wordLength] = UInt8(scalar)
            wordLength += 1
        case 0x80..<0x800:
            word[wordLength] = UInt8(0xC0 | scalar >> 6)
            word[wordLength + 1] = UInt8(0x80 | scalar & 0x3F)
            wordLength += 2
        case 0x800..<0x10000:
            word[wordLength] = UInt8(0xE0 | scalar >> 12)
            word[wordLength + 1] = UInt8(0x80 | (scalar >> 6) & 0x3F)
            word[wordLength + 2] = UInt8(0x80 | scalar & 0x3F)
            wordLength += 3
        default:
            word[wordLength] = UInt8(0xF0 | scalar >> 18)
            word[wordLength + 1] = UInt8(0x80 | (scalar >> 12) & 0x3F)
            word[wordLength + 2] = UInt8(0x80 | (scalar >> 6) & 0x3F)
            word[wordLength + 3] = UInt8(0x80 | scalar & 0x3F)
            wordLength += 4
        }
    }

    // MARK: - WordPiece

    @inline(__always)
    private func emit(_ id: UInt32, wordStart: Bool) {
        ids.append(id)
        flags.append((wordStart ? TokenFlags.wordStart.rawValue : 0) | carryFlags)
        carryFlags = 0
    }

    @inline(__always)
    private func finishWord() {
        guard wordChars > 0 else { return }
        wordCount += 1
        if collectsWords { return collectWord() }
        if wordChars > maxChars {
            emit(unknownID, wordStart: true)
            unknownCount += 1
        } else {
            wordPiece()
        }
        wordLength = 0
        wordChars = 0
    }

    /// Word mode: hands the word's bytes over instead of looking them up.
    private func collectWord() {
        words.append(contentsOf: UnsafeBufferPointer(start: word, count: wordLength))
        wordEnds.append(words.count)
        wordLength = 0
        wordChars = 0
    }

    /// Greedy longest-match-first over the word buffer.
    private func wordPiece() {
        let length = wordLength
        let firstID = ids.count
        let savedFlags = carryFlags
        var start = 0
        while start < length {
            // No local reference to a table: copying the class reference would retain and release a
            // shared object per piece, and those atomic counts contend between worker threads.
            let first = start == 0
            var end = min(length, start + (first ? wordStartsLongest : continuationsLongest))
            // Never cut inside a UTF-8 sequence.
            while end < length && end > start && word[end] & 0xC0 == 0x80 { end -= 1 }
            var found: Int32 = -1
            while end > start {
                found =
                    first
                    ? wordStarts.value(UnsafePointer(word + start), end - start)
                    : continuations.value(UnsafePointer(word + start), end - start)
                if found >= 0 { break }
                end -= 1
                while end > start && word[end] & 0xC0 == 0x80 { end -= 1 }
            }
            if found < 0 {
                ids.removeSubrange(firstID...)
                flags.removeSubrange(firstID...)
                carryFlags = savedFlags
                emit(unknownID, wordStart: true)
                unknownCount += 1
                return
            }
            emit(UInt32(found), wordStart: start == 0)
            start = end
        }
    }
}

extension BertEncoder {
    /// Encodes a string and returns its ids (a convenience for tests and `mlmprep encode`).
    /// - Parameter text: The text.
    /// - Returns: The ids, without `[CLS]`/`[SEP]`.
    public func encode(_ text: String) -> [UInt32] {
        reset()
        var copy = text
        copy.withUTF8 { _ = encode($0) }
        let result = ids
        reset()
        return result
    }
}
