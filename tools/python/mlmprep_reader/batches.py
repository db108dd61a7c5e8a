"""Masked batches written by ``mlmprep mask`` (docs/design.md §3.2), for the training side.

    from mlmprep_reader import iter_batches, read_batch

    for batch in iter_batches("-"):          # stdin / a pipe, a shard file, saved pipe output or a directory
        batch["input_ids"]                   # [B, L] int32 (uint16 with --ids u16)
        batch["labels"]                      # [B, L] int32, -100 where nothing is predicted
        batch["attention_mask"]              # [B, L] uint8, 1 real token, 0 padding
        batch.get("token_type_ids")          # [B, L] uint8, pair packing only
        batch.get("next_sentence_label")     # [B] int32, --pack pair only (or "sentence_order_label")

    batch = read_batch("shards/shard-00000.mlmb.zst", 17)   # random access through the seek table
    batch = read_batch("shards/", 1234)                      # or by index across a whole output directory

Each batch is a :class:`~mlmprep_reader.Record`: a plain ``dict`` of numpy arrays (read-only views into the
decompressed frame; ``np.array(x)`` copies) with the safetensors ``__metadata__`` on ``.metadata``. The last
batch of a run may hold fewer than B sequences. Every batch is checked against the contract (names, dtypes,
shapes); anything else raises :class:`~mlmprep_reader.MLMBError` naming the file and batch.

Reading is done by :func:`~mlmprep_reader.iter_records` / :func:`~mlmprep_reader.read_record`; this module
only adds the batch-level checks and the split of a file or directory between several readers
(``part=(i, n)``, used by the PyTorch dataset for DataLoader workers).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import numpy as np

from .errors import MLMBError
from .record import Record, parse_record
from .shards import (
    MANIFEST_NAME,
    SHARD_SUFFIX,
    _decode_frame,
    _has_seek_table_footer,
    _read_seek_table,
    _sha256,
    iter_records,
    load_manifest,
    read_record,
    shard_paths,
)

BATCHES_FORMAT = "mlmprep.batches"

#: Tensors every batch has, [B, L] each.
REQUIRED_FIELDS = ("input_ids", "labels", "attention_mask")
#: The pair-task labels of ``--pack pair`` ([B] int32); at most one of them is present.
PAIR_LABEL_FIELDS = ("next_sentence_label", "sentence_order_label")
#: Label value of positions that are not predicted (Hugging Face convention).
IGNORE_INDEX = -100

_I32, _U16, _U8 = np.dtype("<i4"), np.dtype("<u2"), np.dtype("u1")
_SEQUENCE_DTYPES = {  # name -> allowed dtypes of a [B, L] tensor
    "input_ids": (_I32, _U16),
    "labels": (_I32,),
    "attention_mask": (_U8,),
    "token_type_ids": (_U8,),
    "special_tokens_mask": (_U8,),
}


def check_batch(record: Record) -> Record:
    """Check that ``record`` is a masked batch as docs/design.md §3.2 defines it; return it unchanged.

    Required: ``input_ids`` [B, L] I32 or U16, ``labels`` [B, L] I32, ``attention_mask`` [B, L] U8. Optional:
    ``token_type_ids`` / ``special_tokens_mask`` [B, L] U8 and one pair label (``next_sentence_label`` or
    ``sentence_order_label``) [B] I32. Other tensors are allowed (newer writers may add some). Only names,
    dtypes and shapes are checked, not values. Raises :class:`MLMBError` naming the record.
    """
    source = getattr(record, "source", "<batch>")
    index = getattr(record, "index", None)

    def fail(reason):
        raise MLMBError(source, f"not a masked batch: {reason}", record=index)

    missing = [name for name in REQUIRED_FIELDS if name not in record]
    if missing:
        hint = " (this looks like a tokenized store; run `mlmprep mask` on it)" if "doc_offsets" in record else ""
        fail(f"tensor {missing[0]!r} is missing (has {sorted(record)}){hint}")
    shape = record["input_ids"].shape
    if len(shape) != 2:
        fail(f"input_ids must be 2-D [batch, seq_len], got shape {list(shape)}")
    for name, allowed in _SEQUENCE_DTYPES.items():
        if name not in record:
            continue
        array = record[name]
        if array.dtype not in allowed:
            names = " or ".join(_safetensors_name(d) for d in allowed)
            fail(f"{name} must be {names}, got {_safetensors_name(array.dtype)}")
        if array.shape != shape:
            fail(f"{name} has shape {list(array.shape)} but input_ids has {list(shape)}")
    pair = [name for name in PAIR_LABEL_FIELDS if name in record]
    if len(pair) > 1:
        fail(f"both {pair[0]} and {pair[1]} are present")
    for name in pair:
        array = record[name]
        if array.dtype != _I32 or array.shape != shape[:1]:
            fail(f"{name} must be I32 [{shape[0]}], got {_safetensors_name(array.dtype)}{list(array.shape)}")
    return record


def _safetensors_name(dtype) -> str:
    return {_I32: "I32", _U16: "U16", _U8: "U8", np.dtype("<i8"): "I64", np.dtype("<u4"): "U32"}.get(
        np.dtype(dtype), str(np.dtype(dtype)))


def _is_stream(source) -> bool:
    return hasattr(source, "read") or source is sys.stdin or (isinstance(source, str) and source == "-")


def _check_directory_format(directory: Path) -> None:
    manifest = load_manifest(directory)
    if manifest["format"] != BATCHES_FORMAT:
        hint = ": this is a tokenized store; `mlmprep mask` turns it into batches" \
            if manifest["format"] == "mlmprep.tokens" else ""
        raise MLMBError(str(directory / MANIFEST_NAME),
                        f"format is {manifest['format']!r}, not masked batches ({BATCHES_FORMAT!r}){hint}")


def iter_batches(source="-", *, part: tuple[int, int] | None = None, split: str = "auto",
                 allow_incomplete: bool = False, verify_hashes: bool = False) -> Iterator[Record]:
    """Yield every batch of ``source`` in order, as dicts of numpy arrays (:class:`Record`).

    ``source`` is what :func:`iter_records` accepts: ``"-"`` (stdin, the default: ``mlmprep mask --stdout |
    python train.py``), any binary file object or pipe, a shard file, a file of saved pipe output, or an
    output directory of ``mlmprep mask -o DIR`` (shards in manifest order, checked against the manifest).

    ``part=(i, n)`` yields only the share of reader ``i`` of ``n`` (0 <= i < n), for several processes
    reading one file or directory (DataLoader workers, hosts). The shares are disjoint and together hold
    every batch once. ``split`` chooses how:

    * ``"records"``: batch k (counted across the whole file or directory) goes to reader ``k % n``;
      each reader seeks to its own frames through the seek tables. Taking the readers' batches in turn
      (as a PyTorch DataLoader does with its workers) gives back exactly the order of ``part=None``.
    * ``"shards"``: shard s of a directory goes to reader ``s % n`` (whole files, sequential reads; the
      interleaved order differs from ``part=None``). A single shard file is split by records.
    * ``"auto"`` (default): ``"shards"`` when a directory has at least ``n`` shards, else ``"records"``.

    A stream (stdin, a pipe) cannot be split: ``part`` with ``n > 1`` on a stream raises ``ValueError``.
    """
    if split not in ("auto", "records", "shards"):
        raise ValueError(f"split must be 'auto', 'records' or 'shards', got {split!r}")
    if part is not None:
        i, n = part
        if not (isinstance(i, int) and isinstance(n, int) and 0 <= i < n):
            raise ValueError(f"part must be (i, n) with 0 <= i < n, got {part!r}")
        if n == 1:
            part = None
    if _is_stream(source):
        if part is not None:
            raise ValueError("a stream (stdin or a pipe) cannot be split between readers: read it in one "
                             "process (DataLoader num_workers=0 or 1), or write a directory with "
                             "`mlmprep mask -o DIR` and split that")
        return _checked(iter_records(source))
    path = Path(source)
    if path.is_dir() and not (allow_incomplete and not (path / MANIFEST_NAME).exists()):
        _check_directory_format(path)
    if part is None:
        return _checked(iter_records(path, allow_incomplete=allow_incomplete, verify_hashes=verify_hashes))
    if path.is_dir():
        shards = _directory_shards(path, allow_incomplete)
    else:
        with open(path, "rb") as f:
            if not (_has_seek_table_footer(f) or path.name.endswith(SHARD_SUFFIX)):
                raise ValueError(f"{path}: a file without a seek table (saved pipe output) cannot be split "
                                 "between readers; read it in one process")
        shards = [(path, None, None)]
    i, n = part
    if path.is_dir() and (split == "shards" or (split == "auto" and len(shards) >= n)):
        return _checked(_iter_shards(shards[i::n], verify_hashes))
    return _checked(_iter_every_nth(shards, i, n, verify_hashes))


def _checked(records: Iterator[Record]) -> Iterator[Record]:
    for record in records:
        yield check_batch(record)


def _directory_shards(directory: Path, allow_incomplete: bool) -> list[tuple[Path, int | None, dict | None]]:
    """(path, records the manifest lists or None, manifest entry or None) for every shard, in order."""
    if allow_incomplete and not (directory / MANIFEST_NAME).exists():
        return [(p, None, None) for p in shard_paths(directory, allow_incomplete=True)]
    manifest_path = str(directory / MANIFEST_NAME)
    out = []
    for shard in load_manifest(directory)["shards"]:
        path = directory / shard["file"]
        if not path.is_file():
            raise MLMBError(manifest_path, f"shard {shard['file']} listed in the manifest is missing")
        out.append((path, shard["records"], shard))
    return out


def _open_shard(path: Path, expected: int | None, entry: dict | None, verify_hashes: bool):
    """Open a shard and read its seek table, checking it against its manifest entry; return (file, records)."""
    name = str(path)
    if entry is not None:
        size = path.stat().st_size
        if "compressed_bytes" in entry and entry["compressed_bytes"] != size:
            raise MLMBError(name, f"file is {size} bytes but the manifest says {entry['compressed_bytes']} "
                            "(truncated or replaced?)")
        if verify_hashes and "sha256" in entry and _sha256(path) != entry["sha256"].lower():
            raise MLMBError(name, "sha256 does not match the manifest")
    f = open(path, "rb")
    try:
        records = _read_seek_table(f, name).records
        if expected is not None and len(records) != expected:
            raise MLMBError(name, f"seek table lists {len(records)} records but the manifest says {expected}")
    except BaseException:
        f.close()
        raise
    return f, records


def _iter_shards(shards, verify_hashes: bool) -> Iterator[Record]:
    """Every record of the given shards, in order."""
    for path, expected, entry in shards:
        f, records = _open_shard(path, expected, entry, verify_hashes)
        with f:
            yield from _records_at(f, str(path), records, range(len(records)))


def _iter_every_nth(shards, i: int, n: int, verify_hashes: bool) -> Iterator[Record]:
    """Records k with k % n == i, k counted across ``shards``; only those frames are read and decoded."""
    k = 0
    for path, expected, entry in shards:
        f, records = _open_shard(path, expected, entry, verify_hashes)
        with f:
            yield from _records_at(f, str(path), records, range((i - k) % n, len(records), n))
        k += len(records)


def _records_at(f, name: str, records, indices) -> Iterator[Record]:
    for j in indices:
        offset, compressed, raw = records[j]
        f.seek(offset)
        data = f.read(compressed)

        def fail(reason, _j=j, _o=offset):
            raise MLMBError(name, reason, record=_j, offset=_o)

        yield parse_record(_decode_frame(data, raw, fail), source=name, index=j, offset=offset)


def read_batch(source, i: int) -> Record:
    """Random access: batch ``i`` of a shard file, or of a whole output directory (``i`` counted across
    its shards in manifest order). Negative ``i`` counts from the end. Raises ``IndexError`` when out of
    range and :class:`MLMBError` when the data is damaged or not a masked batch."""
    path = Path(source)
    if not path.is_dir():
        return check_batch(read_record(path, i))
    _check_directory_format(path)
    shards = load_manifest(path)["shards"]
    total = sum(s["records"] for s in shards)
    if not -total <= i < total:
        raise IndexError(f"{path}: batch index {i} out of range (the directory has {total} batches)")
    k = i % total
    for s in shards:
        if k < s["records"]:
            return check_batch(read_record(path / s["file"], k))
        k -= s["records"]
    raise AssertionError("unreachable")
