"""End-to-end tests of the training order of ``mlmprep mask`` (DESIGN.md §4, docs/training-order.md): shuffled
epochs that hold every sequence exactly once, equal batch counts on every rank, elastic global steps,
``--start-step`` byte-identical suffixes, the ``mlmprep`` metadata key, tails, and the manifest's figures.
Read with the project's reader (numpy + zstandard) and the real ``safetensors`` library. Run by tools/test.sh
with ``MLMPREP_BIN`` set."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load as st_load

import mlmprep_reader

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"
SEQ = 32  # short sequences: many of them from the small corpora
ENV = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE")}


@pytest.fixture(scope="module")
def store(mlmprep_bin, tmp_path_factory) -> Path:
    vocab = os.environ.get("MLMPREP_BERT_VOCAB")
    assert vocab and Path(vocab).is_file(), "MLMPREP_BERT_VOCAB must name bert-base-uncased vocab.txt"
    out = tmp_path_factory.mktemp("order") / "tok"
    subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", CORPORA / "multilingual.txt", "--vocab", vocab,
                    "-o", out, "--quiet"], check=True)
    return out


def run(mlmprep_bin, store, *args, expect=0, env=None) -> subprocess.CompletedProcess:
    # These tests are about the shuffled order: ask for it unless a test names the order itself (the CLI's default
    # is corpus order for now).
    if "--shuffle" not in map(str, args):
        args = ("--shuffle", "global", *args)
    result = subprocess.run([mlmprep_bin, "mask", str(store), "--seq-len", str(SEQ), *map(str, args)],
                            capture_output=True, timeout=300, env=env or ENV)
    assert result.returncode == expect, result.stderr.decode()
    return result


def stream(mlmprep_bin, store, *args, env=None) -> bytes:
    return run(mlmprep_bin, store, "--stdout", "--quiet", *args, env=env).stdout


def batches(data: bytes) -> list:
    import io
    return list(mlmprep_reader.iter_batches(io.BytesIO(data)))


def place(record) -> dict:
    return json.loads(record.metadata["mlmprep"])


def rows(record, real_only=True) -> list[bytes]:
    """Each row as bytes of (input_ids, labels, attention_mask); padding rows left out unless asked."""
    out = []
    for r in range(record["input_ids"].shape[0]):
        if real_only and record["attention_mask"][r].sum() == 0:
            continue
        extra = b"".join(record[name][r].tobytes() for name in ("token_type_ids", "next_sentence_label")
                         if name in record)
        out.append(record["input_ids"][r].tobytes() + record["labels"][r].tobytes()
                   + record["attention_mask"][r].tobytes() + extra)
    return out


def by_epoch(records) -> dict[int, list[bytes]]:
    epochs: dict[int, list[bytes]] = {}
    for record in records:
        epochs.setdefault(place(record)["epoch"], []).extend(rows(record))
    return epochs


@pytest.mark.parametrize("pack", ["pair", "doc"])
def test_every_sequence_once_per_epoch_in_every_packing_mode(mlmprep_bin, store, pack):
    """Pair packing draws new lengths per epoch (so each epoch has its own count); doc packing does not. Either
    way each shuffled epoch is the --shuffle none epoch's multiset, and --start-step gives the suffix."""
    args = ("--batch-size", 4, "--epochs", 2, "--pack", pack, "--short-seq-prob", 0.3)
    plain = by_epoch(batches(stream(mlmprep_bin, store, *args, "--shuffle", "none", "--tail", "pad")))
    full = stream(mlmprep_bin, store, *args)
    shuffled = by_epoch(batches(full))
    for epoch in (0, 1):
        assert len(plain[epoch]) > 50 and sorted(shuffled[epoch]) == sorted(plain[epoch])
        assert shuffled[epoch] != plain[epoch]
    steps = len(batches(full))
    assert full.endswith(stream(mlmprep_bin, store, *args, "--start-step", steps - 2))


def test_every_sequence_once_per_epoch_same_as_corpus_order(mlmprep_bin, store):
    """Each shuffled epoch holds exactly the multiset of masked rows of the --shuffle none epoch (masks are keyed
    by the corpus-order sequence index), in a different order per epoch and per seed."""
    plain = batches(stream(mlmprep_bin, store, "--batch-size", 4, "--shuffle", "none", "--epochs", 2, "--tail", "pad"))
    shuffled = batches(stream(mlmprep_bin, store, "--batch-size", 4, "--epochs", 2))
    plain_epochs, shuffled_epochs = by_epoch(plain), by_epoch(shuffled)
    assert sorted(plain_epochs) == sorted(shuffled_epochs) == [0, 1]
    for epoch in (0, 1):
        assert len(plain_epochs[epoch]) > 100
        assert sorted(shuffled_epochs[epoch]) == sorted(plain_epochs[epoch])
        assert len(set(shuffled_epochs[epoch])) == len(shuffled_epochs[epoch])
        assert shuffled_epochs[epoch] != plain_epochs[epoch]
    # The order (by corpus position) differs between epochs, and between seeds.
    position = {row: i for i, row in enumerate(plain_epochs[0])}
    order0 = [position[row] for row in shuffled_epochs[0]]
    reseeded = by_epoch(batches(stream(mlmprep_bin, store, "--batch-size", 4, "--seed", 7, "--tail", "pad",
                                       "--shuffle", "none")))[0]
    reseeded_shuffle = by_epoch(batches(stream(mlmprep_bin, store, "--batch-size", 4, "--seed", 7)))[0]
    position7 = {row: i for i, row in enumerate(reseeded)}
    order_seed7 = [position7[row] for row in reseeded_shuffle]
    n = len(order0)
    assert order0 != order_seed7
    rho = np.corrcoef(order0, order_seed7)[0, 1]
    assert abs(rho) < 4 / np.sqrt(n - 1), rho
    assert abs(np.corrcoef(order0, np.arange(n))[0, 1]) < 4 / np.sqrt(n - 1)


def test_threads_do_not_change_a_byte(mlmprep_bin, store, tmp_path):
    args = ("--batch-size", 4, "--epochs", 2, "--rank", "1/3", "--tail", "drop")
    for threads in (1, 2):
        run(mlmprep_bin, store, *args, "--threads", threads, "-o", tmp_path / f"t{threads}", "--quiet")
    one = {p.name: p.read_bytes() for p in (tmp_path / "t1").glob("*.mlmb.zst")}
    two = {p.name: p.read_bytes() for p in (tmp_path / "t2").glob("*.mlmb.zst")}
    assert one and one == two
    assert stream(mlmprep_bin, store, *args, "--threads", 1) == stream(mlmprep_bin, store, *args, "--threads", 2)


@pytest.mark.parametrize("tail", ["pad", "drop"])
def test_ranks_get_equal_full_batches_and_every_sequence_once(mlmprep_bin, store, tail):
    """R = 1, 2, 3, 8: every rank writes the same number of batches of exactly B rows; together they hold each
    sequence of the epoch once (all of them with pad, all but N mod RB with drop)."""
    reference = sorted(by_epoch(batches(stream(mlmprep_bin, store, "--batch-size", 3, "--shuffle", "none",
                                               "--tail", "pad")))[0])
    for world in (1, 2, 3, 8):
        per_rank = [batches(stream(mlmprep_bin, store, "--batch-size", 3, "--rank", f"{r}/{world}", "--tail", tail))
                    for r in range(world)]
        counts = {len(b) for b in per_rank}
        assert len(counts) == 1, f"R={world}: batch counts {[len(b) for b in per_rank]}"
        assert all(rec["input_ids"].shape[0] == 3 for b in per_rank for rec in b)
        assert all(place(rec)["rank"] == r for r, b in enumerate(per_rank) for rec in b)
        real = [row for b in per_rank for rec in b for row in rows(rec)]
        assert len(set(real)) == len(real)
        if tail == "pad":
            assert sorted(real) == reference
        else:
            assert set(real) <= set(reference)
            assert len(reference) - len(real) == len(reference) % (3 * world)
        padding = [r for b in per_rank for rec in b for r in range(3) if rec["attention_mask"][r].sum() == 0]
        assert (len(padding) > 0) == (tail == "pad" and len(reference) % (3 * world) > 0)
        for b in per_rank:
            for rec in b:
                for r in range(3):
                    if rec["attention_mask"][r].sum() == 0:
                        assert (rec["labels"][r] == -100).all()


def test_global_steps_do_not_depend_on_the_world_size(mlmprep_bin, store):
    """Global batch 8: R = 1, 2, 4 (B = 8, 4, 2) give the same global steps, row for row."""
    reference = None
    for world in (1, 2, 4):
        per_rank = [batches(stream(mlmprep_bin, store, "--batch-size", 8 // world, "--rank", f"{r}/{world}",
                                   "--epochs", 2)) for r in range(world)]
        steps = [b"".join(b"".join(rows(per_rank[r][k], real_only=False)) for r in range(world))
                 for k in range(len(per_rank[0]))]
        if reference is None:
            reference = steps
        assert steps == reference, f"R = {world}"


def test_start_step_writes_the_byte_identical_suffix(mlmprep_bin, store, tmp_path):
    """--start-step k: the stream is the uninterrupted stream's suffix, for k = 0, random k, an epoch boundary and
    the last step; each record's metadata names its epoch, step, rank and first position."""
    args = ("--batch-size", 4, "--epochs", 3, "--rank", "1/2")
    full = stream(mlmprep_bin, store, *args)
    records = batches(full)
    places = [place(r) for r in records]
    assert [p["step"] for p in places] == list(range(len(records)))
    assert all(p["rank"] == 1 for p in places)
    run(mlmprep_bin, store, *args, "-o", tmp_path / "d", "--quiet")
    per_epoch = json.loads((tmp_path / "d" / "manifest.json").read_text())["order"]["steps_per_epoch"]
    boundary = per_epoch[0]
    assert places[boundary]["epoch"] == 1 and places[boundary]["position"] == 4
    assert places[boundary - 1]["epoch"] == 0
    rng = random.Random(5)
    for k in sorted({0, boundary, boundary + per_epoch[1], len(records) - 1, *rng.sample(range(len(records)), 3)}):
        resumed = stream(mlmprep_bin, store, *args, "--start-step", k)
        assert full.endswith(resumed) and len(batches(resumed)) == len(records) - k, f"k = {k}"
        assert place(batches(resumed)[0])["step"] == k
    assert stream(mlmprep_bin, store, *args, "--start-step", len(records)) == b""
    result = run(mlmprep_bin, store, *args, "--stdout", "--start-step", len(records) + 1, expect=2)
    assert b"--start-step" in result.stderr


def test_directory_records_carry_metadata_and_the_manifest_counts(mlmprep_bin, store, tmp_path):
    out = tmp_path / "o"
    result = run(mlmprep_bin, store, "--batch-size", 5, "--rank", "0/2", "--tail", "drop", "-o", out)
    line = [l for l in result.stderr.decode().splitlines() if l.startswith("mask: order:")]
    assert len(line) == 1 and "steps/epoch" in line[0] and "tail drop" in line[0] and "B/sequence" in line[0]
    manifest = json.loads((out / "manifest.json").read_text())
    order = manifest["order"]
    n = order["sequences_per_epoch"][0]
    assert order["global_batch"] == 10 and order["steps_per_epoch"] == [n // 10]
    assert order["dropped_sequences"] == n % 10 and order["padding_rows"] == 0
    assert order["padding_rows_written"] == 0 and order["spill_bytes_per_sequence"] == 6 * SEQ + 8
    assert order["spill_memory_limit_bytes"] == 64 << 20 and order["start_step"] == 0 and order["world_size"] == 2
    assert manifest["counts"]["batches"] == n // 10 and manifest["counts"]["sequences"] == 5 * (n // 10)
    shard = sorted(out.glob("*.mlmb.zst"))[0]
    first = mlmprep_reader.read_batch(out, 0)
    assert place(first) == {"epoch": 0, "step": 0, "rank": 0, "position": 0}
    # The real safetensors library reads the same record and metadata.
    import zstandard
    raw = zstandard.ZstdDecompressor().decompressobj().decompress(shard.read_bytes())
    tensors = st_load(raw)
    assert np.array_equal(tensors["input_ids"], first["input_ids"])
    subprocess.run([mlmprep_bin, "verify", out], check=True, capture_output=True)
    padded = tmp_path / "p"
    run(mlmprep_bin, store, "--batch-size", 7, "--rank", "1/3", "--epochs", 2, "--start-step", 1, "-o", padded, "--quiet")
    order = json.loads((padded / "manifest.json").read_text())["order"]
    seen = sum(int((rec["attention_mask"].sum(axis=1) == 0).sum()) for rec in mlmprep_reader.iter_batches(padded))
    assert seen == order["padding_rows_written"] and order["padding_rows"] >= seen
    subprocess.run([mlmprep_bin, "verify", padded], check=True, capture_output=True)


def test_rank_from_the_environment_and_bad_ranks(mlmprep_bin, store):
    env = dict(ENV, RANK="1", WORLD_SIZE="2")
    assert stream(mlmprep_bin, store, "--batch-size", 4, env=env) == \
        stream(mlmprep_bin, store, "--batch-size", 4, "--rank", "1/2")
    for bad in ("2/2", "x", "1/0", "-1/2"):
        result = run(mlmprep_bin, store, "--stdout", "--rank", bad, expect=2)
        assert b"rank" in result.stderr
    result = run(mlmprep_bin, store, "--stdout", env=dict(ENV, RANK="3", WORLD_SIZE="2"), expect=2)
    assert b"RANK" in result.stderr
    run(mlmprep_bin, store, "--stdout", "--drop-last", "--tail", "pad", expect=2)
