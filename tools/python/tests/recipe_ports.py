"""Line-by-line Python ports of the reference recipes the presets reproduce, for the statistical tests.

- ``create_masked_lm_predictions``: google-research/bert create_pretraining_data.py (FLAGS.do_whole_word_mask
  becomes the ``whole_word`` argument; ``rng`` is a ``random.Random``).
- ``electra_mask``: google-research/electra pretrain/pretrain_helpers.py ``mask`` for one sequence (numpy in
  place of TensorFlow: ``tf.random.categorical`` over uniform candidate logits is a uniform draw with replacement,
  ``tf.round`` rounds half to even as ``np.round`` does; ``scatter_update`` makes a position drawn by several samples
  ``[MASK]`` when any of them chose ``[MASK]``).
- ``ElectraExampleBuilder``: google-research/electra build_pretraining_dataset.py ``ExampleBuilder`` on token-id
  sentences (the tokenizer call is replaced by the store's sentences).
"""

from __future__ import annotations

import collections
import random

import numpy as np

MaskedLmInstance = collections.namedtuple("MaskedLmInstance", ["index", "label"])


def create_masked_lm_predictions(tokens, masked_lm_prob, max_predictions_per_seq, vocab_words, rng,
                                 whole_word=False):
    """Creates the predictions for the masked LM objective (Google's function, line by line)."""
    cand_indexes = []
    for (i, token) in enumerate(tokens):
        if token == "[CLS]" or token == "[SEP]":
            continue
        if (whole_word and len(cand_indexes) >= 1 and token.startswith("##")):
            cand_indexes[-1].append(i)
        else:
            cand_indexes.append([i])

    rng.shuffle(cand_indexes)

    output_tokens = list(tokens)

    num_to_predict = min(max_predictions_per_seq, max(1, int(round(len(tokens) * masked_lm_prob))))

    masked_lms = []
    covered_indexes = set()
    for index_set in cand_indexes:
        if len(masked_lms) >= num_to_predict:
            break
        if len(masked_lms) + len(index_set) > num_to_predict:
            continue
        is_any_index_covered = False
        for index in index_set:
            if index in covered_indexes:
                is_any_index_covered = True
                break
        if is_any_index_covered:
            continue
        for index in index_set:
            covered_indexes.add(index)

            masked_token = None
            # 80% of the time, replace with [MASK]
            if rng.random() < 0.8:
                masked_token = "[MASK]"
            else:
                # 10% of the time, keep original
                if rng.random() < 0.5:
                    masked_token = tokens[index]
                # 10% of the time, replace with random word
                else:
                    masked_token = vocab_words[rng.randint(0, len(vocab_words) - 1)]

            output_tokens[index] = masked_token

            masked_lms.append(MaskedLmInstance(index=index, label=tokens[index]))
    assert len(masked_lms) <= num_to_predict
    masked_lms = sorted(masked_lms, key=lambda x: x.index)

    masked_lm_positions = []
    masked_lm_labels = []
    for p in masked_lms:
        masked_lm_positions.append(p.index)
        masked_lm_labels.append(p.label)

    return (output_tokens, masked_lm_positions, masked_lm_labels)


def electra_mask(input_ids, candidates_mask, mask_id, mask_prob, max_predictions_per_seq, rng):
    """ELECTRA's ``mask`` for one unpadded sequence: returns the corrupted ids and the distinct predicted positions."""
    N = max_predictions_per_seq
    num_tokens = float(len(input_ids))  # tf.reduce_sum(inputs.input_mask, -1)
    num_to_predict = max(1, min(N, int(np.round(num_tokens * mask_prob))))
    masked_lm_weights = np.arange(N) < num_to_predict
    candidates = np.flatnonzero(candidates_mask)
    masked_lm_positions = candidates[rng.integers(0, len(candidates), size=N)]
    masked_lm_positions = masked_lm_positions * masked_lm_weights
    replace_with_mask_positions = masked_lm_positions * (rng.random(N) < 0.85)
    ids = np.array(input_ids)
    for p in replace_with_mask_positions:
        if p != 0:  # scatter_update never writes the first token
            ids[p] = mask_id
    distinct = sorted({int(p) for p, w in zip(masked_lm_positions, masked_lm_weights) if w})
    return ids, distinct


class ElectraExampleBuilder:
    """ELECTRA's ExampleBuilder on sentences of token ids (``add_line`` takes a sentence, ``[]`` for an empty line)."""

    def __init__(self, max_length, rng: random.Random):
        self._current_sentences = []
        self._current_length = 0
        self._max_length = max_length
        self._target_length = max_length
        self._rng = rng

    def add_line(self, bert_tokids):
        """Adds a line of text to the current example being built."""
        if (not bert_tokids) and self._current_length != 0:  # empty lines separate docs
            return self._create_example()
        self._current_sentences.append(bert_tokids)
        self._current_length += len(bert_tokids)
        if self._current_length >= self._target_length:
            return self._create_example()
        return None

    def _create_example(self):
        """Creates a pre-training example from the current list of sentences."""
        # small chance to only have one segment as in classification tasks
        if self._rng.random() < 0.1:
            first_segment_target_length = 100000
        else:
            # -3 due to not yet having [CLS]/[SEP] tokens in the input text
            first_segment_target_length = (self._target_length - 3) // 2

        first_segment = []
        second_segment = []
        for sentence in self._current_sentences:
            # the sentence goes to the first segment if (1) the first segment is
            # empty, (2) the sentence doesn't put the first segment over length or
            # (3) 50% of the time when it does put the first segment over length
            if (len(first_segment) == 0 or
                    len(first_segment) + len(sentence) < first_segment_target_length or
                    (len(second_segment) == 0 and
                     len(first_segment) < first_segment_target_length and
                     self._rng.random() < 0.5)):
                first_segment += sentence
            else:
                second_segment += sentence

        # trim to max_length while accounting for not-yet-added [CLS]/[SEP] tokens
        first_segment = first_segment[:self._max_length - 2]
        second_segment = second_segment[:max(0, self._max_length - len(first_segment) - 3)]

        # prepare to start building the next example
        self._current_sentences = []
        self._current_length = 0
        # small chance for random-length instead of max_length-length example
        if self._rng.random() < 0.05:
            self._target_length = self._rng.randint(5, self._max_length)
        else:
            self._target_length = self._max_length

        return first_segment, second_segment
