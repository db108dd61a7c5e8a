"""Full mode (tools/full_test.sh): the real ``StreamingDataset`` of MosaicML Streaming reads ``mlmprep mask --format
mds`` output, with torch. Skipped without torch (the default test command has none); full_test.sh fails on a skip.

``StreamingDataset`` and ``Stream`` are the wheel's own modules (see ``streaming_wheel.py``), imported with the real
torch; only ``streaming/__init__.py`` is not run, because it imports the vision and text datasets (torchvision,
transformers), which reading MDS does not use.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import streaming_wheel  # noqa: E402
from safetensors_stream import records  # noqa: E402

CORPORA = Path(__file__).resolve().parents[3] / "corpora"


@pytest.fixture(scope="module")
def streaming(tmp_path_factory):
    modules = streaming_wheel.load(tmp_path_factory.mktemp("streaming-wheel"), {
        "dataset": "streaming.base.dataset", "util": "streaming.base.util",
    }, stand_ins=False)
    yield modules
    streaming_wheel.unload()


@pytest.fixture(scope="module")
def datasets(mlmprep_bin, vocab, tmp_path_factory):
    """One store masked twice with the same settings: as MLMB (the reference rows) and as MDS with hashes."""
    root = tmp_path_factory.mktemp("mds-full")
    subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", CORPORA / "multilingual.txt", "--vocab", vocab,
                    "-o", root / "tok", "--quiet"], check=True)
    common = ["--seq-len", 48, "--batch-size", 8, "--pack", "pair", "--seed", 5, "--epochs", 2, "--quiet"]
    for out, extra in [("mlmb", []), ("mds", ["--format", "mds", "--mds-hashes", "sha1,xxh64",
                                               "--max-shard-bytes", 40000])]:
        subprocess.run([mlmprep_bin, "mask", root / "tok", *map(str, common + extra), "-o", root / out], check=True)
    rows = [{name: np.array(value[row]) for name, value in batch.items()}
            for batch in records(root / "mlmb") for row in range(len(batch["input_ids"]))]
    return root, rows


def key(sample) -> tuple:
    return tuple((name, np.asarray(sample[name]).tobytes()) for name in sorted(sample))


def test_streamingdataset_yields_exactly_our_sequences(streaming, datasets, tmp_path):
    root, rows = datasets
    assert len(json.loads((root / "mds" / "index.json").read_text())["shards"]) > 3
    streaming.util.clean_stale_shared_memory()
    dataset = streaming.dataset.StreamingDataset(local=str(root / "mds"), shuffle=True, batch_size=8,
                                                 validate_hash="sha1", shuffle_seed=9)
    samples = list(dataset)
    assert len(samples) == len(rows) == dataset.num_samples
    assert Counter(map(key, samples)) == Counter(map(key, rows))
    assert [key(s) for s in samples] != [key(r) for r in rows]  # shuffled
    # Streaming refuses two live datasets on one local directory: read a copy (its shards are still compressed).
    copy = tmp_path / "copy"
    shutil.copytree(root / "mds", copy, ignore=shutil.ignore_patterns("*.mds"))
    in_order = streaming.dataset.StreamingDataset(local=str(copy), shuffle=False, batch_size=8, validate_hash="xxh64")
    assert [key(s) for s in in_order] == [key(r) for r in rows]
    loader = torch.utils.data.DataLoader(in_order, batch_size=8)
    batch = next(iter(loader))
    assert batch["input_ids"].shape == (8, 48) and batch["input_ids"].dtype == torch.int32
    assert batch["next_sentence_label"].shape == (8,)
    assert torch.equal(batch["labels"][0], torch.from_numpy(rows[0]["labels"]))


def test_validate_hash_checks_the_recorded_hashes(streaming, datasets, tmp_path):
    """A dataset whose recorded sha1 of one shard is wrong: only the hash check can notice (the data is intact)."""
    root, rows = datasets
    index = json.loads((root / "mds" / "index.json").read_text())
    index["shards"][-1]["zip_data"]["hashes"]["sha1"] = "0" * 40
    for name in ("unchecked", "checked"):
        shutil.copytree(root / "mds", tmp_path / name, ignore=shutil.ignore_patterns("*.mds"))
        (tmp_path / name / "index.json").write_text(json.dumps(index, sort_keys=True))
    streaming.util.clean_stale_shared_memory()
    unchecked = streaming.dataset.StreamingDataset(local=str(tmp_path / "unchecked"), shuffle=False, batch_size=8)
    assert len(list(unchecked)) == len(rows)
    checked = streaming.dataset.StreamingDataset(local=str(tmp_path / "checked"), shuffle=False, batch_size=8,
                                                 validate_hash="sha1")
    with pytest.raises(Exception):
        list(checked)
