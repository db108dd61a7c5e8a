"""End-to-end tests of ``mlmprep mask`` and ``mlmprep inspect`` with the real consumers: safetensors, numpy,
zstandard, the zstd CLI and shell pipes. Run by tools/test.sh with ``MLMPREP_BIN`` set."""

from __future__ import annotations

import json
import os
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import zstandard
from safetensors.numpy import load as st_load

import mlmprep_reader

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"


@pytest.fixture(scope="module")
def store(mlmprep_bin, tmp_path_factory) -> Path:
    vocab = os.environ.get("MLMPREP_BERT_VOCAB")
    assert vocab and Path(vocab).is_file(), "MLMPREP_BERT_VOCAB must name bert-base-uncased vocab.txt"
    out = tmp_path_factory.mktemp("mask") / "tok"
    subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", CORPORA / "multilingual.txt", "--vocab", vocab,
                    "-o", out, "--quiet"], check=True)
    return out


def mask(mlmprep_bin, store, *args, expect=0) -> subprocess.CompletedProcess:
    result = subprocess.run([mlmprep_bin, "mask", str(store), *map(str, args)], capture_output=True, timeout=300)
    assert result.returncode == expect, result.stderr.decode()
    return result


def frames_of(shard: Path) -> list[bytes]:
    data = shard.read_bytes()
    n, desc, magic = struct.unpack("<IBI", data[-9:])
    assert magic == 0x8F92EAB1
    width = 12 if desc & 0x80 else 8
    table = np.frombuffer(data[-9 - n * width:-9], "<u4").reshape(n, width // 4)
    frames, offset = [], 0
    for compressed in table[:, 0]:
        frames.append(data[offset:offset + int(compressed)])
        offset += int(compressed)
    return frames


def test_every_frame_is_a_safetensors_file(mlmprep_bin, store, tmp_path):
    out = tmp_path / "b"
    mask(mlmprep_bin, store, "--rate", "0.4", "--seq-len", "64", "--batch-size", "8", "-o", out, "--quiet")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "mlmprep.batches"
    shard = out / manifest["shards"][0]["file"]
    subprocess.run(["zstd", "-q", "-t", shard], check=True)
    raw = subprocess.run(["zstd", "-q", "-dc", shard], check=True, capture_output=True).stdout
    records = [zstandard.ZstdDecompressor().decompress(f) for f in frames_of(shard)]
    assert b"".join(records) == raw
    ours = list(mlmprep_reader.iter_records(out))
    assert len(ours) == len(records) == manifest["counts"]["batches"]
    predicted = candidates = 0
    for record, batch in zip(records, ours):
        tensors = st_load(record)
        assert set(tensors) == {"input_ids", "labels", "attention_mask"}
        for name in tensors:
            np.testing.assert_array_equal(tensors[name], batch[name])
        ids, labels, attention = tensors["input_ids"], tensors["labels"], tensors["attention_mask"]
        assert ids.dtype == np.int32 and labels.dtype == np.int32 and attention.dtype == np.uint8
        assert ids.shape[1] == 64 and ids.shape == labels.shape == attention.shape
        assert (labels[attention == 0] == -100).all()
        predicted += int((labels != -100).sum())
        candidates += int(attention.sum()) - 2 * ids.shape[0]
    assert predicted == manifest["counts"]["predicted"]
    assert abs(predicted / manifest["counts"]["candidates"] - 0.4) < 0.03


def test_stdout_equals_disk_and_threads_do_not_matter(mlmprep_bin, store, tmp_path):
    args = ["--strategy", "span", "--rate", "0.3", "--seq-len", "96", "--batch-size", "4", "--seed", "9"]
    mask(mlmprep_bin, store, *args, "-o", tmp_path / "t1", "--threads", "1", "--quiet")
    mask(mlmprep_bin, store, *args, "-o", tmp_path / "t2", "--threads", "2", "--quiet")
    shard1 = sorted((tmp_path / "t1").glob("*.mlmb.zst"))
    shard2 = sorted((tmp_path / "t2").glob("*.mlmb.zst"))
    assert [p.read_bytes() for p in shard1] == [p.read_bytes() for p in shard2]
    piped = mask(mlmprep_bin, store, *args, "--stdout", "--quiet").stdout
    assert piped == b"".join(b"".join(frames_of(p)) for p in shard1)
    other = mask(mlmprep_bin, store, *args, "--epoch", "1", "--stdout", "--quiet").stdout
    assert other != piped


def test_pipe_into_a_python_reader_and_early_close(mlmprep_bin, store):
    reader = ("import sys; import mlmprep_reader as m; "
              "print(sum(b['input_ids'].shape[0] for b in m.iter_records(sys.stdin.buffer)))")
    pipeline = f"{mlmprep_bin} mask {store} --seq-len 32 --batch-size 4 --epochs 3 --stdout --quiet | python3 -c \"{reader}\""
    shown = subprocess.run(["bash", "-o", "pipefail", "-c", pipeline], capture_output=True, timeout=300,
                           env={**os.environ, "PATH": str(Path(os.environ.get("MLMPREP_PYTHON", "python3")).parent) + ":" + os.environ["PATH"]})
    assert shown.returncode == 0, shown.stderr.decode()
    assert int(shown.stdout) > 100
    closed = subprocess.run(["bash", "-o", "pipefail", "-c",
                             f"{mlmprep_bin} mask {store} --seq-len 32 --batch-size 1 --epochs 50 --stdout | head -c 100 > /dev/null"],
                            capture_output=True, timeout=300)
    assert closed.returncode == 0, closed.stderr.decode()
    assert b"Traceback" not in closed.stderr and b"Fatal" not in closed.stderr


def test_pair_packing_and_u16_ids(mlmprep_bin, store, tmp_path):
    out = tmp_path / "pair"
    mask(mlmprep_bin, store, "--preset", "bert", "--seq-len", "64", "--batch-size", "8", "--ids", "u16", "-o", out, "--quiet")
    batch = next(mlmprep_reader.iter_records(out))
    assert batch["input_ids"].dtype == np.uint16
    assert batch["token_type_ids"].dtype == np.uint8
    assert set(np.unique(batch["next_sentence_label"])) <= {0, 1}
    # BERT's cap of 20 predictions per 128 tokens: at most 10 at length 64.
    assert ((batch["labels"] != -100).sum(axis=1) <= 10).all()


def test_inspect_shows_masked_tokens(mlmprep_bin, store, tmp_path):
    out = tmp_path / "i"
    mask(mlmprep_bin, store, "--rate", "0.5", "--seq-len", "48", "--batch-size", "4", "-o", out, "--quiet")
    shown = subprocess.run([mlmprep_bin, "inspect", out, "--plain"], capture_output=True, check=True).stdout.decode()
    assert "[MASK:" in shown and "predicted" in shown and "[CLS]" in shown


@pytest.mark.parametrize("args, code, words", [
    (["--rate", "1.5"], 2, "--rate"),
    (["--rate", "0"], 2, "--rate"),
    (["--replace", "0.8,0.1,0.2"], 2, "--replace"),
    (["--seq-len", "2"], 2, "--seq-len"),
    (["--pack", "pair", "--seq-len", "4"], 2, "--seq-len"),
])
def test_bad_settings_exit_2(mlmprep_bin, store, tmp_path, args, code, words):
    result = mask(mlmprep_bin, store, *args, "-o", tmp_path / "x", expect=code)
    assert words in result.stderr.decode()


def test_unfinished_store_is_refused(mlmprep_bin, store, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in store.iterdir():
        if item.name != "manifest.json":
            (broken / item.name).write_bytes(item.read_bytes())
    result = mask(mlmprep_bin, broken, "-o", tmp_path / "x", expect=1)
    message = result.stderr.decode()
    assert "manifest.json" in message and str(broken) in message
    assert len(message.strip().splitlines()) == 1
