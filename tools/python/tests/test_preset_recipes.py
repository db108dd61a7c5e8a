"""--preset bert / bert-wwm / electra against line-by-line ports of Google's and ELECTRA's masking functions
(recipe_ports.py) run on the same packed sequences: predictions per sequence and the replacement split match
(two-sample tests at ≈4σ), full 128-token sequences get exactly 19 with bert, short sequences 15% of their tokens,
and no sequence with a candidate goes without a prediction."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import numpy as np
import pytest

import mlmprep_reader
from recipe_ports import create_masked_lm_predictions, electra_mask
from stats_helpers import assert_same_distribution, assert_same_mean, assert_same_proportion

REPO = Path(__file__).resolve().parents[3]
LINES = [line for line in (REPO / "corpora" / "en.txt").read_text().splitlines() if line.strip()]


def write_corpus(path: Path, documents: int, lines: tuple[int, int], seed: int) -> Path:
    rng = random.Random(seed)
    with path.open("w") as f:
        for _ in range(documents):
            for _ in range(rng.randint(*lines)):
                line = rng.choice(LINES)
                if lines[1] == 1:  # tiny documents: a few words of a line
                    words = line.split()
                    start = rng.randrange(len(words))
                    line = " ".join(words[start:start + rng.randint(1, 24)])
                f.write(line + "\n")
            f.write("\n")
    return path


@pytest.fixture(scope="module")
def stores(mlmprep_bin, vocab, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("recipes")
    out = {}
    for name, documents, lines in [("long", 600, (2, 14)), ("tiny", 4000, (1, 1))]:
        corpus = write_corpus(root / f"{name}.txt", documents, lines, seed=len(name))
        out[name] = root / f"tok-{name}"
        subprocess.run([mlmprep_bin, "tokenize", corpus, "--vocab", vocab, "-o", out[name], "--quiet"], check=True)
    return out


def sequences(mlmprep_bin, store: Path, out: Path, *args) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Runs mlmprep mask; returns (original ids, corrupted ids, labels) per sequence, unpadded."""
    subprocess.run([mlmprep_bin, "mask", store, "-o", out, "--quiet", "--seq-len", "128", "--batch-size", "64",
                    *map(str, args)], check=True, timeout=600)
    rows = []
    for record in mlmprep_reader.iter_batches(out):
        for ids, labels, attention in zip(record["input_ids"], record["labels"], record["attention_mask"]):
            n = int(attention.sum())
            ids, labels = ids[:n].astype(np.int64), labels[:n].astype(np.int64)
            rows.append((np.where(labels != -100, labels, ids), ids, labels))
    return rows


def split(original, corrupted, labels, mask_id) -> tuple[int, int, int]:
    """[MASK], random and kept counts among the predicted positions."""
    predicted = labels != -100
    masked = int((predicted & (corrupted == mask_id)).sum())
    kept = int((predicted & (corrupted == original) & (original != mask_id)).sum())
    return masked, int(predicted.sum()) - masked - kept, kept


def vocabulary(vocab: str) -> list[str]:
    return Path(vocab).read_text().splitlines()


def google_runs(rows, words, whole_word, seeds) -> tuple[list[int], list[int], list[int], list[int]]:
    """Google's function on every sequence for each seed: predictions, [MASK], random, kept per sequence."""
    counts, masked, randoms, kept = [], [], [], []
    for seed in seeds:
        rng = random.Random(seed)
        for original, _, _ in rows:
            tokens = [words[i] for i in original]
            output, positions, _ = create_masked_lm_predictions(tokens, 0.15, 20, words, rng, whole_word)
            counts.append(len(positions))
            m = sum(output[p] == "[MASK]" for p in positions)
            k = sum(output[p] == tokens[p] for p in positions)
            masked.append(m)
            kept.append(k)
            randoms.append(len(positions) - m - k)
    return counts, masked, randoms, kept


def ours(rows, mask_id):
    counts = [int((labels != -100).sum()) for _, _, labels in rows]
    splits = np.array([split(o, c, l, mask_id) for o, c, l in rows])
    return counts, splits


@pytest.mark.parametrize("preset,whole_word", [("bert", False), ("bert-wwm", True)])
@pytest.mark.parametrize("store_name,pack", [("long", None), ("tiny", "doc")])
def test_bert_presets_match_google(mlmprep_bin, stores, vocab, tmp_path, preset, whole_word, store_name, pack):
    words = vocabulary(vocab)
    mask_id = words.index("[MASK]")
    rows = []
    for seed in (1, 2, 3):
        extra = ["--pack", pack] if pack else []
        rows += sequences(mlmprep_bin, stores[store_name], tmp_path / f"s{seed}", "--preset", preset,
                          "--seed", seed, *extra)
    assert len(rows) >= 3000
    counts, splits = ours(rows, mask_id)
    g_counts, g_masked, g_random, g_kept = google_runs(rows, words, whole_word, seeds=(11, 12))
    lengths = np.array([len(o) for o, _, _ in rows])
    candidates = lengths - np.array([int(np.isin(o, [words.index("[CLS]"), words.index("[SEP]")]).sum())
                                     for o, _, _ in rows])
    counts = np.array(counts)
    if not whole_word:
        # Token units: Google's count is a function of the length, so every sequence matches it exactly.
        expected = np.minimum(candidates, np.minimum(20, np.maximum(1, np.round(lengths * 0.15))))
        assert (counts == expected).all()
        assert (counts[lengths == 128] == 19).all()
    google = np.array(g_counts).reshape(2, len(rows))  # one row per seed of Google's generator
    assert_same_distribution(counts, google.ravel(), f"{preset} predictions per sequence")
    assert_same_mean(counts / lengths, (google / lengths).ravel(), f"{preset} predicted share of n")
    if whole_word:
        # A word longer than the whole budget is skipped, by Google too: zeros happen, equally often.
        assert_same_proportion(int((counts == 0).sum()), len(rows), int((google == 0).sum()), google.size,
                               f"{preset} sequences without a prediction")
    else:
        # Never zero predictions where there is a candidate (Google: max(1, …)).
        assert (counts[candidates > 0] >= 1).all()
    short = lengths <= 40
    if store_name == "tiny":
        assert short.sum() > 1000
        share = counts[short].sum() / lengths[short].sum()
        google_share = google[:, short].sum() / (2 * lengths[short].sum())
        assert abs(share - google_share) < 0.005, (share, google_share)
    ours_total = int(splits.sum())
    google_total = int(np.sum(g_masked) + np.sum(g_random) + np.sum(g_kept))
    for column, name, theirs in [(0, "[MASK]", g_masked), (1, "random", g_random), (2, "kept", g_kept)]:
        assert_same_proportion(int(splits[:, column].sum()), ours_total, int(np.sum(theirs)), google_total,
                               f"{preset} {name} share")


@pytest.mark.parametrize("store_name,pack", [("long", None), ("tiny", "doc")])
def test_electra_preset_matches_electra(mlmprep_bin, stores, vocab, tmp_path, store_name, pack):
    words = vocabulary(vocab)
    mask_id = words.index("[MASK]")
    specials = [words.index("[CLS]"), words.index("[SEP]")]
    rows = []
    for seed in range(1, 6):
        extra = ["--pack", pack] if pack else []
        rows += sequences(mlmprep_bin, stores[store_name], tmp_path / f"s{seed}", "--preset", "electra",
                          "--seed", seed, *extra)
    assert len(rows) >= 3000
    counts, splits = ours(rows, mask_id)
    rng = np.random.default_rng(5)
    e_counts, e_masked, e_kept = [], 0, 0
    for _ in range(2):
        for original, _, _ in rows:
            candidates = ~np.isin(original, specials)
            ids, positions = electra_mask(original, candidates, mask_id, 0.15, 19, rng)
            e_counts.append(len(positions))
            e_masked += sum(int(ids[p] == mask_id) for p in positions)
            e_kept += sum(int(ids[p] == original[p]) for p in positions)
    assert_same_distribution(counts, e_counts, "electra predictions per sequence")
    assert_same_mean(counts, e_counts, "electra predictions per sequence")
    assert int(splits[:, 1].sum()) == 0
    assert_same_proportion(int(splits[:, 0].sum()), int(splits.sum()), e_masked, e_masked + e_kept,
                           "electra [MASK] share")
    assert min(counts) >= 1
