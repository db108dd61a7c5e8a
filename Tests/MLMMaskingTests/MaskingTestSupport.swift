import MLMCore
import MLMMasking

/// Synthetic packed sequences and statistics helpers for the masking tests.
enum Synthetic {
    static let pad: UInt32 = 0
    static let cls: UInt32 = 2
    static let sep: UInt32 = 3
    static let maskID: UInt32 = 4
    /// Non-special ids: 5..<1005.
    static let randomIDs = Array(UInt32(5)..<1005)
    static let vocabulary = MaskingVocabulary(maskID: maskID, randomIDs: randomIDs)

    /// One packed sequence of exactly `length` tokens: `[CLS]`, sentences of 4–12 words of 1–4 tokens,
    /// `[SEP]` at the end, and for odd indices a second `[SEP]` near the middle (an A/B pair).
    /// - Returns: token ids and flags.
    static func sequence(length: Int, index: UInt64, seed: UInt64 = 7) -> (tokens: [UInt32], flags: [UInt8]) {
        var random = CounterRandom(seed: seed, index: index, stream: 99)
        var tokens: [UInt32] = [cls]
        var flags: [UInt8] = [TokenFlags.special.rawValue | TokenFlags.wordStart.rawValue]
        let middle = index % 2 == 1 ? length / 2 : -1
        var wordsLeftInSentence = 0
        while tokens.count < length - 1 {
            if tokens.count == middle {
                tokens.append(sep)
                flags.append(TokenFlags.special.rawValue | TokenFlags.wordStart.rawValue)
                wordsLeftInSentence = 0
                continue
            }
            var flag = TokenFlags.wordStart.rawValue
            if wordsLeftInSentence == 0 {
                wordsLeftInSentence = 4 + random.below(9)
                flag |= TokenFlags.sentenceStart.rawValue
            }
            wordsLeftInSentence -= 1
            let wordLength = 1 + random.below(4)
            for k in 0..<wordLength where tokens.count < length - 1 && tokens.count != middle {
                tokens.append(UInt32(5 + random.below(1000)))
                flags.append(k == 0 ? flag : 0)
            }
        }
        tokens.append(sep)
        flags.append(TokenFlags.special.rawValue | TokenFlags.wordStart.rawValue)
        return (tokens, flags)
    }

    /// The words of a sequence as ranges (runs of candidates starting at a word start, a special or the start).
    static func words(_ flags: [UInt8]) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var start = -1
        for (position, flag) in flags.enumerated() {
            if flag & TokenFlags.special.rawValue != 0 {
                if start >= 0 { words.append(start..<position) }
                start = -1
            } else if start < 0 {
                start = position
            } else if flag & TokenFlags.wordStart.rawValue != 0 {
                words.append(start..<position)
                start = position
            }
        }
        if start >= 0 { words.append(start..<flags.count) }
        return words
    }

    /// Candidates of a sequence.
    static func candidates(_ flags: [UInt8]) -> Int { flags.count { $0 & TokenFlags.special.rawValue == 0 } }
}

/// Normal-approximation tolerances.
enum Tolerance {
    /// Standard deviation of a binomial count.
    static func binomialSigma(trials: Int, p: Double) -> Double { (Double(trials) * p * (1 - p)).squareRoot() }

    /// The chi-square critical value with `degrees` degrees of freedom at the one-sided normal quantile `z`
    /// (Wilson–Hilferty), about α = 3·10⁻⁵ for z = 4.
    static func chiSquareCritical(degrees: Int, z: Double = 4) -> Double {
        let k = Double(degrees)
        let a = 2 / (9 * k)
        let root = 1 - a + z * a.squareRoot()
        return k * root * root * root
    }

    /// Pearson's chi-square statistic.
    static func chiSquare(observed: [Int], expected: [Double]) -> Double {
        zip(observed, expected).reduce(0) { sum, pair in
            let difference = Double(pair.0) - pair.1
            return sum + difference * difference / pair.1
        }
    }
}
