import MLMCore
import MLMTokenizer
import MLMUnicode

/// Encodes text so that the ideographs of a CJK run form ICU dictionary words (`tokenize --cjk-words icu`).
///
/// BERT's normalizer puts spaces around every CJK ideograph (`handle_chinese_chars`), so each one is a word and a
/// token of its own, and cutting the text at the edges of ideograph runs changes no id. The grouper encodes the
/// text between runs and each run separately, then clears ``MLMCore/TokenFlags/wordStart`` on every ideograph that
/// is not at an ICU word boundary. The ideograph ranges are `_is_chinese_char`'s (BERT's tokenization.py).
/// Kana and Hangul are not ideographs: BERT keeps their runs as ordinary words, and so does the grouper.
final class CJKWordGrouper {
    private let breaker: WordBreaker

    init() throws(ICUError) { breaker = try WordBreaker() }

    /// Whether a scalar is an ideograph of `_is_chinese_char`.
    static func isIdeograph(_ value: UInt32) -> Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }

    /// The ideograph runs of `text`: for each, the byte offsets of its scalars and its end.
    static func ideographRuns(_ text: UnsafeBufferPointer<UInt8>) -> [[Int]] {
        var runs: [[Int]] = []
        var current: [Int] = []
        var index = 0
        while index < text.count {
            var decoder = UTF8()
            var iterator = text[index...].makeIterator()
            var length = 1
            var ideograph = false
            if case .scalarValue(let scalar) = decoder.decode(&iterator) {
                length = scalar.utf8.count
                ideograph = isIdeograph(scalar.value)
            }
            if ideograph {
                current.append(index)
            } else if !current.isEmpty {
                current.append(index)
                runs.append(current)
                current = []
            }
            index += length
        }
        if !current.isEmpty {
            current.append(text.count)
            runs.append(current)
        }
        return runs
    }

    /// Encodes `text` with `encoder` as ``BertEncoder/encode(_:sentenceStart:)`` does, grouping ideograph runs.
    func encode(
        _ text: UnsafeBufferPointer<UInt8>, with encoder: BertEncoder, sentenceStart: Bool
    ) throws(ICUError) -> BertEncoder.InputReport {
        let runs = Self.ideographRuns(text)
        guard !runs.isEmpty else { return encoder.encode(text, sentenceStart: sentenceStart) }
        let boundaries = Set(try breaker.boundaries(text))
        var report = BertEncoder.InputReport()
        var needsStart = sentenceStart
        var position = 0
        func encodePart(_ range: Range<Int>) -> Int {
            let before = encoder.ids.count
            let part = encoder.encode(UnsafeBufferPointer(rebasing: text[range]), sentenceStart: needsStart)
            if part.invalidSequences > 0 {
                if report.firstInvalidOffset == nil { report.firstInvalidOffset = part.firstInvalidOffset.map { $0 + range.lowerBound } }
                report.invalidSequences += part.invalidSequences
            }
            if encoder.ids.count > before { needsStart = false }
            return before
        }
        for run in runs {
            _ = encodePart(position..<run[0])
            let first = encodePart(run[0]..<run[run.count - 1])
            position = run[run.count - 1]
            // One token per ideograph, always; anything else leaves BERT's flags untouched.
            guard encoder.ids.count - first == run.count - 1 else { continue }
            for character in 1..<(run.count - 1) where !boundaries.contains(run[character]) {
                let token = first + character
                if encoder.flags[token] & TokenFlags.wordStart.rawValue != 0 {
                    encoder.flags[token] &= ~TokenFlags.wordStart.rawValue
                    encoder.wordCount -= 1
                }
            }
        }
        _ = encodePart(position..<text.count)
        return report
    }
}
