#!/usr/bin/env python3
"""A reasonably efficient Python PMI table builder: the baseline of tools/bench/pmi.  Not a test.

    pmi_baseline.py STORE -o TABLE [--max-n 5] [--within document|sentence] [--min-count 10] [--size 800000]
                    [--mix 50,25,12.5,12.5] [--score pmi|pmi-freq] [--json]

Same definitions as `mlmprep pmi` and tools/pmi/reference_pmi.py (whose scoring and selection it reuses), but
counted the way one would in Python when the corpus is large:

- the store is read with numpy (mlmprep_reader), all records concatenated; words are numbered without a Python
  loop for one-token words (the word number is the token id) and with a dict of id tuples for longer words;
- one collections.Counter per length, level by level: an n-gram is counted only if both its (n-1)-sub-grams
  reached --min-count (exact: every sub-n-gram of a frequent n-gram is at least as frequent). Keys are ints:
  (rank of the (n-1)-gram prefix among the frequent ones) * number of words + last word, so the Counters hash
  small ints instead of tuples; per-position frequency flags and ranks are numpy arrays (np.searchsorted);
- Counters are updated in chunks of 2M positions, so the temporary Python lists stay small.

With --json, prints one JSON line of timings and counts (read, levels, scoring) on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter

import numpy as np
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tools", "pmi"))

from mlmprep_reader import check_token_record, iter_records, load_vocab  # noqa: E402

import reference_pmi  # noqa: E402

CHUNK = 2_000_000


class WordTable:
    """Word number -> tuple of token ids: k < vocab size is the one-token word (k,), larger ones are listed."""

    def __init__(self, vocab_size: int, long_words: list):
        self.vocab_size, self.long_words = vocab_size, long_words

    def __getitem__(self, k: int) -> tuple:
        return (k,) if k < self.vocab_size else self.long_words[k - self.vocab_size]


def read_words(store: str, within: str, vocab_size: int):
    """(word numbers int64 [words], segment numbers int64 [words], WordTable)."""
    ids_parts, flags_parts, starts_parts, total = [], [], [], 0
    for record in iter_records(store):
        ids, flags, offsets = check_token_record(record)
        ids_parts.append(ids.astype(np.int64))
        flags_parts.append(np.array(flags))
        doc_starts = offsets[:-1][offsets[:-1] < offsets[1:]]  # empty documents start nothing
        starts_parts.append(doc_starts + total)
        total += len(ids)
    if not ids_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), WordTable(vocab_size, [])
    ids = np.concatenate(ids_parts)
    flags = np.concatenate(flags_parts)
    del ids_parts, flags_parts
    segment_start = np.zeros(len(ids), bool)
    segment_start[np.concatenate(starts_parts)] = True
    if within == "sentence":
        segment_start |= (flags & 2) != 0
    word_start = segment_start | ((flags & 1) != 0)
    del flags
    first = np.flatnonzero(word_start)
    length = np.diff(np.append(first, len(ids)))
    words = ids[first].copy()
    number: dict = {}
    long_words: list = []
    for w in np.flatnonzero(length > 1).tolist():
        a = int(first[w])
        key = tuple(ids[a:a + int(length[w])].tolist())
        k = number.get(key)
        if k is None:
            k = number[key] = vocab_size + len(long_words)
            long_words.append(key)
        words[w] = k
    segments = np.cumsum(segment_start)[first]
    return words, segments, WordTable(vocab_size, long_words)


def count_levels(words: np.ndarray, segments: np.ndarray, max_n: int, min_count: int, timings: dict):
    """counts[n]: {n-gram tuple of word numbers: count} for the n-grams with count >= min_count; totals[n]."""
    width = int(words.max()) + 1 if len(words) else 1
    counts, totals = {}, {}
    # level 1
    t0 = time.perf_counter()
    counter = Counter()
    for a in range(0, len(words), CHUNK):
        counter.update(words[a:a + CHUNK].tolist())
    totals[1] = len(words)
    frequent = sorted(k for k, c in counter.items() if c >= min_count)
    counts[1] = {(k,): counter[k] for k in frequent}
    grams = [(k,) for k in frequent]              # rank -> tuple
    keys_sorted = np.array(frequent, np.int64)    # frequent keys, ascending; rank = index
    rank = np.searchsorted(keys_sorted, words)    # per position: rank of the (n-1)-gram starting there, or -1
    rank[rank >= len(keys_sorted)] = 0
    rank = np.where(keys_sorted[rank] == words, rank, -1) if len(keys_sorted) else np.full(len(words), -1)
    del counter
    timings["level1"] = time.perf_counter() - t0
    for n in range(2, max_n + 1):
        t0 = time.perf_counter()
        positions = len(words) - n + 1
        if positions <= 0:
            totals[n] = 0
            counts[n] = {}
            rank = np.zeros(0, np.int64)
            continue
        same = segments[:positions] == segments[n - 1:]
        totals[n] = int(same.sum())
        valid = same & (rank[:positions] >= 0) & (rank[1:positions + 1] >= 0)
        where = np.flatnonzero(valid)
        keys = rank[where] * width + words[where + n - 1]
        counter = Counter()
        for a in range(0, len(keys), CHUNK):
            counter.update(keys[a:a + CHUNK].tolist())
        frequent = sorted(k for k, c in counter.items() if c >= min_count)
        keys_sorted = np.array(frequent, np.int64)
        level = {}
        new_grams = []
        for k in frequent:
            g = grams[k // width] + (k % width,)
            new_grams.append(g)
            level[g] = counter[k]
        counts[n] = level
        grams = new_grams
        new_rank = np.full(positions, -1, np.int64)
        if len(keys_sorted):
            r = np.searchsorted(keys_sorted, keys)
            r[r >= len(keys_sorted)] = 0
            hit = keys_sorted[r] == keys
            new_rank[where[hit]] = r[hit]
        rank = new_rank
        del counter, keys, where, valid, same
        timings[f"level{n}"] = time.perf_counter() - t0
    return counts, totals


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Python baseline PMI table (level-by-level Counters)")
    ap.add_argument("store")
    ap.add_argument("-o", "--output", required=True, help="the table (zstd text, the same format as mlmprep)")
    ap.add_argument("--max-n", type=int, default=5)
    ap.add_argument("--within", choices=["document", "sentence"], default="document")
    ap.add_argument("--min-count", type=int, default=10)
    ap.add_argument("--size", type=int, default=800000)
    ap.add_argument("--mix", type=reference_pmi.parse_mix)
    ap.add_argument("--score", choices=["pmi", "pmi-freq"], default="pmi")
    ap.add_argument("--json", action="store_true", help="print timings and counts as one JSON line")
    args = ap.parse_args(argv)
    settings = reference_pmi.Settings(args.max_n, args.within, args.min_count, args.size,
                                      args.mix or reference_pmi.default_mix(args.max_n), args.score).check()
    timings = {}
    t_all = time.perf_counter()
    t0 = time.perf_counter()
    vocab = load_vocab(args.store)
    words, segments, table = read_words(args.store, args.within, len(vocab))
    timings["read"] = time.perf_counter() - t0
    counts, totals = count_levels(words, segments, args.max_n, args.min_count, timings)
    del words, segments
    t0 = time.perf_counter()
    result = reference_pmi.select(reference_pmi.Counts(args.max_n, counts, totals, table), settings, vocab,
                                  reference_pmi.store_vocab_sha256(args.store))
    timings["score_select"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    data = reference_pmi.table_text(result).encode("utf-8")
    with open(args.output, "wb") as f:
        f.write(zstandard.ZstdCompressor(level=3).compress(data))
    timings["write"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - t_all
    if args.json:
        print(json.dumps({"timings": timings, "totals": result.header["totals"],
                          "candidates": result.header["candidates"], "kept": result.header["kept"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
