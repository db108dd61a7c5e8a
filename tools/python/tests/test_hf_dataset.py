"""The Hugging Face ``datasets`` adapter (``hf_iterable_dataset``) on real ``mlmprep mask`` output.

Every row the adapter yields must equal the matching row of our batches, decoded here without our reader:
the shard's frames found through its seek table, each frame decompressed with ``zstandard`` and loaded with
``safetensors.numpy``. Several directories: token, word and span masking, u16 ids, pair packing with NSP and
SOP, odd batch sizes with a partial last batch, several shards; then stdin, a pipe, saved pipe output, the
split between nodes, and damaged input. (``Trainer`` on these rows runs in test_hf_trainer.py, full mode.)
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import datasets
import numpy as np
import pytest
import zstandard
from safetensors.numpy import load as st_load

from mlmprep_reader import MLMBError, hf_iterable_dataset, iter_batches
from test_mask_cli import frames_of, store  # noqa: F401  (store is a fixture)

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
SEQUENCE_FIELDS = ("input_ids", "attention_mask", "token_type_ids", "special_tokens_mask", "labels")
PAIR_FIELDS = ("next_sentence_label", "sentence_order_label")

#: name -> mask flags; every batch size leaves a partial last batch (checked below).
RUNS = {
    "token-b6": ["--strategy", "token", "--seq-len", "64", "--batch-size", "6"],
    "word-u16-b5": ["--strategy", "word", "--seq-len", "96", "--batch-size", "5", "--ids", "u16", "--rate", "0.3"],
    "span-b11": ["--strategy", "span", "--seq-len", "128", "--batch-size", "11", "--rate", "0.2"],
    "pair-nsp-b9": ["--pack", "pair", "--pair-task", "nsp", "--seq-len", "64", "--batch-size", "9"],
    "pair-sop-b3": ["--pack", "pair", "--pair-task", "sop", "--seq-len", "48", "--batch-size", "3",
                    "--strategy", "word"],
    "shards-b13": ["--seq-len", "512", "--batch-size", "13", "--epochs", "40", "--max-shard-mb", "1"],
}


def mask_to(mlmprep_bin, store_dir, out: Path, flags) -> Path:
    subprocess.run([mlmprep_bin, "mask", str(store_dir), *flags, "-o", str(out), "--quiet"], check=True,
                   timeout=300)
    return out


@pytest.fixture(scope="module")
def runs(mlmprep_bin, store, tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("hf")
    return {name: mask_to(mlmprep_bin, store, base / name, flags) for name, flags in RUNS.items()}


def reference_batches(directory: Path) -> list[dict[str, np.ndarray]]:
    """Every batch of an output directory, read with zstandard + safetensors only (not our reader)."""
    manifest = json.loads((directory / "manifest.json").read_text())
    batches = []
    for shard in manifest["shards"]:
        for frame in frames_of(directory / shard["file"]):
            raw = zstandard.ZstdDecompressor().decompressobj().decompress(frame)
            batches.append(st_load(raw))
    return batches


def reference_rows(batches) -> list[dict]:
    rows = []
    for batch in batches:
        names = [n for n in SEQUENCE_FIELDS + PAIR_FIELDS if n in batch]
        for i in range(batch["input_ids"].shape[0]):
            rows.append({n: batch[n][i].tolist() for n in names})
    return rows


def rows_digest(rows) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


@pytest.mark.parametrize("name", list(RUNS))
def test_rows_equal_batch_rows(runs, name):
    directory = runs[name]
    batches = reference_batches(directory)
    expected = reference_rows(batches)
    manifest = json.loads((directory / "manifest.json").read_text())
    assert len(expected) == sum(s["sequences"] for s in manifest["shards"])
    size = int(RUNS[name][RUNS[name].index("--batch-size") + 1])
    assert batches[-1]["input_ids"].shape[0] < size, "each run here is meant to end with a partial batch"
    # Batches are full but for the last one of each epoch (40 epochs in the "shards" run).
    epochs = json.loads((directory / "manifest.json").read_text())["epochs"]
    assert sum(b["input_ids"].shape[0] < size for b in batches) == epochs

    ds = hf_iterable_dataset(directory)
    assert isinstance(ds, datasets.IterableDataset)
    assert ds.num_shards == len(manifest["shards"])
    rows = list(ds)
    assert len(rows) == len(expected)
    for k, (row, want) in enumerate(zip(rows, expected)):
        assert row == want, f"row {k} differs"
    # The features name the stored dtypes, and the pair runs carry their label column.
    first = batches[0]
    assert list(ds.features) == list(expected[0])
    assert ds.features["input_ids"].feature.dtype == str(first["input_ids"].dtype)
    assert ds.features["labels"].feature.dtype == "int32"
    if name.startswith("pair"):
        label = "next_sentence_label" if "nsp" in name else "sentence_order_label"
        assert ds.features[label].dtype == "int32" and "token_type_ids" in ds.features
        assert {row[label] for row in rows} == {0, 1}
    # A second pass (the next epoch of Trainer) reads the same rows again.
    assert rows_digest(list(ds)) == rows_digest(expected)


def test_the_runs_cover_the_masking_strategies(runs):
    strategies = {json.loads((runs[n] / "manifest.json").read_text())["masking"]["strategy"] for n in RUNS}
    assert {"token", "word", "span"} <= strategies


def test_several_shards_split_between_nodes(runs):
    directory = runs["shards-b13"]
    expected = reference_rows(reference_batches(directory))
    ds = hf_iterable_dataset(directory)
    assert ds.num_shards >= 3
    from datasets.distributed import split_dataset_by_node

    parts = [list(split_dataset_by_node(ds, rank=r, world_size=2)) for r in range(2)]
    assert parts[0] and parts[1] and len(parts[0]) + len(parts[1]) == len(expected)
    # datasets hands out whole shards when their number divides by the nodes, else every other row: either
    # way the two nodes' rows together are all rows, each once.
    as_text = lambda rows: sorted(json.dumps(row, sort_keys=True) for row in rows)  # noqa: E731
    assert as_text(parts[0] + parts[1]) == as_text(expected)


def test_pair_labels_and_extra_fields(runs):
    directory = runs["pair-nsp-b9"]
    rows = list(hf_iterable_dataset(directory, pair_labels=False))
    assert rows and all("next_sentence_label" not in row and "token_type_ids" in row for row in rows)
    assert len(rows) == sum(b["input_ids"].shape[0] for b in iter_batches(directory))


def test_stdin_pipe_and_saved_stream(mlmprep_bin, store, tmp_path):  # noqa: F811
    flags = RUNS["pair-nsp-b9"]
    directory = mask_to(mlmprep_bin, store, tmp_path / "dir", flags)
    expected = rows_digest(reference_rows(reference_batches(directory)))
    # stdin of another Python, from `mlmprep mask --stdout` through a shell pipe.
    script = ("import hashlib, json, mlmprep_reader as m\n"
              "rows = list(m.hf_iterable_dataset('-'))\n"
              "print(hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest())\n")
    command = (f"'{mlmprep_bin}' mask '{store}' {' '.join(flags)} --stdout --quiet "
               f"| '{sys.executable}' -c \"$SCRIPT\"")
    shown = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, timeout=300,
                           env={**ENV, "SCRIPT": script})
    assert shown.returncode == 0, shown.stderr.decode()
    assert shown.stdout.decode().strip() == expected
    # A pipe object in this process, and the same bytes saved to a file.
    proc = subprocess.Popen([mlmprep_bin, "mask", str(store), *flags, "--stdout", "--quiet"],
                            stdout=subprocess.PIPE)
    with proc.stdout:
        assert rows_digest(list(hf_iterable_dataset(proc.stdout))) == expected
    assert proc.wait(timeout=300) == 0
    saved = tmp_path / "saved.bin"
    saved.write_bytes(subprocess.run([mlmprep_bin, "mask", str(store), *flags, "--stdout", "--quiet"],
                                     check=True, capture_output=True).stdout)
    assert rows_digest(list(hf_iterable_dataset(saved))) == expected


def test_bad_input_names_the_file(runs, store, tmp_path):  # noqa: F811
    with pytest.raises(MLMBError, match="tokenized store"):
        hf_iterable_dataset(store)
    with pytest.raises(MLMBError, match="no such file"):
        hf_iterable_dataset(tmp_path / "missing")
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for path in runs["token-b6"].iterdir():
        (damaged / path.name).write_bytes(path.read_bytes())
    shard = sorted(damaged.glob("*.mlmb.zst"))[0]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x40
    shard.write_bytes(bytes(data))
    with pytest.raises(MLMBError, match=shard.name):
        list(hf_iterable_dataset(damaged))
    (damaged / "manifest.json").unlink()
    with pytest.raises(MLMBError, match="incomplete run"):
        hf_iterable_dataset(damaged)


def test_importing_the_package_imports_neither_datasets_nor_torch():
    script = ("import sys, mlmprep_reader\nfrom mlmprep_reader import *\n"
              "print(sorted(m for m in ('datasets', 'torch', 'pyarrow') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, env=ENV, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip() == "[]"
