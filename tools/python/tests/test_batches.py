"""Tests of the trainer-side batch API (``iter_batches``, ``read_batch``, ``check_batch``), torch-free.

Batch files are written here with the reference libraries (``safetensors.numpy.save``, ``zstandard`` frames
and a hand-built seek table, through the helpers of test_reader.py), so these tests pin the reader to the
contract of docs/design.md §3.2 independently of the Swift writer. When ``MLMPREP_BIN`` names the built CLI and
it has the ``mask`` subcommand, the real pipeline ``tokenize | mask --stdout | python`` is checked too.

Run: ``.venv/bin/python -m pytest tools/python/tests/test_batches.py``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mlmprep_reader
from mlmprep_reader import MLMBError, check_batch, iter_batches, iter_documents, read_batch
from test_reader import write_directory, write_shard

REPO = Path(__file__).resolve().parents[3]
# Child Pythons import the installed package (tools/setup.sh), never a PYTHONPATH.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
TIMEOUT = 600

PAD, UNK, CLS, SEP, MASK = 0, 100, 101, 102, 103
VOCAB = 30522

# ----------------------------------------------------------------------------------------------------
# Batches shaped like mlmprep's


def make_masked_batch(k: int, batch: int = 4, seq: int = 32, *, ids_dtype=np.int32, pair: str | None = None,
                      rate: float = 0.4) -> dict[str, np.ndarray]:
    """A plausible masked batch: [CLS] tokens [SEP] [PAD]..., labels on ~rate of the real tokens."""
    rng = np.random.default_rng(1000 + k)
    original = np.full((batch, seq), PAD, dtype=np.int64)
    attention = np.zeros((batch, seq), dtype=np.uint8)
    for b in range(batch):
        n = int(rng.integers(4, seq + 1))
        original[b, 0], original[b, n - 1] = CLS, SEP
        original[b, 1:n - 1] = rng.integers(999, VOCAB, size=n - 2)
        attention[b, :n] = 1
    candidates = (attention == 1) & (original != CLS) & (original != SEP)
    chosen = candidates & (rng.random((batch, seq)) < rate)
    labels = np.where(chosen, original, -100).astype(np.int32)
    corrupted = original.copy()
    corrupted[chosen] = MASK
    out = {"input_ids": corrupted.astype(ids_dtype), "labels": labels, "attention_mask": attention}
    if pair:
        out["token_type_ids"] = np.zeros((batch, seq), dtype=np.uint8)
        out[pair] = rng.integers(0, 2, size=batch).astype(np.int32)
    return out


def assert_same(record, arrays: dict[str, np.ndarray]):
    assert set(record) == set(arrays)
    for name, array in arrays.items():
        assert record[name].dtype == array.dtype, name
        assert record[name].shape == array.shape, name
        np.testing.assert_array_equal(record[name], array, err_msg=name)


@pytest.fixture
def batches():
    # The last batch is smaller, as mlmprep writes it without --drop-last.
    return [make_masked_batch(k) for k in range(6)] + [make_masked_batch(6, batch=2)]


@pytest.fixture
def shard(tmp_path, batches):
    path = tmp_path / "shard-00000.mlmb.zst"
    write_shard(path, batches)
    return path


@pytest.fixture
def directory(tmp_path):
    shards = [[make_masked_batch(10 * s + k) for k in range(n)] for s, n in enumerate((3, 4, 1, 2))]
    shards[-1].append(make_masked_batch(99, batch=1))
    path = tmp_path / "out"
    write_directory(path, shards)
    return path, [b for s in shards for b in s]


# ----------------------------------------------------------------------------------------------------
# Reading files, directories and pipes


def test_iter_batches_file(shard, batches):
    got = list(iter_batches(shard))
    assert len(got) == len(batches)
    for k, (batch, expected) in enumerate(zip(got, batches)):
        assert isinstance(batch, dict)
        assert_same(batch, expected)
        assert batch.index == k and batch.source == str(shard)
        assert batch.metadata == {"record": str(k)}
    assert got[-1]["input_ids"].shape == (2, 32)


def test_iter_batches_str_path_and_file_object(shard, batches):
    assert len(list(iter_batches(str(shard)))) == len(batches)
    with open(shard, "rb") as f:
        for batch, expected in zip(iter_batches(f), batches, strict=True):
            assert_same(batch, expected)
    for batch, expected in zip(iter_batches(io.BytesIO(shard.read_bytes())), batches, strict=True):
        assert_same(batch, expected)


def test_read_batch_shard(shard, batches):
    for i, expected in enumerate(batches):
        assert_same(read_batch(shard, i), expected)
    assert_same(read_batch(shard, -1), batches[-1])
    with pytest.raises(IndexError):
        read_batch(shard, len(batches))


def test_iter_batches_directory(directory):
    path, expected = directory
    got = list(iter_batches(path))
    assert len(got) == len(expected)
    for batch, want in zip(got, expected):
        assert_same(batch, want)
    assert got[0].source.endswith("shard-00000.mlmb.zst")
    assert got[-1].source.endswith("shard-00003.mlmb.zst")


def test_read_batch_directory_global_index(directory):
    path, expected = directory
    for i, want in enumerate(expected):
        assert_same(read_batch(path, i), want)
    assert_same(read_batch(path, -1), expected[-1])
    assert_same(read_batch(str(path), -len(expected)), expected[0])
    with pytest.raises(IndexError, match="out of range"):
        read_batch(path, len(expected))


def test_iter_batches_from_a_pipe(tmp_path, batches):
    """Two shards concatenated by `cat` into a python process reading stdin (the seek table in between is
    a skippable frame), as `mlmprep mask --stdout | python train.py` delivers them."""
    first = tmp_path / "a.mlmb.zst"
    second = tmp_path / "b.mlmb.zst"
    write_shard(first, batches[:4])
    write_shard(second, batches[4:])
    script = ("import json, mlmprep_reader as m\n"
              "print(json.dumps([[b.source, {k: [str(v.dtype), v.tolist()] for k, v in b.items()}]"
              " for b in m.iter_batches()]))")
    cat = subprocess.Popen(["cat", str(first), str(second)], stdout=subprocess.PIPE)
    result = subprocess.run([sys.executable, "-c", script], stdin=cat.stdout, capture_output=True, env=ENV,
                            timeout=TIMEOUT)
    cat.stdout.close()
    assert cat.wait() == 0
    assert result.returncode == 0, result.stderr.decode()
    out = json.loads(result.stdout)
    assert len(out) == len(batches)
    for (source, tensors), want in zip(out, batches):
        assert source == "<stdin>"
        assert set(tensors) == set(want)
        for name, array in want.items():
            assert tensors[name][0] == str(array.dtype)
            assert tensors[name][1] == array.tolist()


def test_iter_batches_pipe_closed_early_by_reader(tmp_path, batches):
    """The reader may stop after a few batches; that is the writer's EPIPE to handle, not an error here."""
    path = tmp_path / "a.mlmb.zst"
    write_shard(path, batches * 50)
    script = ("import itertools, mlmprep_reader as m\n"
              "print(sum(1 for _ in itertools.islice(m.iter_batches('-'), 3)))")
    with open(path, "rb") as f:
        result = subprocess.run([sys.executable, "-c", script], stdin=f, capture_output=True, env=ENV,
                                timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.strip() == b"3"


def test_u16_ids_and_pair_fields(tmp_path):
    batches = [make_masked_batch(k, ids_dtype=np.uint16, pair="next_sentence_label") for k in range(3)]
    batches.append(make_masked_batch(3, pair="sentence_order_label"))
    path = tmp_path / "pair.mlmb.zst"
    write_shard(path, batches)
    for batch, want in zip(iter_batches(path), batches, strict=True):
        assert_same(batch, want)
    assert read_batch(path, 0)["input_ids"].dtype == np.uint16
    assert read_batch(path, 0)["next_sentence_label"].shape == (4,)


# ----------------------------------------------------------------------------------------------------
# Checks


def _bad(name: str, value):
    batch = make_masked_batch(0)
    if value is None:
        del batch[name]
    else:
        batch[name] = value
    return batch


@pytest.mark.parametrize("batch, message", [
    (_bad("labels", None), "tensor 'labels' is missing"),
    (_bad("attention_mask", None), "tensor 'attention_mask' is missing"),
    (_bad("labels", np.zeros((4, 32), np.int64)), "labels must be I32, got I64"),
    (_bad("input_ids", np.zeros((4, 32), np.int64)), "input_ids must be I32 or U16, got I64"),
    (_bad("attention_mask", np.ones((4, 32), np.int32)), "attention_mask must be U8, got I32"),
    (_bad("labels", np.zeros((4, 31), np.int32)), r"labels has shape \[4, 31\] but input_ids has \[4, 32\]"),
    (_bad("input_ids", np.zeros(128, np.int32)), "input_ids must be 2-D"),
    (_bad("token_type_ids", np.zeros((3, 32), np.uint8)), "token_type_ids has shape"),
    (_bad("next_sentence_label", np.zeros(4, np.int64)), "next_sentence_label must be I32 \\[4\\]"),
    (_bad("next_sentence_label", np.zeros(3, np.int32)), "next_sentence_label must be I32 \\[4\\]"),
    ({**make_masked_batch(0), "next_sentence_label": np.zeros(4, np.int32),
      "sentence_order_label": np.zeros(4, np.int32)}, "both next_sentence_label and sentence_order_label"),
])
def test_check_batch_refuses(tmp_path, batch, message):
    path = tmp_path / "bad.mlmb.zst"
    write_shard(path, [make_masked_batch(1), batch])
    records = iter_batches(path)
    next(records)
    with pytest.raises(MLMBError, match=message) as info:
        next(records)
    assert info.value.source == str(path) and info.value.record == 1
    assert str(info.value).startswith(f"{path}: record 1: not a masked batch: ")
    with pytest.raises(MLMBError, match=message):
        read_batch(path, 1)


def test_extra_tensors_are_allowed():
    batch = make_masked_batch(0)
    batch["special_tokens_mask"] = np.zeros((4, 32), np.uint8)
    batch["something_new"] = np.zeros(7, np.float32)
    check_batch(mlmprep_reader.Record(batch))


def test_tokenized_store_is_refused(tmp_path):
    from test_reader import make_token_record

    store = tmp_path / "tok"
    write_directory(store, [[make_token_record([[5, 6, 7], [8, 9]])]], fmt="mlmprep.tokens")
    with pytest.raises(MLMBError, match="not masked batches .*tokenized store.*mlmprep mask"):
        iter_batches(store)
    with pytest.raises(MLMBError, match="not masked batches"):
        read_batch(store, 0)
    shard = store / "shard-00000.mlmb.zst"
    with pytest.raises(MLMBError, match="'input_ids' is missing.*tokenized store"):
        list(iter_batches(shard))


def test_directory_without_manifest(tmp_path, directory):
    path, expected = directory
    (path / "manifest.json").unlink()
    with pytest.raises(MLMBError, match="no manifest.json"):
        iter_batches(path)
    assert len(list(iter_batches(path, allow_incomplete=True))) == len(expected)
    assert len(list(iter_batches(path, allow_incomplete=True, part=(1, 2), split="records"))) == len(expected) // 2
    assert len(list(iter_batches(path, allow_incomplete=True, part=(1, 2), split="shards"))) == 4 + 3


# ----------------------------------------------------------------------------------------------------
# Splitting between readers (DataLoader workers)


def _key(batch) -> bytes:
    return batch["input_ids"].tobytes() + batch["labels"].tobytes()


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7])
def test_split_by_records_keeps_order_when_interleaved(directory, n):
    path, expected = directory
    parts = [list(iter_batches(path, part=(i, n), split="records")) for i in range(n)]
    interleaved = [parts[k % n][k // n] for k in range(len(expected))]
    assert sum(map(len, parts)) == len(expected)
    assert [_key(b) for b in interleaved] == [_key(b) for b in expected]


@pytest.mark.parametrize("n", [2, 3, 4])
def test_split_by_shards(directory, n):
    path, expected = directory
    parts = [list(iter_batches(path, part=(i, n), split="shards")) for i in range(n)]
    shard_of = lambda b: Path(b.source).name  # noqa: E731
    for i, part in enumerate(parts):
        assert {int(shard_of(b)[6:11]) % n for b in part} <= {i}
    got = sorted(_key(b) for part in parts for b in part)
    assert got == sorted(_key(b) for b in expected)


def test_split_auto(directory):
    path, expected = directory
    # 4 shards, 2 readers: whole shards; 8 readers: every 8th batch.
    two = [list(iter_batches(path, part=(i, 2))) for i in range(2)]
    assert {Path(b.source).name for b in two[0]} == {"shard-00000.mlmb.zst", "shard-00002.mlmb.zst"}
    eight = [list(iter_batches(path, part=(i, 8))) for i in range(8)]
    assert [len(p) for p in eight] == [2, 2, 2, 1, 1, 1, 1, 1]
    assert sorted(_key(b) for p in eight for b in p) == sorted(_key(b) for b in expected)


def test_split_single_shard_file(shard, batches):
    for split in ("auto", "records", "shards"):
        parts = [list(iter_batches(shard, part=(i, 3), split=split)) for i in range(3)]
        assert [b.index for b in parts[1]] == [1, 4]
        interleaved = [parts[k % 3][k // 3] for k in range(len(batches))]
        for got, want in zip(interleaved, batches, strict=True):
            assert_same(got, want)


def test_split_checks_manifest(directory):
    path, _ = directory
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["shards"][1]["records"] += 1
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(MLMBError, match=r"shards\[1\] \(shard-00001.mlmb.zst\) records is 5, but the shard's seek "
                       "table says 4"):
        for i in range(2):
            list(iter_batches(path, part=(i, 2), split="records"))


def test_stream_cannot_be_split(shard):
    with open(shard, "rb") as f:
        with pytest.raises(ValueError, match="cannot be split"):
            iter_batches(f, part=(0, 2))
        assert len(list(iter_batches(f, part=(0, 1)))) == 7
    with pytest.raises(ValueError, match="cannot be split"):
        iter_batches("-", part=(1, 2))
    with pytest.raises(ValueError, match="0 <= i < n"):
        iter_batches(shard, part=(2, 2))
    with pytest.raises(ValueError, match="split must be"):
        iter_batches(shard, split="rows")


def test_saved_pipe_output_cannot_be_split(tmp_path, shard):
    saved = tmp_path / "saved.bin"
    saved.write_bytes(shard.read_bytes()[:-(7 * 8 + 17)])  # the frames without the seek table
    assert len(list(iter_batches(saved))) == 7
    with pytest.raises(ValueError, match="without a seek table"):
        iter_batches(saved, part=(0, 2))


def test_importing_never_imports_torch():
    script = ("import sys, mlmprep_reader, mlmprep_reader.torch_dataset\n"
              "from mlmprep_reader import *\n"
              "assert 'torch' not in sys.modules, 'torch was imported'\n"
              "print('ok')")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, env=ENV, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr.decode()


# ----------------------------------------------------------------------------------------------------
# End to end with the real CLI: tokenize, then mask --stdout into a python reader


@pytest.fixture(scope="module")
def mlmprep_mask_bin() -> str:
    path = os.environ.get("MLMPREP_BIN")
    if not path:
        pytest.skip("MLMPREP_BIN is not set: build the CLI (swift build) and set MLMPREP_BIN to the mlmprep "
                    "binary to run the end-to-end mask test")
    assert Path(path).is_file() and os.access(path, os.X_OK), f"MLMPREP_BIN={path} is not an executable file"
    probe = subprocess.run([path, "mask", "--help"], capture_output=True, timeout=TIMEOUT)
    text = (probe.stdout + probe.stderr).decode(errors="replace")
    # Without the subcommand, swift-argument-parser prints the top-level help (exit 0) or an error.
    if probe.returncode != 0 or "mlmprep mask" not in text:
        pytest.skip(f"{path} has no `mask` subcommand yet (`mlmprep mask --help` exited "
                    f"{probe.returncode}{'' if probe.returncode else ' without mask usage'})")
    return path


def bert_vocab() -> Path:
    path = Path(os.environ.get("MLMPREP_BERT_VOCAB") or REPO / ".venv" / "bert-base-uncased" / "vocab.txt")
    assert path.is_file(), (f"no BERT vocab at {path}: run tools/setup.sh (it fetches bert-base-uncased "
                            "vocab.txt) or set MLMPREP_BERT_VOCAB")
    return path


READER = """
import sys, numpy as np, mlmprep_reader as m
batches = list(m.iter_batches())
np.savez(sys.argv[1], n=len(batches),
         **{f"{k}_{i}": v for i, b in enumerate(batches) for k, v in b.items()})
"""


def test_mask_stdout_into_python(tmp_path, mlmprep_mask_bin):
    store = tmp_path / "tok"
    tok = subprocess.run([mlmprep_mask_bin, "tokenize", str(REPO / "corpora" / "en.txt"), "--vocab",
                          str(bert_vocab()), "-o", str(store), "--quiet"], capture_output=True, timeout=TIMEOUT)
    assert tok.returncode == 0, tok.stderr.decode()
    out = tmp_path / "batches.npz"
    mask = subprocess.Popen([mlmprep_mask_bin, "mask", str(store), "--seq-len", "64", "--batch-size", "8",
                             "--rate", "0.4", "--shuffle", "none", "--stdout"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    reader = subprocess.run([sys.executable, "-c", READER, str(out)], stdin=mask.stdout, capture_output=True,
                            env=ENV, timeout=TIMEOUT)
    mask.stdout.close()
    mask_err = mask.stderr.read().decode(errors="replace")
    assert mask.wait(timeout=TIMEOUT) == 0, mask_err
    assert reader.returncode == 0, reader.stderr.decode()

    data = np.load(out)
    n = int(data["n"])
    assert n >= 2
    vocab = mlmprep_reader.load_vocab(store)
    cls, sep, pad, mask_id = (vocab.index(t) for t in ("[CLS]", "[SEP]", "[PAD]", "[MASK]"))

    # The store's tokens, as one array, to find every packed segment in.
    stream = np.concatenate([ids for ids, _ in iter_documents(store)]).astype("<u4").tobytes()

    predicted = candidates = masked = 0
    for i in range(n):
        ids, labels, attention = data[f"input_ids_{i}"], data[f"labels_{i}"], data[f"attention_mask_{i}"]
        assert ids.dtype == np.int32 and labels.dtype == np.int32 and attention.dtype == np.uint8
        assert ids.ndim == 2 and ids.shape[1] == 64
        assert ids.shape[0] == 8 or (i == n - 1 and 1 <= ids.shape[0] <= 8), f"batch {i}: {ids.shape}"
        assert labels.shape == ids.shape and attention.shape == ids.shape
        assert set(np.unique(attention).tolist()) <= {0, 1}
        # No prediction on padding, padding is [PAD], real tokens come first.
        assert np.all(labels[attention == 0] == -100), f"batch {i}: labels on padding"
        assert np.all(ids[attention == 0] == pad)
        assert np.all(np.diff(attention.astype(np.int8), axis=1) <= 0), f"batch {i}: padding before a token"
        assert np.all(ids[:, 0] == cls)
        # Labels are the original ids: put them back and every [CLS]/[SEP]-delimited segment must be a
        # contiguous run of the store's tokens (unlabelled positions are unchanged, labelled ones restored).
        assert np.all((labels == -100) | ((labels >= 0) & (labels < len(vocab))))
        original = np.where(labels != -100, labels, ids)
        assert not np.any(np.isin(labels[labels != -100], [cls, sep, pad])), "special tokens predicted"
        for row, att in zip(original, attention):
            real = row[att == 1].tolist()
            assert real[-1] == sep, f"batch {i}: sequence does not end with [SEP]"
            segment = []
            for t in real[1:]:
                if t in (cls, sep):
                    if segment:
                        needle = np.array(segment, dtype="<u4").tobytes()
                        at = stream.find(needle)
                        while at != -1 and at % 4:
                            at = stream.find(needle, at + 1)
                        assert at != -1, f"batch {i}: segment {segment[:10]}... is not a run of the store's tokens"
                    segment = []
                else:
                    segment.append(t)
        is_candidate = (attention == 1) & ~np.isin(original, [cls, sep, pad])
        candidates += int(is_candidate.sum())
        chosen = labels != -100
        predicted += int(chosen.sum())
        masked += int((chosen & (ids == mask_id)).sum())
    rate = predicted / candidates
    assert 0.33 < rate < 0.47, f"realised rate {rate:.3f} is far from --rate 0.4 ({predicted}/{candidates})"
    assert 0.65 < masked / predicted < 0.95, f"{masked}/{predicted} predicted tokens are [MASK] (expected ~0.8)"
