import CICUShim

/// Finds word boundaries in UTF-8 text with ICU's word break iterator (`ubrk_open(UBRK_WORD, …)`), which segments
/// Chinese, Japanese, Thai, Lao, Khmer and Burmese runs into dictionary words.
///
/// One breaker owns one ICU iterator and is not `Sendable`: give each worker its own.
///
/// ```swift
/// let breaker = try WordBreaker()
/// let boundaries = try breaker.boundaries(textBytes)   // UTF-8 offsets, 0 and text.count included
/// ```
/// Complexity: O(n) in the text length.
public final class WordBreaker {
    private let iterator: OpaquePointer
    private var utf16 = UTF16Text()

    /// Opens an iterator.
    /// - Parameter locale: An ICU locale name; the root locale's dictionaries cover every language ICU segments.
    /// - Throws: ``ICUError`` when ICU cannot open the iterator (missing data).
    public init(locale: String = "") throws(ICUError) {
        var status: Int32 = 0
        let opened = cicu_break_iterator_open(1, locale, &status)
        guard let opened, cicu_is_failure(status) == 0 else {
            throw ICUError(status, doing: "opening the ICU word break iterator")
        }
        iterator = opened
    }

    deinit { cicu_break_iterator_close(iterator) }

    /// Every word boundary as a UTF-8 byte offset, increasing, from 0 to `text.count`.
    /// - Parameter text: UTF-8 bytes.
    /// - Returns: The boundaries; empty for empty text.
    /// - Throws: ``ICUError`` when ICU fails.
    public func boundaries(_ text: UnsafeBufferPointer<UInt8>) throws(ICUError) -> [Int] {
        guard !text.isEmpty else { return [] }
        utf16.convert(text)
        var status: Int32 = 0
        utf16.units.withUnsafeBufferPointer { units in
            cicu_break_iterator_set_text(iterator, units.baseAddress, Int32(units.count), &status)
        }
        if cicu_is_failure(status) != 0 { throw ICUError(status, doing: "setting text for word breaking") }
        var result = [utf16.byteOffsets[Int(cicu_break_iterator_first(iterator))]]
        while true {
            let boundary = cicu_break_iterator_next(iterator)
            if boundary < 0 { break }
            result.append(utf16.byteOffsets[Int(boundary)])
        }
        return result
    }
}
