"""``mlmprep verify`` on intact output and on damaged copies: every single-byte flip must be caught, and damage
behind a consistent sha256 must be found by the frame, record and count checks on their own."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import zstandard

from mlmprep_reader import seek_table

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def outputs(mlmprep_bin, tmp_path_factory) -> dict[str, Path]:
    vocab = os.environ.get("MLMPREP_BERT_VOCAB")
    assert vocab and Path(vocab).is_file(), "MLMPREP_BERT_VOCAB must name bert-base-uncased vocab.txt"
    base = tmp_path_factory.mktemp("verify")
    store, batches = base / "tok", base / "batches"
    # Small records and shards, so that a shard holds several records.
    subprocess.run([mlmprep_bin, "tokenize", REPO / "corpora/en.txt", REPO / "corpora/multilingual.txt",
                    "--vocab", vocab, "-o", store, "--quiet", "--chunk-bytes", "2000", "--max-shard-bytes", "9000"],
                   check=True)
    subprocess.run([mlmprep_bin, "mask", store, "--seq-len", "64", "--batch-size", "8", "-o", batches, "--quiet",
                    "--max-shard-bytes", "20000"], check=True)
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


# ----------------------------------------------------------------------------------------------------
# Damage behind a consistent sha256: each must be found by its own check (frame, record, count), not the hash.
#
# The damaged shard is written back with a rebuilt seek table, and the manifest's sha256 and compressed_bytes
# (and whatever else a case says) are made to match it, so that only the check under test can notice.

_COMPRESSOR = zstandard.ZstdCompressor(level=3, write_checksum=True, write_content_size=True)


def _frames(shard: Path) -> tuple[list[bytes], list[int]]:
    data = shard.read_bytes()
    entries = seek_table(shard)
    return [data[o:o + c] for o, c, _ in entries], [r for _, _, r in entries]


def _write_shard(shard: Path, frames: list[bytes], raw_sizes: list[int]) -> None:
    """Frames plus a seek table (8-byte entries, as mlmprep writes it) listing ``raw_sizes``."""
    body = b"".join(struct.pack("<II", len(f), r) for f, r in zip(frames, raw_sizes))
    table = struct.pack("<II", 0x184D2A5E, len(body) + 9) + body + struct.pack("<IBI", len(frames), 0, 0x8F92EAB1)
    shard.write_bytes(b"".join(frames) + table)


def _fix_manifest(directory: Path, shard: Path, entry: dict | None = None, counts: dict | None = None) -> None:
    """Make the manifest agree with the shard's bytes (sha256, size), plus the given entry and count changes."""
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text())
    item = next(s for s in manifest["shards"] if s["file"] == shard.name)
    data = shard.read_bytes()
    item.update(sha256=hashlib.sha256(data).hexdigest(), compressed_bytes=len(data), **(entry or {}))
    for key, delta in (counts or {}).items():
        manifest["counts"][key] += delta
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def _tensor_bytes(raw: bytes) -> tuple[dict, int]:
    """The safetensors header of a record and where its data starts."""
    n = struct.unpack_from("<Q", raw)[0]
    return json.loads(raw[8:8 + n]), 8 + n


def _with_header(raw: bytes, header: dict) -> bytes:
    _, start = _tensor_bytes(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + raw[start:]


def _set_value(raw: bytes, name: str, index: int, value: int) -> bytes:
    """Sets element ``index`` of tensor ``name`` (U16, I32 or I64) to ``value``."""
    header, start = _tensor_bytes(raw)
    dtype, offsets = header[name]["dtype"], header[name]["data_offsets"]
    fmt = {"U16": "<H", "U32": "<I", "I32": "<i", "I64": "<q"}[dtype]
    position = start + offsets[0] + index * struct.calcsize(fmt)
    return raw[:position] + struct.pack(fmt, value) + raw[position + struct.calcsize(fmt):]


def _edit_record(shard: Path, k: int, change) -> int:
    """Replaces record k by change(record), recompressed with a valid checksum; returns its new raw size."""
    frames, raws = _frames(shard)
    raw = change(zstandard.ZstdDecompressor().decompress(frames[k]))
    frames[k] = _COMPRESSOR.compress(raw)
    raws[k] = len(raw)
    _write_shard(shard, frames, raws)
    return sum(raws)


@dataclass
class Damage:
    name: str
    kinds: tuple[str, ...]
    apply: Callable  # (directory, shard, k) -> None
    pattern: str     # formatted with shard, k and the record/sequence counts

    def __str__(self):
        return self.name


def _flip_in_frame(directory, shard, k):
    frames, raws = _frames(shard)
    frame = bytearray(frames[k])
    position = len(frame) // 2  # inside the compressed blocks, away from the frame header and checksum
    frame[position] ^= 0x10
    frames[k] = bytes(frame)
    _write_shard(shard, frames, raws)
    _fix_manifest(directory, shard)


def _one_byte_longer(directory, shard, k):
    frames, raws = _frames(shard)
    raw = zstandard.ZstdDecompressor().decompress(frames[k])
    frames[k] = _COMPRESSOR.compress(raw + b" ")  # a valid frame, checksum and content size of its own
    _write_shard(shard, frames, raws)             # … but the seek table keeps the record's size
    _fix_manifest(directory, shard)


def _dtype_edited(directory, shard, k):
    name = "flags" if shard.parent.name.startswith("store") else "attention_mask"

    def change(raw):
        header, _ = _tensor_bytes(raw)
        header[name]["dtype"] = "I8"
        return _with_header(raw, header)
    _fix_manifest(directory, shard, {"raw_bytes": _edit_record(shard, k, change)})


def _offsets_edited(directory, shard, k):
    def change(raw):
        header, _ = _tensor_bytes(raw)
        name = sorted((n for n in header if n != "__metadata__"), key=lambda n: header[n]["data_offsets"])[0]
        header[name]["data_offsets"][1] -= 1
        return _with_header(raw, header)
    _fix_manifest(directory, shard, {"raw_bytes": _edit_record(shard, k, change)})


def _doc_offsets_edited(directory, shard, k):
    def change(raw):
        header, _ = _tensor_bytes(raw)
        last = header["doc_offsets"]["shape"][0] - 1
        start = _tensor_bytes(raw)[1] + header["doc_offsets"]["data_offsets"][0]
        return _set_value(raw, "doc_offsets", last, struct.unpack_from("<q", raw, start + 8 * last)[0] + 1)
    _fix_manifest(directory, shard, {"raw_bytes": _edit_record(shard, k, change)})


def _id_out_of_range(directory, shard, k):
    name = "ids" if shard.parent.name.startswith("store") else "input_ids"
    _fix_manifest(directory, shard, {"raw_bytes": _edit_record(shard, k, lambda raw: _set_value(raw, name, 1, 30522))})


def _record_removed(fix_counts: bool):
    def apply(directory, shard, k):
        frames, raws = _frames(shard)
        del frames[k], raws[k]
        _write_shard(shard, frames, raws)
        records = "records" if shard.parent.name.startswith("store") else "batches"
        _fix_manifest(directory, shard, {"raw_bytes": sum(raws), **({"records": len(frames)} if fix_counts else {})},
                      {records: -1} if fix_counts else None)
    return apply


def _record_duplicated(directory, shard, k):
    frames, raws = _frames(shard)
    frames.insert(k, frames[k])
    raws.insert(k, raws[k])
    _write_shard(shard, frames, raws)
    records = "records" if shard.parent.name.startswith("store") else "batches"
    _fix_manifest(directory, shard, {"raw_bytes": sum(raws), "records": len(frames)}, {records: 1})


def _seek_sizes_swapped(directory, shard, k):
    frames, raws = _frames(shard)
    assert len(frames[k]) != len(frames[k + 1]), "pick two frames of different sizes"
    data = b"".join(frames)
    sizes = [len(f) for f in frames]
    sizes[k], sizes[k + 1] = sizes[k + 1], sizes[k]
    body = b"".join(struct.pack("<II", c, r) for c, r in zip(sizes, raws))
    table = struct.pack("<II", 0x184D2A5E, len(body) + 9) + body + struct.pack("<IBI", len(frames), 0, 0x8F92EAB1)
    shard.write_bytes(data + table)
    _fix_manifest(directory, shard)


def _seek_raw_size_edited(directory, shard, k):
    frames, raws = _frames(shard)
    raws[k] += 1
    _write_shard(shard, frames, raws)
    _fix_manifest(directory, shard, {"raw_bytes": sum(raws)})


FRAME = r"{shard}: record {k}: byte \d+: "
DAMAGES = [
    Damage("bit-flip-in-frame", ("store", "batches"), _flip_in_frame,
           FRAME + r"the (zstd frame is damaged|zstd frame is \d+ bytes but|record is \d+ bytes but)"),
    Damage("frame-one-byte-longer", ("store", "batches"), _one_byte_longer,
           FRAME + r"the record is (\d+) bytes but the seek table says \d+"),
    Damage("header-dtype-edited", ("store", "batches"), _dtype_edited,
           r"{shard}: record {k}: tensor (flags|attention_mask) is I8, manifest\.json says U8"),
    Damage("header-offsets-edited", ("store", "batches"), _offsets_edited, r"{shard}: record {k}: .*offset"),
    Damage("doc-offsets-edited", ("store",), _doc_offsets_edited,
           r"{shard}: record {k}: doc_offsets/flags do not tile the ids"),
    Damage("id-out-of-range", ("store", "batches"), _id_out_of_range,
           r"{shard}: record {k}: token id 30522 is out of range: manifest\.json's (tokenizer|store)\.vocab_size is "
           r"30522"),
    Damage("record-removed", ("store", "batches"), _record_removed(fix_counts=False),
           r"shards\[0\] \({shard}\) records is {records}, but the shard's seek table says {records_less}"),
    Damage("record-removed-counts-fixed", ("store", "batches"), _record_removed(fix_counts=True),
           r"shards\[0\] \({shard}\) sequences is {sequences}, but its records hold \d+"),
    Damage("record-duplicated-counts-fixed", ("store", "batches"), _record_duplicated,
           r"shards\[0\] \({shard}\) sequences is {sequences}, but its records hold \d+"),
    Damage("seek-table-sizes-swapped", ("store", "batches"), _seek_sizes_swapped,
           FRAME + r"the zstd frame is (\d+ bytes but the seek table says \d+|"
                   r"damaged \(zstd: finding the frame's end)"),
    Damage("seek-table-raw-size-edited", ("store", "batches"), _seek_raw_size_edited,
           FRAME + r"the record is \d+ bytes but the seek table says \d+"),
]


@pytest.mark.parametrize("damage, kind", [(d, kind) for d in DAMAGES for kind in d.kinds],
                         ids=lambda value: str(value))
def test_damage_with_a_consistent_sha256_is_found_by_its_own_check(mlmprep_bin, outputs, kind, damage, tmp_path):
    directory = tmp_path / kind
    shutil.copytree(outputs[kind], directory)
    shard = directory / "shard-00000.mlmb.zst"
    entry = json.loads((directory / "manifest.json").read_text())["shards"][0]
    assert entry["records"] >= 3, "the test needs a shard of several records"
    k = 1
    damage.apply(directory, shard, k)
    result = subprocess.run([mlmprep_bin, "verify", directory], capture_output=True)
    message = result.stderr.decode()
    # Frame and record damage is named by the shard's path and the record; count damage by the manifest's field.
    named = re.escape(str(shard)) if "{shard}:" in damage.pattern else re.escape(shard.name)
    pattern = damage.pattern.format(shard=named, k=k, records=entry["records"], records_less=entry["records"] - 1,
                                    sequences=entry["sequences"])
    assert result.returncode == 1, f"{damage}: exit {result.returncode}: {message}{result.stdout.decode()}"
    assert re.search(pattern, message), f"{damage}: expected {pattern!r} in\n{message}"
    assert "sha256" not in message, f"{damage}: the sha256 was made consistent, another check must find it"


@pytest.mark.parametrize("kind", ["store", "batches"])
def test_bit_flips_inside_any_frame_are_frame_errors_naming_the_record(mlmprep_bin, outputs, kind, tmp_path):
    """Every frame of the first shard, flipped at three places inside its compressed data, sha256 made to match:
    the frame check (zstd checksum or structure) names that shard and record every time."""
    directory = tmp_path / kind
    shutil.copytree(outputs[kind], directory)
    shard = directory / "shard-00000.mlmb.zst"
    original = shard.read_bytes()
    frames, raws = _frames(shard)
    missed = []
    for k, frame in enumerate(frames):
        for fraction, bit in ((0.3, 0x01), (0.55, 0x20), (0.8, 0x80)):
            damaged = bytearray(frame)
            damaged[int(len(frame) * fraction)] ^= bit
            _write_shard(shard, frames[:k] + [bytes(damaged)] + frames[k + 1:], raws)
            _fix_manifest(directory, shard)
            result = subprocess.run([mlmprep_bin, "verify", directory], capture_output=True)
            message = result.stderr.decode()
            if result.returncode != 1 or not re.search(FRAME.format(shard=re.escape(str(shard)), k=k) + "the (zstd "
                                                       r"frame is damaged|record is \d+ bytes but)", message):
                missed.append((k, fraction, message))
    shard.write_bytes(original)
    assert not missed, f"{len(missed)} flips not found by the frame check: {missed[:3]}"
