"""Tests of ``MLMBatchDataset`` (mlmprep_reader/torch_dataset.py) with PyTorch's DataLoader.

torch is intentionally not part of the default install (tools/setup.sh: it is large and only the training
side needs it), so this file, and only this file, is skipped when torch is missing. tools/full_test.sh
installs torch and transformers into .venv and runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch", reason="torch is not installed: it is intentionally not in the default install (tools/setup.sh); "
                    "tools/full_test.sh installs torch + transformers into .venv and runs these tests")

from mlmprep_reader import MLMBatchDataset, iter_batches  # noqa: E402
from mlmprep_reader.torch_dataset import batch_to_torch  # noqa: E402
from test_batches import make_masked_batch  # noqa: E402
from test_reader import write_directory, write_shard  # noqa: E402

# Child Pythons import the installed package (tools/setup.sh), never a PYTHONPATH.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.fixture
def directory(tmp_path):
    shards = [[make_masked_batch(10 * s + k) for k in range(n)] for s, n in enumerate((3, 4, 2))]
    path = tmp_path / "out"
    write_directory(path, shards)
    return path, [b for s in shards for b in s]


def _same(item, batch):
    assert torch.equal(item["input_ids"], torch.from_numpy(batch["input_ids"].astype(np.int64)))
    assert torch.equal(item["labels"], torch.from_numpy(batch["labels"].astype(np.int64)))


def test_items_are_int64_model_inputs(directory):
    path, expected = directory
    items = list(MLMBatchDataset(path))
    assert len(items) == len(expected)
    for item, batch in zip(items, expected):
        assert list(item) == ["input_ids", "attention_mask", "labels"]
        assert all(t.dtype == torch.int64 for t in item.values())
        assert item["input_ids"].shape == batch["input_ids"].shape
        _same(item, batch)
        item["input_ids"][0, 0] = 5  # writable, not a view of the reader's read-only frame


def test_pair_labels_dropped_unless_asked(tmp_path):
    batches = [make_masked_batch(k, ids_dtype=np.uint16, pair="next_sentence_label") for k in range(3)]
    path = tmp_path / "pair.mlmb.zst"
    write_shard(path, batches)
    items = list(MLMBatchDataset(path))
    assert list(items[0]) == ["input_ids", "attention_mask", "token_type_ids", "labels"]
    assert items[0]["token_type_ids"].dtype == torch.int64
    with_pair = list(MLMBatchDataset(path, pair_labels=True))
    assert with_pair[1]["next_sentence_label"].dtype == torch.int64
    assert with_pair[1]["next_sentence_label"].tolist() == batches[1]["next_sentence_label"].tolist()
    raw = list(MLMBatchDataset(path, to_long=False, pair_labels=True))
    assert raw[0]["input_ids"].dtype == torch.uint16
    assert raw[0]["attention_mask"].dtype == torch.uint8 and raw[0]["labels"].dtype == torch.int32
    assert raw[0]["next_sentence_label"].dtype == torch.int32


def test_extra_fields(tmp_path):
    batch = make_masked_batch(0)
    batch["special_tokens_mask"] = np.zeros_like(batch["attention_mask"])
    path = tmp_path / "x.mlmb.zst"
    write_shard(path, [batch])
    assert "special_tokens_mask" not in next(iter(MLMBatchDataset(path)))
    item = next(iter(MLMBatchDataset(path, extra_fields=["special_tokens_mask"])))
    assert item["special_tokens_mask"].dtype == torch.int64


@pytest.mark.parametrize("workers, context", [(0, None), (1, None), (2, None), (2, "spawn")])
def test_dataloader_workers_split_a_directory(directory, workers, context):
    path, expected = directory
    ds = MLMBatchDataset(path, split="records")
    loader = ds.dataloader(num_workers=workers, multiprocessing_context=context) if workers else ds.dataloader()
    items = list(loader)
    assert len(items) == len(expected)
    for item, batch in zip(items, expected):  # every n-th batch per worker: the order is kept
        _same(item, batch)


def test_dataloader_workers_by_shards(directory):
    path, expected = directory
    items = list(MLMBatchDataset(path, split="shards").dataloader(num_workers=2))
    key = lambda t: t["input_ids"].numpy().astype(np.int64).tobytes()  # noqa: E731
    assert sorted(map(key, items)) == sorted(key(batch_to_torch(b)) for b in expected)


def test_dataloader_batch_size_must_be_none(directory):
    with pytest.raises(ValueError, match="batch_size=None"):
        MLMBatchDataset(directory[0]).dataloader(batch_size=8)


STDIN_SCRIPT = """
import sys, torch, mlmprep_reader as m
ds = m.MLMBatchDataset("-")
workers = int(sys.argv[1])
try:
    n = sum(1 for _ in ds.dataloader(num_workers=workers))
except Exception as e:
    print("ERROR", type(e).__name__, e)
    sys.exit(3)
print(n)
"""


@pytest.mark.parametrize("workers", [0, 1])
def test_stdin_in_the_main_process_or_one_worker(tmp_path, workers):
    path = tmp_path / "s.mlmb.zst"
    write_shard(path, [make_masked_batch(k) for k in range(5)])
    cat = subprocess.Popen(["cat", str(path), str(path)], stdout=subprocess.PIPE)
    result = subprocess.run([sys.executable, "-c", STDIN_SCRIPT, str(workers)], stdin=cat.stdout,
                            capture_output=True, env=ENV, timeout=300)
    cat.stdout.close()
    cat.wait()
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert result.stdout.split()[-1] == b"10"


def test_stdin_cannot_be_split(tmp_path):
    path = tmp_path / "s.mlmb.zst"
    write_shard(path, [make_masked_batch(k) for k in range(3)])
    with open(path, "rb") as f:
        result = subprocess.run([sys.executable, "-c", STDIN_SCRIPT, "2"], stdin=f, capture_output=True,
                                env=ENV, timeout=300)
    assert result.returncode == 3
    assert b"stdin cannot be split between 2 DataLoader workers" in result.stdout


def test_iter_batches_matches_dataset(directory):
    path, _ = directory
    for item, batch in zip(MLMBatchDataset(path), iter_batches(path), strict=True):
        _same(item, batch)


def test_bert_for_masked_lm_accepts_items(tmp_path):
    transformers = pytest.importorskip("transformers", reason="transformers is not installed "
                                       "(tools/full_test.sh installs it)")
    batches = [make_masked_batch(k, pair="next_sentence_label") for k in range(2)]
    path = tmp_path / "b.mlmb.zst"
    write_shard(path, batches)
    config = transformers.BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=64)
    torch.manual_seed(0)
    mlm = transformers.BertForMaskedLM(config)
    for item in MLMBatchDataset(path):
        out = mlm(**item)
        assert out.loss.ndim == 0 and torch.isfinite(out.loss)
    pretraining = transformers.BertForPreTraining(config)
    for item in MLMBatchDataset(path, pair_labels=True):
        assert torch.isfinite(pretraining(**item).loss)
