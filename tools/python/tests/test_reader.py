"""Tests of mlmprep_reader against MLMB files written here with the reference libraries.

Records are made with ``safetensors.numpy.save`` and compressed one per frame with ``zstandard``; the seek
table is built by hand, so these tests pin the container format independently of the Swift writer.
Run: ``.venv/bin/python -m pytest tools/python/tests`` (tools/setup.sh installs the package into .venv).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import zstandard
from safetensors.numpy import load as st_load
from safetensors.numpy import save as st_save

import mlmprep_reader
from mlmprep_reader import MLMBError, iter_documents, iter_records, load_manifest, read_record, seek_table

HAVE_ZSTD_CLI = shutil.which("zstd") is not None
# Child Pythons import the installed package (tools/setup.sh), never a PYTHONPATH.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

# ----------------------------------------------------------------------------------------------------
# Writing MLMB the way the contract describes


def make_batch(k: int, batch: int = 4, seq: int = 16) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(k)
    ids = rng.integers(0, 30000, size=(batch, seq), dtype=np.int32)
    labels = np.where(rng.random((batch, seq)) < 0.15, ids, -100).astype(np.int32)
    return {
        "input_ids": ids,
        "labels": labels,
        "attention_mask": np.ones((batch, seq), dtype=np.uint8),
        "token_type_ids": np.zeros((batch, seq), dtype=np.uint8),
    }


def make_token_record(docs: list[list[int]]) -> dict[str, np.ndarray]:
    ids = np.array([t for d in docs for t in d], dtype=np.uint16)
    flags = np.array([(1 | (2 if j == 0 else 0)) if j % 2 == 0 else 0 for d in docs for j in range(len(d))],
                     dtype=np.uint8)
    offsets = np.cumsum([0] + [len(d) for d in docs]).astype(np.int64)
    return {"ids": ids, "flags": flags, "doc_offsets": offsets}


def seek_table_frame(sizes: list[tuple[int, int]], checksums: list[int] | None = None) -> bytes:
    width = 12 if checksums is not None else 8
    body = b"".join(
        struct.pack("<II", c, r) + (struct.pack("<I", checksums[i]) if checksums is not None else b"")
        for i, (c, r) in enumerate(sizes))
    descriptor = 0x80 if checksums is not None else 0
    footer = struct.pack("<IBI", len(sizes), descriptor, 0x8F92EAB1)
    return struct.pack("<II", 0x184D2A5E, len(sizes) * width + 9) + body + footer


def write_shard(path: Path, records: list[dict], metadata: list[dict] | None = None,
                checksums: bool = False) -> tuple[list[bytes], list[bytes]]:
    """Write one shard; return (raw records, compressed frames)."""
    cctx = zstandard.ZstdCompressor(level=3, write_checksum=True, write_content_size=True)
    raws, frames = [], []
    for k, arrays in enumerate(records):
        raw = st_save(arrays, metadata=(metadata[k] if metadata else {"record": str(k)}))
        raws.append(raw)
        frames.append(cctx.compress(raw))
    table = seek_table_frame([(len(f), len(r)) for f, r in zip(frames, raws)],
                             [0] * len(frames) if checksums else None)
    path.write_bytes(b"".join(frames) + table)
    return raws, frames


TEST_VOCAB = "".join(f"t{i}\n" for i in range(30522)).encode()  # ids of make_batch are below 30000


def write_directory(directory: Path, shards: list[list[dict]], fmt: str = "mlmprep.batches") -> list[bytes]:
    """Write shards and a manifest as mlmprep does: canonical shard names, counts and the vocabulary's digest."""
    directory.mkdir(parents=True, exist_ok=True)
    entries, all_raws = [], []
    tokens = fmt == "mlmprep.tokens"
    for s, records in enumerate(shards):
        name = f"shard-{s:05d}.mlmb.zst"
        raws, _ = write_shard(directory / name, records)
        all_raws += raws
        data = (directory / name).read_bytes()
        sequences = sum(len(r["doc_offsets"]) - 1 if tokens else r["input_ids"].shape[0] for r in records)
        entries.append({"file": name, "records": len(records), "sequences": sequences,
                        "compressed_bytes": len(data), "raw_bytes": sum(map(len, raws)),
                        "sha256": hashlib.sha256(data).hexdigest()})
    (directory / "vocab.txt").write_bytes(TEST_VOCAB)
    vocab = {"vocab_sha256": hashlib.sha256(TEST_VOCAB).hexdigest(), "vocab_size": 30522}
    records = [r for shard in shards for r in shard]
    if tokens:
        counts = {"documents_written": sum(e["sequences"] for e in entries), "records": len(records),
                  "tokens": sum(len(r["ids"]) for r in records)}
    else:
        counts = {"batches": len(records), "sequences": sum(e["sequences"] for e in entries),
                  "tokens": sum(int(np.count_nonzero(r["attention_mask"])) for r in records)}
    manifest = {"format": fmt, "format_version": 1, "tool": "mlmprep test",
                ("tokenizer" if tokens else "store"): vocab, "counts": counts, "shards": entries}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return all_raws


def assert_same(record, arrays: dict[str, np.ndarray]):
    assert set(record) == set(arrays)
    for name, array in arrays.items():
        assert record[name].dtype == array.dtype, name
        assert record[name].shape == array.shape, name
        np.testing.assert_array_equal(record[name], array)


@pytest.fixture
def shard(tmp_path):
    batches = [make_batch(k, batch=1 + k % 3) for k in range(7)]
    path = tmp_path / "shard-00000.mlmb.zst"
    raws, frames = write_shard(path, batches)
    return path, batches, raws, frames


# ----------------------------------------------------------------------------------------------------
# Reading


def test_record_bytes_match_safetensors(shard):
    path, batches, raws, _ = shard
    for raw, batch in zip(raws, batches):
        parsed = mlmprep_reader.parse_record(raw)
        assert_same(parsed, batch)
        assert_same(parsed, st_load(raw))


def test_iter_file(shard):
    path, batches, _, _ = shard
    records = list(iter_records(path))
    assert len(records) == len(batches)
    for k, (record, batch) in enumerate(zip(records, batches)):
        assert_same(record, batch)
        assert record.metadata == {"record": str(k)}
        assert record.index == k and record.source == str(path)
        assert not record["input_ids"].flags.writeable


def test_iter_file_object_and_bytesio(shard):
    path, batches, _, _ = shard
    with open(path, "rb") as f:
        assert len(list(iter_records(f))) == len(batches)
    records = list(iter_records(io.BytesIO(path.read_bytes())))
    for record, batch in zip(records, batches):
        assert_same(record, batch)
    assert records[0].source == "<stream>"


class _Trickle(io.RawIOBase):
    """A stream that returns at most 3 bytes per read, to exercise frame splitting at every boundary."""

    def __init__(self, data: bytes):
        self._data, self._pos = data, 0

    def readable(self):
        return True

    def read(self, n=-1):
        chunk = self._data[self._pos:self._pos + min(3, n if n >= 0 else 3)]
        self._pos += len(chunk)
        return chunk


def test_iter_trickling_stream(shard):
    path, batches, _, _ = shard
    records = list(iter_records(_Trickle(path.read_bytes())))
    assert len(records) == len(batches)
    for record, batch in zip(records, batches):
        assert_same(record, batch)


def test_stdin_pipe(tmp_path, shard):
    path, batches, _, _ = shard
    path2 = tmp_path / "shard-00001.mlmb.zst"
    more = [make_batch(100 + k) for k in range(3)]
    write_shard(path2, more)
    script = ("import sys, json, mlmprep_reader as m\n"
              "out = [[r.index, r.source, {k: v.tolist() for k, v in r.items()}] for r in m.iter_records('-')]\n"
              "print(json.dumps(out))")
    cat = subprocess.Popen(["cat", str(path), str(path2)], stdout=subprocess.PIPE)
    result = subprocess.run([sys.executable, "-c", script], stdin=cat.stdout, capture_output=True,
                            env=ENV, check=True)
    cat.wait()
    out = json.loads(result.stdout)
    expected = batches + more
    assert len(out) == len(expected)
    for (index, source, tensors), batch in zip(out, expected):
        assert source == "<stdin>"
        assert tensors.keys() == batch.keys()
        for name in batch:
            assert tensors[name] == batch[name].tolist()
    # record indices run on across the concatenated shards (the seek table in between is skipped)
    assert [o[0] for o in out] == list(range(len(expected)))


def test_random_access_every_index(shard):
    path, batches, raws, frames = shard
    table = seek_table(path)
    offset = 0
    for (o, c, r), frame, raw in zip(table, frames, raws):
        assert (o, c, r) == (offset, len(frame), len(raw))
        offset += c
    for i, batch in enumerate(batches):
        record = read_record(path, i)
        assert_same(record, batch)
        assert record.index == i
    assert_same(read_record(path, -1), batches[-1])
    with pytest.raises(IndexError):
        read_record(path, len(batches))


def test_seek_table_with_checksum_entries(tmp_path):
    batches = [make_batch(k) for k in range(3)]
    path = tmp_path / "c.mlmb.zst"
    raws, frames = write_shard(path, batches, checksums=True)
    assert [e[1:] for e in seek_table(path)] == [(len(f), len(r)) for f, r in zip(frames, raws)]
    for i, batch in enumerate(batches):
        assert_same(read_record(path, i), batch)
    assert len(list(iter_records(path))) == 3


def test_empty_shard(tmp_path):
    path = tmp_path / "empty.mlmb.zst"
    write_shard(path, [])
    assert seek_table(path) == []
    assert list(iter_records(path)) == []


def test_all_dtypes_and_shapes(tmp_path):
    arrays = {
        "b": np.array([True, False, True]),
        "u8": np.arange(5, dtype=np.uint8), "i8": np.arange(-3, 3, dtype=np.int8),
        "u16": np.arange(7, dtype=np.uint16), "i16": np.arange(-2, 2, dtype=np.int16),
        "u32": np.arange(3, dtype=np.uint32).reshape(3, 1), "i32": np.array(-5, dtype=np.int32),
        "u64": np.array([2**63], dtype=np.uint64), "i64": np.arange(4, dtype=np.int64).reshape(2, 2),
        "f16": np.array([1.5], dtype=np.float16), "f32": np.array([[0.25]], dtype=np.float32),
        "f64": np.array([3.0, -1.0]), "empty": np.zeros((0, 4), dtype=np.int32),
    }
    path = tmp_path / "d.mlmb.zst"
    write_shard(path, [arrays])
    assert_same(read_record(path, 0), arrays)


@pytest.mark.skipif(not HAVE_ZSTD_CLI, reason="zstd CLI not installed")
def test_zstd_cli_accepts_shards(tmp_path, shard):
    path, _, raws, _ = shard
    subprocess.run(["zstd", "-q", "-t", str(path)], check=True)
    out = subprocess.run(["zstd", "-q", "-dc", str(path)], check=True, capture_output=True).stdout
    assert out == b"".join(raws)
    # two shards concatenated, seek tables included, are still one valid zstd stream
    both = tmp_path / "both.zst"
    both.write_bytes(path.read_bytes() * 2)
    out = subprocess.run(["zstd", "-q", "-dc", str(both)], check=True, capture_output=True).stdout
    assert out == b"".join(raws) * 2


def test_saved_pipe_output_without_seek_table(tmp_path, shard):
    path, batches, _, frames = shard
    saved = tmp_path / "saved.zst"
    saved.write_bytes(b"".join(frames))  # frames only: what a pipe consumer might save
    assert len(list(iter_records(saved))) == len(batches)
    # ... but a file named like a shard must have its seek table
    named = tmp_path / "x.mlmb.zst"
    named.write_bytes(b"".join(frames))
    with pytest.raises(MLMBError, match="x.mlmb.zst.*seek table"):
        iter_records(named)


# ----------------------------------------------------------------------------------------------------
# Directories


def test_directory_multiple_shards(tmp_path):
    shards = [[make_batch(10 * s + k) for k in range(n)] for s, n in enumerate([3, 1, 4])]
    out = tmp_path / "out"
    write_directory(out, shards)
    manifest = load_manifest(out)
    assert [s["file"] for s in manifest["shards"]] == [f"shard-{s:05d}.mlmb.zst" for s in range(3)]
    records = list(iter_records(out, verify_hashes=True))
    expected = [b for s in shards for b in s]
    assert len(records) == len(expected)
    for record, batch in zip(records, expected):
        assert_same(record, batch)
    assert [r.source.rsplit("/", 1)[-1] for r in records] == \
        ["shard-00000.mlmb.zst"] * 3 + ["shard-00001.mlmb.zst"] + ["shard-00002.mlmb.zst"] * 4


def test_directory_refuses_a_reordered_shard_list(tmp_path):
    out = tmp_path / "out"
    shards = [[make_batch(1)], [make_batch(2)]]
    write_directory(out, shards)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["shards"].reverse()
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(MLMBError, match=r"shards\[0\] is shard-00001.mlmb.zst, expected shard-00000.mlmb.zst: "
                       r"a shard is missing from the list \(or the list is out of order\)"):
        list(iter_records(out))


def test_missing_manifest_is_refused(tmp_path):
    out = tmp_path / "out"
    write_directory(out, [[make_batch(1), make_batch(2)], [make_batch(3)]])
    (out / "manifest.json").unlink()
    with pytest.raises(MLMBError, match=r"(?s)out.*manifest\.json.*incomplete"):
        iter_records(out)
    with pytest.raises(MLMBError, match="incomplete"):
        load_manifest(out)
    assert len(list(iter_records(out, allow_incomplete=True))) == 3


def test_manifest_mismatches(tmp_path):
    out = tmp_path / "out"
    write_directory(out, [[make_batch(1), make_batch(2)]])
    good = (out / "manifest.json").read_text()

    def with_manifest(change):
        manifest = json.loads(good)
        change(manifest)
        (out / "manifest.json").write_text(json.dumps(manifest))

    with_manifest(lambda m: m["shards"][0].update(records=3))
    with pytest.raises(MLMBError, match=r"shards\[0\] \(shard-00000.mlmb.zst\) records is 3, but the shard's seek "
                       "table says 2"):
        list(iter_records(out))
    with_manifest(lambda m: m["shards"][0].update(sha256="0" * 64))
    list(iter_records(out))  # hashes only checked on request
    with pytest.raises(MLMBError, match="sha256"):
        list(iter_records(out, verify_hashes=True))
    with_manifest(lambda m: m.update(format_version=2))
    with pytest.raises(MLMBError, match="format_version is 2, expected 1"):
        iter_records(out)
    with_manifest(lambda m: m.update(format="something.else"))
    with pytest.raises(MLMBError, match="unknown format"):
        iter_records(out)
    with_manifest(lambda m: m["shards"].append({"file": "shard-00001.mlmb.zst", "records": 1, "sequences": 4}))
    with pytest.raises(MLMBError, match="shard-00001.mlmb.zst.*missing"):
        list(iter_records(out))
    with_manifest(lambda m: m["shards"][0].update(file="../escape.mlmb.zst"))
    with pytest.raises(MLMBError, match="plain file name"):
        iter_records(out)
    (out / "manifest.json").write_text("{not json")
    with pytest.raises(MLMBError, match="manifest.json.*JSON"):
        iter_records(out)


def test_iter_documents(tmp_path):
    docs = [[5, 6, 7], [8], [9, 10, 11, 12], [13, 14]]
    out = tmp_path / "tok"
    write_directory(out, [[make_token_record(docs[:3])], [make_token_record(docs[3:])]], fmt="mlmprep.tokens")
    got = list(iter_documents(out))
    assert [ids.tolist() for ids, _ in got] == docs
    assert got[0][1].tolist() == [3, 0, 1]
    assert all(ids.dtype == np.uint16 and flags.dtype == np.uint8 for ids, flags in got)
    # a batches directory is not a tokenized store
    batches = tmp_path / "batches"
    write_directory(batches, [[make_batch(1)]])
    with pytest.raises(MLMBError, match="tokenized store"):
        iter_documents(batches)


def test_iter_documents_rejects_bad_offsets(tmp_path):
    record = make_token_record([[1, 2], [3]])
    record["doc_offsets"] = np.array([0, 2, 4], dtype=np.int64)
    path = tmp_path / "bad.mlmb.zst"
    write_shard(path, [record])
    with pytest.raises(MLMBError, match=r"bad.mlmb.zst: record 0.*doc_offsets end at 4"):
        list(iter_documents(path))


# ----------------------------------------------------------------------------------------------------
# Damage: every case raises MLMBError naming the file (and the record where there is one)


def test_truncated_file(shard):
    path, _, _, frames = shard
    data = path.read_bytes()
    for cut in (len(data) - 1, len(data) - 20, len(frames[0]) + 5, 3):
        path.write_bytes(data[:cut])
        with pytest.raises(MLMBError, match=path.name):
            list(iter_records(path))
        with pytest.raises(MLMBError, match=path.name):
            read_record(path, 0)


def test_truncated_stream(shard):
    path, batches, _, frames = shard
    data = path.read_bytes()
    end_of_frames = sum(map(len, frames))
    for cut in (end_of_frames - 1, end_of_frames - 4, len(frames[0]) + 10, 2):
        with pytest.raises(MLMBError, match=r"<stream>.*truncated"):
            list(iter_records(io.BytesIO(data[:cut])))
    # a cut exactly at a frame boundary is indistinguishable from the end of a stream
    assert len(list(iter_records(io.BytesIO(data[:len(frames[0])])))) == 1


def test_flipped_byte_in_frame(shard):
    path, _, _, frames = shard
    data = bytearray(path.read_bytes())
    start = len(frames[0]) + len(frames[1])  # frame 2
    for delta in (len(frames[2]) // 2, len(frames[2]) - 2):
        damaged = bytearray(data)
        damaged[start + delta] ^= 0x20
        path.write_bytes(damaged)
        with pytest.raises(MLMBError, match=rf"{path.name}: record 2 \(frame at byte {start}\)"):
            list(iter_records(path))
        with pytest.raises(MLMBError, match=rf"{path.name}: record 2"):
            read_record(path, 2)
        assert_same(read_record(path, 1), make_batch(1, batch=2))  # the other records still read
        with pytest.raises(MLMBError, match=r"<stream>: record 2"):
            list(iter_records(io.BytesIO(bytes(damaged))))


def test_bad_magic(shard):
    path, _, _, frames = shard
    data = bytearray(path.read_bytes())
    data[len(frames[0])] ^= 0xFF  # first byte of frame 1's magic
    path.write_bytes(data)
    with pytest.raises(MLMBError, match=rf"{path.name}: record 1.*bad magic"):
        list(iter_records(path))
    with pytest.raises(MLMBError, match=r"record 1.*bad magic"):
        list(iter_records(io.BytesIO(bytes(data))))


@pytest.mark.parametrize("damage", ["footer_magic", "table_magic", "frame_size", "count",
                                    "entry_size", "reserved_bits"])
def test_bad_seek_table(shard, damage):
    path, _, _, frames = shard
    data = bytearray(path.read_bytes())
    n = len(frames)
    table = len(data) - (8 + n * 8 + 9)
    if damage == "footer_magic":
        data[-1] ^= 0x01
    elif damage == "table_magic":
        data[table] ^= 0x01
    elif damage == "frame_size":
        struct.pack_into("<I", data, table + 4, n * 8 + 10)
    elif damage == "count":
        struct.pack_into("<I", data, len(data) - 9, n - 1)
    elif damage == "entry_size":
        c, r = struct.unpack_from("<II", data, table + 8)
        struct.pack_into("<II", data, table + 8, c + 1, r)
    elif damage == "reserved_bits":
        data[len(data) - 5] = 0x04
    path.write_bytes(data)
    with pytest.raises(MLMBError, match=rf"{path.name}.*(seek table|truncated)"):
        seek_table(path)
    with pytest.raises(MLMBError, match=path.name):
        iter_records(path)
    with pytest.raises(MLMBError, match=path.name):
        read_record(path, 0)


def test_raw_size_mismatch_in_seek_table(shard):
    path, _, _, frames = shard
    data = bytearray(path.read_bytes())
    table = len(data) - (8 + len(frames) * 8 + 9)
    c, r = struct.unpack_from("<II", data, table + 8 + 8 * 3)
    struct.pack_into("<II", data, table + 8 + 8 * 3, c, r + 1)
    path.write_bytes(data)
    with pytest.raises(MLMBError, match=rf"{path.name}: record 3.*seek table says"):
        read_record(path, 3)


def _frame_shard(path: Path, raw: bytes) -> None:
    frame = zstandard.ZstdCompressor(level=3, write_checksum=True, write_content_size=True).compress(raw)
    path.write_bytes(frame + seek_table_frame([(len(frame), len(raw))]))


def _header_record(header: dict | bytes, data: bytes = b"", pad: bool = True) -> bytes:
    h = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    if pad:
        h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


@pytest.mark.parametrize("raw, message", [
    (_header_record(b"{nope"), "not valid JSON"),
    (_header_record(b"[1,2]"), "header does not start with"),
    (_header_record(b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
                    b'"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', b"x"), "duplicate key"),
    (_header_record({"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 1]}}, b"x"), "unknown .*dtype 'Q7'"),
    (_header_record({"a": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}, b"xx"), "dtype 'BF16'"),
    (_header_record({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]},
                     "b": {"dtype": "U8", "shape": [2], "data_offsets": [1, 3]}}, b"xxx"), "tile"),
    (_header_record({"a": {"dtype": "U8", "shape": [2], "data_offsets": [2, 4]}}, b"xxxx"), "tile"),
    (_header_record({"a": {"dtype": "I32", "shape": [2], "data_offsets": [0, 4]}}, b"xxxx"), "needs 8"),
    (_header_record({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}}, b"xxx"), "describes"),
    (_header_record({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}}, b"x"), "describes"),
    (_header_record({"__metadata__": {"k": 1}}), "__metadata__"),
    (_header_record({"a": {"dtype": "U8", "shape": [-1], "data_offsets": [0, 0]}}), "shape"),
    (_header_record({"a": {"dtype": "U8", "shape": [1]}}, b"x"), "missing 'data_offsets'"),
    (struct.pack("<Q", 1000) + b"{}      ", "runs past the end"),
    (b"\x01\x02", "shorter than"),
])
def test_bad_records(tmp_path, raw, message):
    path = tmp_path / "bad.mlmb.zst"
    _frame_shard(path, raw)
    with pytest.raises(MLMBError, match=rf"bad.mlmb.zst: record 0 \(frame at byte 0\): .*{message}"):
        list(iter_records(path))
    with pytest.raises(MLMBError, match=message):
        read_record(path, 0)
    with pytest.raises(MLMBError, match=message):
        list(iter_records(io.BytesIO(path.read_bytes())))


def test_two_records_in_one_frame_is_refused(tmp_path):
    a, b = st_save(make_batch(1)), st_save(make_batch(2))
    path = tmp_path / "two.mlmb.zst"
    _frame_shard(path, a + b)
    with pytest.raises(MLMBError, match="two.mlmb.zst: record 0.*describes"):
        list(iter_records(path))


def test_accepts_hand_written_header_without_metadata(tmp_path):
    raw = _header_record({"x": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}},
                         struct.pack("<qq", -1, 7))
    path = tmp_path / "h.mlmb.zst"
    _frame_shard(path, raw)
    record = read_record(path, 0)
    assert record.metadata == {} and record["x"].tolist() == [-1, 7]


# ----------------------------------------------------------------------------------------------------
# Command line


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "mlmprep_reader", *args], input=stdin, capture_output=True,
                          env=ENV)


def test_cli_info_and_dump(tmp_path):
    out = tmp_path / "out"
    write_directory(out, [[make_batch(1), make_batch(2)], [make_batch(3)]])
    r = _cli("info", str(out))
    assert r.returncode == 0, r.stderr
    assert "mlmprep.batches" in r.stdout.decode() and "records:        3" in r.stdout.decode()
    shard = out / "shard-00000.mlmb.zst"
    r = _cli("info", str(shard))
    assert r.returncode == 0 and "records:        2" in r.stdout.decode()
    r = _cli("info", "-", stdin=shard.read_bytes() + (out / "shard-00001.mlmb.zst").read_bytes())
    assert r.returncode == 0 and "records:        3" in r.stdout.decode()

    first = make_batch(3)["input_ids"].reshape(-1)[:4].tolist()
    for args, stdin in [((str(out), "--record", "2"), None),
                        ((str(out / "shard-00001.mlmb.zst"), "--record", "0"), None),
                        (("-", "--record", "0"), (out / "shard-00001.mlmb.zst").read_bytes())]:
        r = _cli("dump", *args, stdin=stdin)
        text = r.stdout.decode()
        assert r.returncode == 0, r.stderr
        assert "input_ids" in text and "int32" in text and "[4, 16]" in text
        assert " ".join(map(str, first)) in text
    r = _cli("dump", str(out))
    assert r.returncode == 0 and r.stdout.decode().count("record ") == 3


def test_cli_errors(tmp_path):
    out = tmp_path / "out"
    write_directory(out, [[make_batch(1)]])
    (out / "manifest.json").unlink()
    r = _cli("info", str(out))
    assert r.returncode == 1 and b"incomplete" in r.stderr and b"Traceback" not in r.stderr
    r = _cli("dump", "-", stdin=b"not zstd at all")
    assert r.returncode == 1 and b"<stdin>" in r.stderr and b"bad magic" in r.stderr
