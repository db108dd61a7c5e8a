"""Tokenized stores written by ``mlmprep tokenize`` (docs/design.md §3.3)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np

from .errors import MLMBError
from .record import Record
from .shards import MANIFEST_NAME, iter_records, load_manifest

FLAG_WORD_START = 1      # bit 0: the token starts a word (a pre-tokenizer piece)
FLAG_SENTENCE_START = 2  # bit 1: the token starts a sentence


def check_token_record(record: Record) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate one tokenized-store record; return (ids, flags, doc_offsets)."""
    def fail(reason):
        raise MLMBError(record.source, reason, record=record.index)

    for name in ("ids", "flags", "doc_offsets"):
        if name not in record:
            fail(f"not a tokenized-store record: tensor {name!r} is missing (has {sorted(record)})")
    ids, flags, offsets = record["ids"], record["flags"], record["doc_offsets"]
    if ids.dtype not in (np.dtype("<u2"), np.dtype("<u4")) or ids.ndim != 1:
        fail(f"ids must be a 1-D U16 or U32 tensor, got {ids.dtype}{list(ids.shape)}")
    if flags.dtype != np.dtype("u1") or flags.shape != ids.shape:
        fail(f"flags must be U8 with the shape of ids {list(ids.shape)}, got {flags.dtype}{list(flags.shape)}")
    if offsets.dtype != np.dtype("<i8") or offsets.ndim != 1 or len(offsets) < 1:
        fail(f"doc_offsets must be a non-empty 1-D I64 tensor, got {offsets.dtype}{list(offsets.shape)}")
    if offsets[0] != 0:
        fail(f"doc_offsets must start at 0, starts at {offsets[0]}")
    if np.any(np.diff(offsets) < 0):
        fail("doc_offsets are not monotonic")
    if offsets[-1] != len(ids):
        fail(f"doc_offsets end at {offsets[-1]} but ids has {len(ids)} tokens")
    return ids, flags, offsets


def iter_documents(source, *, allow_incomplete: bool = False) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(ids, flags)`` for every document of a tokenized store, in order.

    ``source`` is anything :func:`iter_records` accepts; a directory must be an ``mlmprep.tokens`` store.
    ``ids`` is U16 or U32 and ``flags`` U8 (bit 0 word start, bit 1 sentence start); both are read-only
    views into the record.
    """
    if not hasattr(source, "read") and source != "-" and Path(source).is_dir() and (
            not allow_incomplete or (Path(source) / MANIFEST_NAME).exists()):
        manifest = load_manifest(source)
        if manifest["format"] != "mlmprep.tokens":
            raise MLMBError(str(Path(source) / MANIFEST_NAME),
                            f"format is {manifest['format']!r}, not a tokenized store ('mlmprep.tokens')")
    return _documents(iter_records(source, allow_incomplete=allow_incomplete))


def _documents(records) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for record in records:
        ids, flags, offsets = check_token_record(record)
        for begin, end in zip(offsets[:-1].tolist(), offsets[1:].tolist()):
            yield ids[begin:end], flags[begin:end]


def load_vocab(store_dir) -> list[str]:
    """The store's ``vocab.txt`` as a list of tokens (index = id).

    When the directory has a manifest, the file is checked against it first (its sha256 and number of tokens).
    """
    path = Path(store_dir) / "vocab.txt"
    if not path.is_file():
        raise MLMBError(str(store_dir), "no vocab.txt in the store")
    if (Path(store_dir) / MANIFEST_NAME).is_file():
        load_manifest(store_dir)
    return read_vocab_file(path)


def read_vocab_file(path) -> list[str]:
    """A ``vocab.txt`` (one token per line, line k = id k) as a list of tokens."""
    path = Path(path)
    if not path.is_file():
        raise MLMBError(str(path), "no such vocabulary file")
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]
