"""--pack electra against a Python re-implementation of ELECTRA's ExampleBuilder (recipe_ports.py) on the same
documents (the store's sentences): the share of one-segment examples, the lengths of A, B and the whole example,
and the number of examples match in two-sample tests (KS at α = 1e-4, proportions and means at 4σ)."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import numpy as np
import pytest

import mlmprep_reader
from mlmprep_reader.store import iter_documents
from recipe_ports import ElectraExampleBuilder
from stats_helpers import assert_ks, assert_same_mean, assert_same_proportion
from test_preset_recipes import write_corpus

SEEDS = range(1, 9)


@pytest.fixture(scope="module")
def store(mlmprep_bin, vocab, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("electra")
    # Documents of 1–40 lines: some end inside an example, some fill several.
    corpus = write_corpus(root / "docs.txt", 500, (1, 40), seed=9)
    subprocess.run([mlmprep_bin, "tokenize", corpus, "--vocab", vocab, "-o", root / "tok", "--quiet"], check=True)
    return root / "tok"


def sentences_of(store: Path) -> list[list[list[int]]]:
    documents = []
    for ids, flags in iter_documents(store):
        starts = [0] + [i for i in range(1, len(ids)) if flags[i] & 2] + [len(ids)]
        documents.append([ids[a:b].tolist() for a, b in zip(starts, starts[1:])])
    return documents


def electra_examples(documents, max_length: int, seed: int) -> list[tuple[int, int]]:
    """(len A, len B) of every example ELECTRA's builder makes, lines fed as write_examples feeds them."""
    builder = ElectraExampleBuilder(max_length, random.Random(seed))
    out = []
    for document in documents:
        for line in document + [[]]:  # an empty line ends each document
            example = builder.add_line(line)
            if example:
                out.append((len(example[0]), len(example[1])))
    return out


def our_examples(mlmprep_bin, store: Path, out: Path, max_length: int, seed: int) -> list[tuple[int, int]]:
    subprocess.run([mlmprep_bin, "mask", store, "-o", out, "--quiet", "--pack", "electra", "--preset", "electra",
                    "--seq-len", str(max_length), "--seed", str(seed), "--batch-size", "128"], check=True, timeout=600)
    rows = []
    for record in mlmprep_reader.iter_batches(out):
        for types, attention in zip(record["token_type_ids"], record["attention_mask"]):
            n = int(attention.sum())
            b = int(types[:n].sum())
            # token types: 0 on [CLS] A [SEP], 1 on B [SEP]
            a = n - 2 - b
            rows.append((a, max(b - 1, 0)))
    return rows


@pytest.mark.parametrize("max_length", [128, 64])
def test_examples_match_electra(mlmprep_bin, store, tmp_path, max_length):
    documents = sentences_of(store)
    ours, theirs, our_counts, their_counts = [], [], [], []
    for seed in SEEDS:
        mine = our_examples(mlmprep_bin, store, tmp_path / f"s{seed}", max_length, seed)
        reference = electra_examples(documents, max_length, seed)
        ours += mine
        theirs += reference
        our_counts.append(len(mine))
        their_counts.append(len(reference))
    ours, theirs = np.array(ours), np.array(theirs)
    assert len(ours) > 2000
    # Every example fits, A is never empty, B only with A.
    assert (ours[:, 0] >= 1).all() and (ours.sum(1) + 2 + (ours[:, 1] > 0) <= max_length).all()
    assert_same_proportion(int((ours[:, 1] == 0).sum()), len(ours), int((theirs[:, 1] == 0).sum()), len(theirs),
                           "one-segment examples")
    assert_ks(ours[:, 0], theirs[:, 0], "len(A)")
    two, two_theirs = ours[ours[:, 1] > 0], theirs[theirs[:, 1] > 0]
    assert_ks(two[:, 1], two_theirs[:, 1], "len(B)")
    assert_ks(ours.sum(1), theirs.sum(1), "example length")
    # Short examples (targets drawn short, or document ends) as often as ELECTRA's.
    short = max_length // 2
    assert_same_proportion(int((ours.sum(1) < short).sum()), len(ours), int((theirs.sum(1) < short).sum()),
                           len(theirs), "examples under half the length")
    assert_same_mean(our_counts, their_counts, "examples per run")
