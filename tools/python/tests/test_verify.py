"""``mlmprep verify`` on intact output and on damaged copies: every single-byte flip must be caught."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def outputs(mlmprep_bin, tmp_path_factory) -> dict[str, Path]:
    vocab = os.environ.get("MLMPREP_BERT_VOCAB")
    assert vocab and Path(vocab).is_file(), "MLMPREP_BERT_VOCAB must name bert-base-uncased vocab.txt"
    base = tmp_path_factory.mktemp("verify")
    store, batches = base / "tok", base / "batches"
    subprocess.run([mlmprep_bin, "tokenize", REPO / "corpora/en.txt", REPO / "corpora/multilingual.txt",
                    "--vocab", vocab, "-o", store, "--quiet"], check=True)
    subprocess.run([mlmprep_bin, "mask", store, "--seq-len", "64", "--batch-size", "8", "-o", batches, "--quiet"],
                   check=True)
    return {"store": store, "batches": batches}


@pytest.mark.parametrize("kind", ["store", "batches"])
def test_intact_output_verifies(mlmprep_bin, outputs, kind):
    result = subprocess.run([mlmprep_bin, "verify", outputs[kind]], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    assert b"intact" in result.stdout


@pytest.mark.parametrize("kind", ["store", "batches"])
def test_every_single_byte_flip_is_caught(mlmprep_bin, outputs, kind, tmp_path):
    source = outputs[kind]
    shard = sorted(source.glob("*.mlmb.zst"))[0]
    original = shard.read_bytes()
    rng = random.Random(1234)
    damaged = tmp_path / "damaged"
    shutil.copytree(source, damaged)
    target = damaged / shard.name
    missed = []
    for trial in range(100):
        data = bytearray(original)
        position = rng.randrange(len(data))
        # Half single-bit flips, half whole-byte changes.
        data[position] ^= (1 << rng.randrange(8)) if trial % 2 == 0 else rng.randrange(1, 256)
        target.write_bytes(bytes(data))
        result = subprocess.run([mlmprep_bin, "verify", damaged], capture_output=True)
        message = result.stderr.decode()
        if result.returncode != 1 or shard.name not in message:
            missed.append((position, result.returncode, message))
    assert not missed, f"{len(missed)} flips not reported: {missed[:3]}"


def test_missing_manifest_and_truncation(mlmprep_bin, outputs, tmp_path):
    damaged = tmp_path / "cut"
    shutil.copytree(outputs["batches"], damaged)
    shard = sorted(damaged.glob("*.mlmb.zst"))[0]
    shard.write_bytes(shard.read_bytes()[:-100])
    result = subprocess.run([mlmprep_bin, "verify", damaged], capture_output=True)
    assert result.returncode == 1 and shard.name in result.stderr.decode()
    (damaged / "manifest.json").unlink()
    result = subprocess.run([mlmprep_bin, "verify", damaged], capture_output=True)
    assert result.returncode == 1 and "manifest.json" in result.stderr.decode()
