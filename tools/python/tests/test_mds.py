"""``mlmprep mask --format mds`` against MosaicML Streaming's own code (PyPI ``mosaicml-streaming`` 0.13.0).

The real ``streaming.MDSWriter`` is fed the very arrays that the same ``mlmprep mask`` run writes in its default
format, and its dataset must be byte-identical to ours: every raw shard, the frame header of every compressed
shard, and ``index.json``. Streaming's own ``MDSReader`` and ``compression.decompress`` (python-zstd, the decoder
``StreamingDataset`` uses) read our shards back, and its ``hashing.get_hash`` (what ``validate_hash`` calls) agrees
with the hashes we record.

How Streaming is imported without torch: see ``streaming_wheel.py``. The wheel's own writer, reader, compression and
hashing modules run as they are, with stand-ins for the torch names that ``streaming.base.util`` and its neighbours
import for the multi-process dataset; the ``streaming`` fixture asserts afterwards that none of them was used.
The full mode (tools/full_test.sh, tests/test_mds_streaming.py) runs the real ``StreamingDataset`` with torch.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import zstd  # python-zstd: the decoder Streaming's compression module uses

import streaming_wheel
from safetensors_stream import records

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"


@pytest.fixture(scope="module")
def streaming(tmp_path_factory):
    """Streaming's writer, reader, compression and hashing modules, from the PyPI wheel's own files."""
    modules = streaming_wheel.load(tmp_path_factory.mktemp("streaming-wheel"), {
        "writer": "streaming.base.format.mds.writer", "format": "streaming.base.format",
        "compression": "streaming.base.compression", "hashing": "streaming.base.hashing",
    }, stand_ins="torch" not in sys.modules)
    yield modules
    streaming_wheel.unload()
    assert streaming_wheel.TORCH_USES == [], f"the MDS code path used torch: {streaming_wheel.TORCH_USES}"


@pytest.fixture(scope="module")
def store(mlmprep_bin, vocab, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mds") / "tok"
    subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", CORPORA / "multilingual.txt", "--vocab", vocab,
                    "-o", out, "--quiet"], check=True)
    return out


def run_mask(mlmprep_bin, store, *args, expect=0) -> subprocess.CompletedProcess:
    result = subprocess.run([mlmprep_bin, "mask", str(store), *map(str, args), "--quiet"], capture_output=True,
                            timeout=300)
    assert result.returncode == expect, result.stderr.decode()
    return result


def mlmb_rows(directory: Path) -> list[dict[str, np.ndarray]]:
    """Every sequence of an MLMB batch directory."""
    return [{name: np.array(value[row]) for name, value in batch.items()}
            for batch in records(directory) for row in range(len(batch["input_ids"]))]


def columns_of(row: dict[str, np.ndarray]) -> dict[str, str]:
    return {name: f"ndarray:{value.dtype.name}:{','.join(map(str, value.shape))}" if value.ndim else value.dtype.name
            for name, value in row.items()}


def reference(streaming, rows, out: Path, compression, hashes, size_limit) -> None:
    """Writes ``rows`` with Streaming's ``MDSWriter`` (scalars as NumPy scalars, as its scalar encodings take)."""
    with streaming.writer.MDSWriter(columns=columns_of(rows[0]), out=str(out), compression=compression,
                                    hashes=hashes, size_limit=size_limit) as writer:
        for row in rows:
            writer.write({name: value if value.ndim else value[()] for name, value in row.items()})


def frame_header(data: bytes) -> bytes:
    """The zstd frame header: magic, descriptor (content-size / checksum / single-segment flags), content size."""
    assert data[:4] == b"\x28\xb5\x2f\xfd"
    descriptor = data[4]
    size_bytes = {0: 1 if descriptor & 0x20 else 0, 1: 2, 2: 4, 3: 8}[descriptor >> 6]
    window = 0 if descriptor & 0x20 else 1
    return data[:5 + window + size_bytes]


CASES = [
    # (mask arguments, MDS compression as given to MDSWriter, hashes, size limit in bytes)
    (["--seq-len", 64, "--batch-size", 8], "zstd", [], 20000),
    (["--seq-len", 32, "--batch-size", 5, "--pack", "pair", "--ids", "u16", "--epochs", 2], "zstd:7",
     ["sha1", "sha256", "xxh64"], 9000),
    (["--seq-len", 48, "--batch-size", 16, "--pack", "pair", "--pair-task", "sop", "--strategy", "span"], None,
     ["xxh64"], 1 << 26),
    (["--seq-len", 128, "--batch-size", 3, "--pack", "doc", "--rate", 0.4], "zstd:1", ["sha1"], 2000),
    # Below header + one sample: MDSWriter flushes before every sample, the first shard empty; so do we.
    (["--seq-len", 16, "--batch-size", 4], "zstd", [], 300),
]


@pytest.mark.parametrize("args,compression,hashes,size_limit", CASES)
def test_mds_is_byte_identical_to_mdswriter(mlmprep_bin, store, streaming, tmp_path, args, compression, hashes,
                                            size_limit):
    run_mask(mlmprep_bin, store, *args, "--seed", 7, "-o", tmp_path / "mlmb", "--max-shard-bytes", size_limit)
    mds_flags = ["--mds-compression", compression or "none"] + (["--mds-hashes", ",".join(hashes)] if hashes else [])
    run_mask(mlmprep_bin, store, *args, "--seed", 7, "-o", tmp_path / "ours", "--format", "mds", *mds_flags,
             "--max-shard-bytes", size_limit)
    rows = mlmb_rows(tmp_path / "mlmb")
    assert len(rows) > 20
    reference(streaming, rows, tmp_path / "ref", compression, hashes, size_limit)
    ours = json.loads((tmp_path / "ours" / "index.json").read_text())
    ref = json.loads((tmp_path / "ref" / "index.json").read_text())
    assert len(ref["shards"]) > (1 if size_limit < 1 << 20 else 0)
    assert (ref["shards"][0]["samples"] == 0) == (size_limit == 300)
    assert sorted(p.name for p in (tmp_path / "ours").iterdir()) == sorted(p.name for p in (tmp_path / "ref").iterdir())
    for mine, theirs in zip(ours["shards"], ref["shards"], strict=True):
        zip_ours, zip_ref = mine.pop("zip_data"), theirs.pop("zip_data")
        assert mine == theirs  # columns, sizes, compression name, hashes of the raw shard, samples, size_limit
        name = (zip_ref or mine["raw_data"])["basename"]
        data_ours, data_ref = (tmp_path / "ours" / name).read_bytes(), (tmp_path / "ref" / name).read_bytes()
        if compression is None:
            assert zip_ours is None and zip_ref is None and data_ours == data_ref
            continue
        assert zip_ours["basename"] == zip_ref["basename"] and zip_ours["bytes"] == len(data_ours)
        assert frame_header(data_ours) == frame_header(data_ref)  # one frame, content size, no checksum
        raw = streaming.compression.decompress(compression, data_ours)
        assert raw == streaming.compression.decompress(compression, data_ref)
        assert len(raw) == mine["raw_data"]["bytes"]
        assert len(raw) <= size_limit or mine["samples"] == 1  # only a lone sample may pass the limit
        for algo in hashes:
            assert zip_ours["hashes"][algo] == streaming.hashing.get_hash(algo, data_ours)
            assert mine["raw_data"]["hashes"][algo] == streaming.hashing.get_hash(algo, raw)
    if compression is not None and zstd.ZSTD_version() == zstd_library_version():
        # Same libzstd as python-zstd bundles: the compressed files are the same bytes too, so index.json is.
        assert (tmp_path / "ours" / "index.json").read_bytes() == (tmp_path / "ref" / "index.json").read_bytes()
    elif compression is None:
        assert (tmp_path / "ours" / "index.json").read_bytes() == (tmp_path / "ref" / "index.json").read_bytes()


def zstd_library_version() -> str:
    out = subprocess.run(["pkg-config", "--modversion", "libzstd"], capture_output=True, text=True)
    return out.stdout.strip()


def read_with_mdsreader(streaming, directory: Path) -> list[dict[str, np.ndarray]]:
    """Every sample through Streaming's own path: ``reader_from_json`` (an ``MDSReader``), each shard decompressed
    with ``compression.decompress``, then ``get_item``."""
    index = json.loads((directory / "index.json").read_text())
    samples = []
    for shard in index["shards"]:
        if shard["zip_data"]:
            data = (directory / shard["zip_data"]["basename"]).read_bytes()
            (directory / shard["raw_data"]["basename"]).write_bytes(
                streaming.compression.decompress(shard["compression"], data))
        reader = streaming.format.reader_from_json(str(directory), None, shard)  # as Stream.get_shards does
        samples += [reader.get_item(i) for i in range(reader.samples)]
    return samples


@pytest.mark.parametrize("pack", ["full", "pair"])
def test_mdsreader_yields_our_sequences(mlmprep_bin, store, streaming, tmp_path, pack):
    common = ["--seq-len", 40, "--batch-size", 7, "--pack", pack, "--seed", 3, "--epochs", 2]
    run_mask(mlmprep_bin, store, *common, "-o", tmp_path / "mlmb")
    run_mask(mlmprep_bin, store, *common, "--format", "mds", "-o", tmp_path / "mds", "--max-shard-mb", 1)
    rows = mlmb_rows(tmp_path / "mlmb")
    samples = read_with_mdsreader(streaming, tmp_path / "mds")
    assert len(samples) == len(rows) > 100
    for row, sample in zip(rows, samples):
        assert sorted(sample) == sorted(row)
        for name, value in row.items():
            assert np.asarray(sample[name]).dtype == value.dtype
            np.testing.assert_array_equal(sample[name], value)
    if pack == "pair":
        assert {"token_type_ids", "next_sentence_label"} <= set(samples[0])


def test_mds_is_the_same_for_any_thread_count(mlmprep_bin, store, tmp_path):
    for threads in (1, 2):
        run_mask(mlmprep_bin, store, "--seq-len", 64, "--batch-size", 4, "--format", "mds", "--mds-hashes",
                 "sha1", "--threads", threads, "--max-shard-bytes", 30000, "-o", tmp_path / f"t{threads}")
    one, two = (sorted((tmp_path / f"t{t}").iterdir()) for t in (1, 2))
    assert [p.name for p in one] == [p.name for p in two] and len(one) > 3
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two))


def test_mds_usage_errors(mlmprep_bin, store, tmp_path):
    out = tmp_path / "mds"
    assert b"pipe" in run_mask(mlmprep_bin, store, "--format", "mds", "--stdout", expect=2).stderr
    assert b"sha1" in run_mask(mlmprep_bin, store, "--format", "mds", "--mds-hashes", "crc9", "-o", out,
                               expect=2).stderr
    assert b"zstd:22" in run_mask(mlmprep_bin, store, "--format", "mds", "--mds-compression", "gz", "-o", out,
                                  expect=2).stderr
    assert b"--format mds" in run_mask(mlmprep_bin, store, "--mds-hashes", "sha1", "-o", out, expect=2).stderr
    assert b"--resume" in run_mask(mlmprep_bin, store, "--format", "mds", "--resume", "-o", out, expect=2).stderr
    assert not out.exists()


def test_mds_refuses_a_directory_in_use_unless_overwrite(mlmprep_bin, store, tmp_path):
    out = tmp_path / "mds"
    run_mask(mlmprep_bin, store, "--seq-len", 64, "--format", "mds", "-o", out, "--seed", 1)
    first = (out / "index.json").read_bytes()
    error = run_mask(mlmprep_bin, store, "--seq-len", 64, "--format", "mds", "-o", out, expect=1).stderr
    assert str(out).encode() in error and b"--overwrite" in error
    (out / "shard.00009.mds.zstd").write_bytes(b"stale")
    run_mask(mlmprep_bin, store, "--seq-len", 32, "--format", "mds", "-o", out, "--seed", 1, "--overwrite")
    assert (out / "index.json").read_bytes() != first and not (out / "shard.00009.mds.zstd").exists()
