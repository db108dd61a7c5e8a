extension WordPieceTrainer {
    /// Counts the pairs once, then merges the best pair until the vocabulary is full; returns the merges done.
    ///
    /// This is `BpeTrainer::do_train` step for step, quirks included, so that the vocabularies are equal:
    /// - a queue entry carries the words it was created in and merges the pair only there; a pair that new
    ///   merges create again is pushed again, with just those words;
    /// - a popped entry whose count is stale is pushed back with the current count;
    /// - the merged pair's own count is left as it was (only its neighbours' counts change).
    func merge(_ words: inout SymbolWords, tokens: inout TokenList) -> Int {
        var pairs = PairCountTable(expected: words.symbols.count / 4)
        var positions: [Int32] = []
        var queue = initialQueue(words, pairs: &pairs, positions: &positions)
        let prefix = Array(settings.continuingPrefix.utf8)
        var changes: [(UInt64, Int)] = []
        var created: [Created] = []
        var merges = 0
        while tokens.count < settings.vocabSize {
            guard var top = queue.pop() else { break }
            let current = pairs.count(of: top.pair)
            if top.count != current {
                top.count = current
                queue.push(top)
                continue
            }
            if top.count < 1 || settings.minFrequency > top.count { break }
            let left = UInt32(truncatingIfNeeded: top.pair >> 32)
            let right = UInt32(truncatingIfNeeded: top.pair)
            var rightPart = tokens[right]
            if !prefix.isEmpty && rightPart.starts(with: prefix) { rightPart.removeFirst(prefix.count) }
            let replacement = tokens.add(tokens[left] + rightPart)
            merges += 1
            created.removeAll(keepingCapacity: true)
            for position in top.positionsStart..<(top.positionsStart + top.positionsCount) {
                let word = Int(positions[position])
                changes.removeAll(keepingCapacity: true)
                words.merge(word: word, left, right, into: replacement, changes: &changes)
                let count = words.counts[word]
                for (pair, change) in changes {
                    let index = pairs.index(of: pair)
                    pairs.counts[index] += change * count
                    if change > 0 { created.append(Created(pair: pair, index: Int32(index), word: Int32(word))) }
                }
            }
            pushCreated(&created, pairs: pairs, positions: &positions, queue: &queue)
        }
        return merges
    }

    /// A pair that a merge created in a word.
    struct Created {
        var pair: UInt64
        var index: Int32
        var word: Int32
    }

    /// Pushes one entry per created pair that still has a positive count, with its distinct words.
    private func pushCreated(
        _ created: inout [Created], pairs: PairCountTable, positions: inout [Int32], queue: inout PairQueue
    ) {
        guard !created.isEmpty else { return }
        created.sort { $0.pair != $1.pair ? $0.pair < $1.pair : $0.word < $1.word }
        var start = 0
        while start < created.count {
            var end = start + 1
            while end < created.count && created[end].pair == created[start].pair { end += 1 }
            let count = pairs.counts[Int(created[start].index)]
            if count > 0 {
                let first = positions.count
                var last: Int32 = -1
                for item in created[start..<end] where item.word != last {
                    positions.append(item.word)
                    last = item.word
                }
                queue.push(
                    PairEntry(
                        count: count, pair: created[start].pair, sequence: 0, positionsStart: first,
                        positionsCount: positions.count - first))
            }
            start = end
        }
    }

    /// Counts every adjacent pair (times the word's count) and records the distinct words holding each pair.
    private func initialQueue(_ words: SymbolWords, pairs: inout PairCountTable, positions: inout [Int32])
        -> PairQueue
    {
        var lastWord: [Int32] = []
        var distinct: [Int32] = []
        var occurrence: [Int32] = []  // the pair index of every adjacent pair, word by word
        occurrence.reserveCapacity(max(words.symbols.count - words.count, 0))
        for word in 0..<words.count {
            let start = words.starts[word]
            let count = words.counts[word]
            for offset in 0..<(Int(words.lengths[word]) - 1) {
                let index = pairs.index(of: SymbolWords.pair(words.symbols[start + offset], words.symbols[start + offset + 1]))
                if index == lastWord.count {
                    lastWord.append(-1)
                    distinct.append(0)
                }
                pairs.counts[index] += count
                if lastWord[index] != Int32(word) {
                    lastWord[index] = Int32(word)
                    distinct[index] += 1
                }
                occurrence.append(Int32(index))
            }
        }
        var cursor = [Int](repeating: 0, count: pairs.count)
        var total = 0
        for index in 0..<pairs.count {
            cursor[index] = total
            total += Int(distinct[index])
        }
        var entries: [PairEntry] = []
        entries.reserveCapacity(pairs.count)
        for index in 0..<pairs.count where pairs.counts[index] > 0 {
            entries.append(
                PairEntry(
                    count: pairs.counts[index], pair: pairs.pairs[index], sequence: 0, positionsStart: cursor[index],
                    positionsCount: Int(distinct[index])))
        }
        positions = [Int32](repeating: 0, count: total)
        for index in 0..<lastWord.count { lastWord[index] = -1 }
        var next = 0
        for word in 0..<words.count {
            for _ in 0..<(Int(words.lengths[word]) - 1) {
                let index = Int(occurrence[next])
                next += 1
                if lastWord[index] != Int32(word) {
                    lastWord[index] = Int32(word)
                    positions[cursor[index]] = Int32(word)
                    cursor[index] += 1
                }
            }
        }
        return PairQueue(entries)
    }
}
