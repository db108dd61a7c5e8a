"""tokenize --cjk-words icu on Chinese text (Debian's fortunes-zh) with a vocabulary trained on it (mlmprep vocab):
the ids equal tokenize without the flag, the word starts inside ideograph runs are ICU's dictionary-word
boundaries (checked by a small C program that calls ICU's ubrk API itself), and whole-word masking takes those
words whole at the expected rate."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest

import mlmprep_reader
from mlmprep_reader.store import iter_documents

FORTUNES = Path("/usr/share/games/fortunes/chinese")
HERE = Path(__file__).resolve().parent


def is_ideograph(c: str) -> bool:
    """BERT's _is_chinese_char."""
    cp = ord(c)
    return any(a <= cp <= b for a, b in [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
                                         (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)])


@pytest.fixture(scope="module")
def corpus(mlmprep_bin, tmp_path_factory) -> dict:
    assert FORTUNES.is_file(), "fortunes-zh is missing: run tools/setup.sh"
    root = tmp_path_factory.mktemp("cjk")
    text = re.sub(r"\x1b\[[0-9;]*m", "", FORTUNES.read_text(encoding="utf-8"))
    lines_out = []
    for fortune in text.split("\n%\n")[:2500]:
        lines = [line.strip() for line in fortune.splitlines() if line.strip()]
        if lines:
            lines_out += lines + [""]
    path = root / "zh.txt"
    path.write_text("\n".join(lines_out) + "\n", encoding="utf-8")
    vocab = root / "vocab.txt"
    subprocess.run([mlmprep_bin, "vocab", path, "--size", "8000", "--limit-alphabet", "8000", "-o", vocab, "--quiet"],
                   check=True)
    stores = {}
    for mode in ("char", "icu"):
        stores[mode] = root / f"tok-{mode}"
        subprocess.run([mlmprep_bin, "tokenize", path, "--vocab", vocab, "-o", stores[mode], "--quiet",
                        "--cjk-words", mode], check=True)
    cc = shutil.which("cc")
    assert cc, "a C compiler is missing: run tools/setup.sh"
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "icu-uc"], capture_output=True, text=True,
                           check=True).stdout.split()
    checker = root / "icu_words"
    subprocess.run([cc, "-O1", "-o", checker, HERE / "icu_words.c", *flags], check=True)
    return {"root": root, "text": path, "vocab": vocab, "stores": stores, "checker": checker,
            "lines": [line for line in lines_out if line]}


def documents(store: Path):
    return [(ids.astype(np.int64), flags) for ids, flags in iter_documents(store)]


def test_ids_unchanged_and_fewer_word_starts(corpus):
    chars, icu = documents(corpus["stores"]["char"]), documents(corpus["stores"]["icu"])
    assert len(chars) == len(icu) > 1000
    for (a_ids, a_flags), (b_ids, b_flags) in zip(chars, icu):
        assert np.array_equal(a_ids, b_ids)
        assert np.array_equal(a_flags & 2, b_flags & 2)
        # Only ideograph word starts are removed, never added.
        assert not ((b_flags & 1) & ~(a_flags & 1)).any()
    words_char = sum(int((f & 1).sum()) for _, f in chars)
    words_icu = sum(int((f & 1).sum()) for _, f in icu)
    assert words_icu < 0.9 * words_char, (words_icu, words_char)


def test_word_starts_are_icu_boundaries(corpus):
    vocab = corpus["vocab"].read_text(encoding="utf-8").splitlines()
    lines = corpus["lines"]
    out = subprocess.run([corpus["checker"]], input="\n".join(lines) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert len(out) == len(lines)
    # The store's sentences are the input lines, in order.
    sentences = []
    for ids, flags in documents(corpus["stores"]["icu"]):
        starts = [0] + [i for i in range(1, len(ids)) if flags[i] & 2] + [len(ids)]
        sentences += [(ids[a:b], flags[a:b]) for a, b in zip(starts, starts[1:])]
    assert len(sentences) == len(lines)
    checked = grouped = 0
    for line, boundaries, (ids, flags) in zip(lines, out, sentences):
        boundary_set = {int(b) for b in boundaries.split()}
        expected, utf16, previous = [], 0, False
        for c in line:
            if is_ideograph(c):
                expected.append(not previous or utf16 in boundary_set)
            previous = is_ideograph(c)
            utf16 += 2 if ord(c) > 0xFFFF else 1
        got = [bool(f & 1) for i, f in zip(ids, flags)
               if len(vocab[i]) == 1 and is_ideograph(unicodedata.normalize("NFD", vocab[i]))]
        assert len(got) == len(expected), line  # every ideograph is its own token (the vocab keeps them all)
        assert got == expected, line
        checked += len(got)
        grouped += expected.count(False)
    assert checked > 100_000 and grouped > 30_000, (checked, grouped)


def test_whole_word_masking_takes_icu_words(mlmprep_bin, corpus, tmp_path):
    store = corpus["stores"]["icu"]
    out = tmp_path / "masked"
    subprocess.run([mlmprep_bin, "mask", store, "-o", out, "--quiet", "--strategy", "word", "--rate", "0.15",
                    "--pack", "single", "--seq-len", "128", "--seed", "3"], check=True, timeout=600)
    docs = documents(store)
    sequences = [(np.where(labels != -100, labels, ids), labels, int(mask.sum()))
                 for record in mlmprep_reader.iter_batches(out)
                 for ids, labels, mask in zip(record["input_ids"], record["labels"], record["attention_mask"])]
    # --pack single: each document in order, cut into windows of L − 2 tokens.
    document, offset = 0, 0
    deviation = squares = 0.0
    predicted_total = candidates_total = multi_char_taken = 0
    for original, labels, n in sequences:
        body = original[1:n - 1]
        ids, flags = docs[document]
        assert np.array_equal(body, ids[offset:offset + len(body)])
        word_flags = flags[offset:offset + len(body)].copy()
        word_flags[0] |= 1
        offset += len(body)
        if offset == len(ids):
            document, offset = document + 1, 0
        labelled = labels[1:n - 1] != -100
        starts = np.flatnonzero(word_flags & 1).tolist() + [len(body)]
        for a, b in zip(starts, starts[1:]):
            taken = labelled[a:b]
            assert taken.all() or not taken.any(), "an ICU word was split"
            if taken.all() and b - a >= 2:
                multi_char_taken += 1
        d = int(labelled.sum()) - 0.15 * len(body)
        deviation += d
        squares += d * d
        predicted_total += int(labelled.sum())
        candidates_total += len(body)
    assert document == len(docs)
    assert abs(deviation) <= 4 * math.sqrt(squares), (deviation, squares)
    assert abs(predicted_total / candidates_total - 0.15) < 0.01
    assert multi_char_taken > 1000
