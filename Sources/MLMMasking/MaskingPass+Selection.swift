extension MaskingPass {
    /// Anchor tries per drawn span length before a new length is drawn.
    static let anchorTries = 32
    /// Consecutive span lengths that found no place before span selection gives up.
    static let lengthTries = 64

    /// Takes units from `units` in a random order (forward Fisher–Yates, one swap per unit taken)
    /// until `budget` tokens are selected.
    ///
    /// A unit that fits the remaining budget is taken; the first one that does not fit is taken with probability
    /// remaining/length, and selection stops either way. So units are never split and the expected number of
    /// selected tokens equals the expected budget. The last unit is never taken when it would bring the
    /// selection past `limit` (`--max-predictions`), so the cap is a hard one.
    mutating func selectShuffled(budget: Int, limit: Int) {
        var remaining = budget
        let count = unitCount
        var index = 0
        while remaining > 0, index < count {
            let other = index + random.below(count - index)
            let unit = units[other]
            if other != index {
                units[other] = units[index]
                units[index] = unit
            }
            let start = Int(unit.start)
            let end = Int(unit.end)
            let length = end - start
            if length <= remaining {
                apply(start: start, end: end, spanWords: 0)
                remaining -= length
            } else {
                if random.uniform() * Double(length) < Double(remaining), budget - remaining + length <= limit {
                    apply(start: start, end: end, spanWords: 0)
                } else {
                    refuse(start: start, end: end, spanWords: 0)
                }
                return
            }
            index += 1
        }
    }

    /// SpanBERT spans over the words in ``wordStarts`/`wordEnds`` until `budget` tokens are selected.
    ///
    /// Repeat while budget remains: draw a length ℓ in words; draw an anchor word uniformly among all words, up to
    /// ``anchorTries`` times, until words anchor..<anchor+ℓ exist, are all unselected and have no special token
    /// between them (a length longer than the sequence's word count gets no tries); if none is found draw a new
    /// length, and give up after ``lengthTries`` lengths in a row found no place. A placed span is taken under
    /// the fit rule of ``selectShuffled(budget:limit:)``. Spans never overlap but may touch.
    mutating func selectSpans(lengths: SpanLengthTable, budget: Int, limit: Int) {
        let wordCount = self.wordCount
        guard wordCount > 0, budget > 0 else { return }
        marks.update(repeating: 0, count: wordCount)
        var remaining = budget
        var failures = 0
        while remaining > 0 {
            let length = lengths.draw(&random)
            var anchor = -1
            if length <= wordCount {
                for _ in 0..<Self.anchorTries {
                    let candidate = random.below(wordCount)
                    if candidate + length <= wordCount, spanIsFree(first: candidate, length: length) {
                        anchor = candidate
                        break
                    }
                }
            }
            guard anchor >= 0 else {
                failures += 1
                if failures >= Self.lengthTries { return }
                continue
            }
            failures = 0
            let start = Int(wordStarts[anchor])
            let end = Int(wordEnds[anchor + length - 1])
            let size = end - start
            if size <= remaining {
                for word in anchor..<(anchor + length) { marks[word] = 1 }
                apply(start: start, end: end, spanWords: length)
                remaining -= size
            } else {
                if random.uniform() * Double(size) < Double(remaining), budget - remaining + size <= limit {
                    apply(start: start, end: end, spanWords: length)
                } else {
                    refuse(start: start, end: end, spanWords: length)
                }
                return
            }
        }
    }

    /// Whether words first..<first+length are unselected and adjacent (no special token between them).
    @inline(__always)
    func spanIsFree(first: Int, length: Int) -> Bool {
        for word in first..<(first + length) {
            if marks[word] != 0 { return false }
            if word > first, wordEnds[word - 1] != wordStarts[word] { return false }
        }
        return true
    }
}
