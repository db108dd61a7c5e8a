import MLMCore

/// The words of one store record, grouped into segments (documents or sentences) that n-grams may not cross.
///
/// A word is the run of tokens from a word-start token (flag bit 0) to the next word start, the segment end or
/// the document end. A document start always starts a word and a segment; with ``SegmentScope/sentence`` every
/// sentence start (flag bit 1) starts a segment too.
///
/// For segment `s`, ``bounds`` holds, from ``segmentStarts``[s], the first token of each of its words and then
/// the token just past its last word, so word `i` spans `bounds[start + i] ..< bounds[start + i + 1]`.
/// The buffers are reused from record to record.
public struct WordSegments: Sendable {
    /// Word starts of every segment, each segment followed by its end.
    public private(set) var bounds: [Int32] = []
    /// Per segment: where its entries begin in ``bounds``.
    public private(set) var segmentStarts: [Int] = []
    /// Per segment: its number of words.
    public private(set) var segmentWordCounts: [Int] = []

    /// Creates empty buffers.
    public init() {}

    /// The number of segments.
    public var count: Int { segmentStarts.count }

    /// Splits a record.
    /// - Parameters:
    ///   - flags: One flag byte per token.
    ///   - documentOffsets: Document boundaries (documents + 1 entries, from 0 to the token count).
    ///   - scope: Whether sentences end segments.
    public mutating func split(flags: UnsafeBufferPointer<UInt8>, documentOffsets: [Int], scope: SegmentScope) {
        bounds.removeAll(keepingCapacity: true)
        segmentStarts.removeAll(keepingCapacity: true)
        segmentWordCounts.removeAll(keepingCapacity: true)
        let sentenceBit: UInt8 = scope == .sentence ? TokenFlags.sentenceStart.rawValue : 0
        var document = 0
        while document + 1 < documentOffsets.count {
            let start = documentOffsets[document]
            let end = documentOffsets[document + 1]
            document += 1
            guard start < end else { continue }
            var segmentStart = bounds.count
            segmentStarts.append(segmentStart)
            bounds.append(Int32(start))
            var position = start + 1
            while position < end {
                let flag = flags[position]
                if flag & sentenceBit != 0 {
                    bounds.append(Int32(position))
                    segmentWordCounts.append(bounds.count - 1 - segmentStart)
                    segmentStart = bounds.count
                    segmentStarts.append(segmentStart)
                    bounds.append(Int32(position))
                } else if flag & TokenFlags.wordStart.rawValue != 0 {
                    bounds.append(Int32(position))
                }
                position += 1
            }
            bounds.append(Int32(end))
            segmentWordCounts.append(bounds.count - 1 - segmentStart)
        }
    }
}
