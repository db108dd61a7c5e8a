import MLMCore

extension MaskingPass {
    /// Writes the words of the sequence: maximal runs of candidates that begin at a word-start flag, after a
    /// special token, or at the sequence start. `starts` and `ends` must hold `flags.count` + 1 elements.
    ///
    /// Branch-free: word boundaries are data, so a branch per token would be mispredicted about half the time.
    /// - Returns: The number of words and the number of candidates.
    @inline(__always)
    static func scanWords(
        _ flags: UnsafeBufferPointer<UInt8>,
        starts: UnsafeMutablePointer<Int32>,
        ends: UnsafeMutablePointer<Int32>
    ) -> (words: Int, candidates: Int) {
        var startCount = 0
        var endCount = 0
        var candidates = 0
        var previous = 0  // 1 when the previous token is a candidate
        for position in 0..<flags.count {
            let flag = Int(flags[position])
            let candidate = 1 &- ((flag >> Int(TokenFlags.specialShift)) & 1)
            let wordStart = flag & Int(TokenFlags.wordStart.rawValue)
            let isStart = candidate & (wordStart | (1 ^ previous))
            let isEnd = previous & ((1 ^ candidate) | wordStart)
            starts[startCount] = Int32(truncatingIfNeeded: position)
            ends[endCount] = Int32(truncatingIfNeeded: position)
            startCount &+= isStart
            endCount &+= isEnd
            candidates &+= candidate
            previous = candidate
        }
        ends[endCount] = Int32(truncatingIfNeeded: flags.count)
        endCount &+= previous
        return (startCount, candidates)
    }

    /// Makes every candidate token a unit.
    /// - Returns: The number of candidates.
    mutating func buildTokenUnits() -> Int {
        var count = 0
        for position in 0..<flags.count {
            units[count] = UnitRange(
                start: Int32(truncatingIfNeeded: position),
                end: Int32(truncatingIfNeeded: position + 1)
            )
            count &+= 1 &- ((Int(flags[position]) >> Int(TokenFlags.specialShift)) & 1)
        }
        unitCount = count
        return count
    }

    /// Finds the words (`wordStarts`, `wordEnds`, `wordCount`).
    /// - Returns: The number of candidates.
    mutating func buildWords() -> Int {
        let (words, candidates) = Self.scanWords(flags, starts: wordStarts, ends: wordEnds)
        wordCount = words
        return candidates
    }

    /// Makes every word a unit.
    /// - Returns: The number of candidates.
    mutating func buildWordUnits() -> Int {
        let candidates = buildWords()
        for word in 0..<wordCount { units[word] = UnitRange(start: wordStarts[word], end: wordEnds[word]) }
        unitCount = wordCount
        return candidates
    }

    /// Makes the PMI units from the words (call ``buildWords()`` first).
    ///
    /// The matcher's n-grams are checked (at least 2 words, inside the sequence, no special token between
    /// two of their words), ordered longest first (ties in the matcher's order), and each group of equal length
    /// is shuffled (Fisher–Yates) and taken greedily when none of its words is covered yet. Every word left
    /// uncovered becomes a unit of its own. Units are listed in sequence order.
    mutating func buildPMIUnits(matcher: any UnitMatcher) {
        let wordCount = self.wordCount
        var matches = [UnitMatch]()
        swap(&matches, &scratch.matches)
        matches.removeAll(keepingCapacity: true)
        matcher.appendMatches(
            tokens: tokens,
            flags: flags,
            wordStarts: UnsafeBufferPointer(start: wordStarts, count: wordCount),
            wordEnds: UnsafeBufferPointer(start: wordEnds, count: wordCount),
            to: &matches
        )
        scratch.reserve(matches: matches.count)
        let sorted = scratch.sortedMatches
        let lengthCounts = scratch.lengthCounts
        let kept = matches.withUnsafeMutableBufferPointer { matches -> Int in
            // Keep the valid matches, in the matcher's order.
            var kept = 0
            var longest = 0
            for match in matches {
                let first = Int(match.firstWord)
                let count = Int(match.wordCount)
                guard count >= 2, first >= 0, count <= wordCount, first <= wordCount - count else { continue }
                var adjacent = true
                for word in first..<(first + count - 1) where wordEnds[word] != wordStarts[word + 1] {
                    adjacent = false
                    break
                }
                guard adjacent else { continue }
                matches[kept] = match
                kept += 1
                longest = max(longest, count)
            }
            // Counting sort by length, longest first, stable.
            lengthCounts.update(repeating: 0, count: longest + 1)
            for index in 0..<kept { lengthCounts[Int(matches[index].wordCount)] += 1 }
            var offset: Int32 = 0
            for length in stride(from: longest, through: 2, by: -1) {
                let count = lengthCounts[length]
                lengthCounts[length] = offset
                offset += count
            }
            for index in 0..<kept {
                let length = Int(matches[index].wordCount)
                sorted[Int(lengthCounts[length])] = matches[index]
                lengthCounts[length] += 1
            }
            return kept
        }
        swap(&matches, &scratch.matches)
        // Resolve: marks[w] = −1 free, n ≥ 2 the first word of an accepted n-gram, 0 covered.
        marks.update(repeating: -1, count: wordCount)
        var groupStart = 0
        while groupStart < kept {
            let length = sorted[groupStart].wordCount
            var groupEnd = groupStart + 1
            while groupEnd < kept, sorted[groupEnd].wordCount == length { groupEnd += 1 }
            for index in groupStart..<groupEnd {
                let other = index + random.below(groupEnd - index)
                if other != index { swap(&sorted[index], &sorted[other]) }
                let first = Int(sorted[index].firstWord)
                let last = first + Int(length)
                var free = true
                for word in first..<last where marks[word] != -1 {
                    free = false
                    break
                }
                guard free else { continue }
                marks[first] = length
                for word in (first + 1)..<last { marks[word] = 0 }
            }
            groupStart = groupEnd
        }
        // Units in sequence order.
        var count = 0
        var word = 0
        while word < wordCount {
            let mark = Int(marks[word])
            let last = mark >= 2 ? word + mark - 1 : word
            units[count] = UnitRange(start: wordStarts[word], end: wordEnds[last])
            count += 1
            word = last + 1
        }
        unitCount = count
    }
}
