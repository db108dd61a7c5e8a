extension MaskingPass {
    /// Google BERT's walk (`create_masked_lm_predictions`): units in a random order (forward Fisher–Yates, the
    /// same distribution as `rng.shuffle(cand_indexes)`); stop once `budget` tokens are selected; a unit that would
    /// take the selection past the budget is skipped and the walk goes on.
    mutating func selectGoogle(budget: Int) {
        var selected = 0
        let count = unitCount
        var index = 0
        while selected < budget, index < count {
            let other = index + random.below(count - index)
            let unit = units[other]
            if other != index {
                units[other] = units[index]
                units[index] = unit
            }
            let start = Int(unit.start)
            let end = Int(unit.end)
            if selected + end - start <= budget {
                apply(start: start, end: end, spanWords: 0)
                selected += end - start
            } else {
                refuse(start: start, end: end, spanWords: 0)
            }
            index += 1
        }
    }

    /// ELECTRA (`pretrain_helpers.mask`): `draws` positions drawn uniformly with replacement among the token units,
    /// each sample with its own replacement draw; a position drawn again collapses into one prediction, and it is
    /// `[MASK]` when any of its samples chose `[MASK]` (ELECTRA's `scatter_update` averages the duplicate updates),
    /// otherwise its first sample's choice. Positions are applied in the order first drawn.
    mutating func selectWithReplacement(draws: Int) {
        let count = unitCount
        guard count > 0 else { return }
        marks.update(repeating: 0, count: tokens.count)
        // The token strategy has no words, so `wordStarts` holds the distinct positions in draw order.
        let order = wordStarts
        var distinct = 0
        for _ in 0..<draws {
            let position = Int(units[random.below(count)].start)
            let action = plan.action(random.uniform())
            let mark = Int32(action.rawValue) + 1
            if marks[position] == 0 {
                order[distinct] = Int32(truncatingIfNeeded: position)
                distinct += 1
                marks[position] = mark
            } else if action == .mask {
                marks[position] = mark
            }
        }
        for index in 0..<distinct {
            let position = Int(order[index])
            let action = ReplacementAction(rawValue: UInt8(marks[position] - 1)) ?? .keep
            apply(start: position, end: position + 1, spanWords: 0, given: action)
        }
    }
}
