import CICUShim

/// Splits UTF-8 text into sentences with ICU's sentence break iterator (`ubrk_open(UBRK_SENTENCE, …)`).
///
/// ICU works on UTF-16, so the text is converted once and boundaries are mapped back to UTF-8 byte
/// offsets. Invalid UTF-8 is converted to U+FFFD for ICU; boundaries still fall on the original bytes.
/// One breaker owns one ICU iterator and is not `Sendable`: give each worker its own.
///
/// Complexity: O(n) in the text length.
public final class SentenceBreaker {
    private let iterator: OpaquePointer
    private var utf16 = UTF16Text()

    /// Opens an iterator.
    /// - Parameter locale: An ICU locale name; the root locale's rules suit most languages.
    /// - Throws: ``ICUError`` when ICU cannot open the iterator (missing data).
    public init(locale: String = "") throws(ICUError) {
        var status: Int32 = 0
        let opened = cicu_break_iterator_open(0, locale, &status)
        guard let opened, cicu_is_failure(status) == 0 else {
            throw ICUError(status, doing: "opening the ICU sentence break iterator")
        }
        iterator = opened
    }

    deinit { cicu_break_iterator_close(iterator) }

    /// The byte offsets where sentences end (the last one is `text.count`).
    /// - Parameter text: UTF-8 bytes.
    /// - Returns: Increasing end offsets; empty for empty text.
    /// - Throws: ``ICUError`` when ICU fails.
    public func sentenceEnds(_ text: UnsafeBufferPointer<UInt8>) throws(ICUError) -> [Int] {
        guard !text.isEmpty else { return [] }
        utf16.convert(text)
        var status: Int32 = 0
        utf16.units.withUnsafeBufferPointer { units in
            cicu_break_iterator_set_text(iterator, units.baseAddress, Int32(units.count), &status)
        }
        if cicu_is_failure(status) != 0 { throw ICUError(status, doing: "setting text for sentence breaking") }
        var ends: [Int] = []
        _ = cicu_break_iterator_first(iterator)
        while true {
            let boundary = cicu_break_iterator_next(iterator)
            if boundary < 0 { break }
            ends.append(utf16.byteOffsets[Int(boundary)])
        }
        if ends.last != text.count { ends.append(text.count) }
        return ends
    }
}
