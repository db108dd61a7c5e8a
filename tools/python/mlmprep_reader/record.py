"""Parsing one record: a complete safetensors file held in memory (numpy only, no safetensors import)."""

from __future__ import annotations

import json
import math
import struct

import numpy as np

from .errors import MLMBError

# safetensors dtype name -> numpy dtype (little-endian). Types numpy cannot represent (BF16, F8_*, F4, F6_*)
# are refused with an MLMBError rather than silently reinterpreted.
DTYPES: dict[str, np.dtype] = {
    "BOOL": np.dtype(np.bool_),
    "U8": np.dtype("u1"),
    "I8": np.dtype("i1"),
    "U16": np.dtype("<u2"),
    "I16": np.dtype("<i2"),
    "F16": np.dtype("<f2"),
    "U32": np.dtype("<u4"),
    "I32": np.dtype("<i4"),
    "F32": np.dtype("<f4"),
    "U64": np.dtype("<u8"),
    "I64": np.dtype("<i8"),
    "F64": np.dtype("<f8"),
    "C64": np.dtype("<c8"),
}

# Same limit as the Rust safetensors crate.
MAX_HEADER_BYTES = 100_000_000


class Record(dict):
    """One record: a ``dict`` mapping tensor name -> read-only numpy array.

    The mapping holds tensors only, so ``{k: torch.from_numpy(v.copy()) for k, v in rec.items()}`` or
    ``BertForMaskedLM(**...)`` work directly. The safetensors ``__metadata__`` (string -> string) is the
    ``metadata`` attribute; ``source`` and ``index`` say where the record came from (file path or stream
    name, and the record's index in that file or stream).
    """

    __slots__ = ("metadata", "source", "index")

    def __init__(self, tensors=(), metadata=None, source: str = "<bytes>", index: int | None = None):
        super().__init__(tensors)
        self.metadata: dict[str, str] = dict(metadata or {})
        self.source = source
        self.index = index

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}: {v.dtype}{list(v.shape)}" for k, v in self.items())
        return f"Record({self.source!r}, index={self.index}, {{{parts}}}, metadata={self.metadata!r})"


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def parse_header(header_bytes: bytes, fail) -> dict:
    """Decode and validate the JSON header; ``fail(reason)`` raises."""
    if not header_bytes.startswith(b"{"):
        fail("safetensors header does not start with '{'")
    try:
        text = header_bytes.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"safetensors header is not valid UTF-8 ({e.reason} at header byte {e.start})")
    try:
        header = json.loads(text, object_pairs_hook=_no_duplicates)
    except ValueError as e:  # json.JSONDecodeError is a ValueError, and so is the duplicate check
        fail(f"safetensors header is not valid JSON: {e}")
    if not isinstance(header, dict):
        fail("safetensors header is not a JSON object")
    return header


def tensor_layout(header: dict, fail) -> tuple[dict[str, str], list[tuple[str, np.dtype, tuple, int, int]], int]:
    """Validate tensor entries; return (metadata, [(name, dtype, shape, begin, end)], total data bytes).

    Offsets must tile ``[0, total)`` exactly (sorted by begin, each begins where the previous ends) and
    every ``end - begin`` must equal numel x itemsize.
    """
    metadata = header.get("__metadata__") or {}
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        fail("__metadata__ must map strings to strings")
    entries = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(info, dict):
            fail(f"tensor {name!r}: entry is not an object")
        for key in ("dtype", "shape", "data_offsets"):
            if key not in info:
                fail(f"tensor {name!r}: missing {key!r}")
        dtype_name = info["dtype"]
        if dtype_name not in DTYPES:
            fail(f"tensor {name!r}: unknown or unsupported dtype {dtype_name!r} "
                 f"(supported: {', '.join(DTYPES)})")
        shape = info["shape"]
        if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
            fail(f"tensor {name!r}: shape {shape!r} is not a list of non-negative integers")
        offsets = info["data_offsets"]
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(type(o) is int and o >= 0 for o in offsets) or offsets[0] > offsets[1]):
            fail(f"tensor {name!r}: data_offsets {offsets!r} must be [begin, end] with 0 <= begin <= end")
        dtype = DTYPES[dtype_name]
        begin, end = offsets
        expected = math.prod(shape) * dtype.itemsize
        if end - begin != expected:
            fail(f"tensor {name!r}: data_offsets {offsets!r} span {end - begin} bytes but "
                 f"{dtype_name}{shape} needs {expected}")
        entries.append((name, dtype, tuple(shape), begin, end))
    position = 0
    for name, _, _, begin, end in sorted(entries, key=lambda e: (e[3], e[4])):
        if begin != position:
            fail(f"tensor {name!r}: data_offsets start at {begin}, expected {position} "
                 "(offsets must tile the data buffer without gaps or overlaps)")
        position = end
    return metadata, entries, position


def parse_record(raw, *, source: str = "<bytes>", index: int | None = None,
                 offset: int | None = None) -> Record:
    """Parse one complete safetensors file held in ``raw`` (bytes-like) into a :class:`Record`.

    The arrays are views into ``raw`` (read-only when ``raw`` is ``bytes``). Raises :class:`MLMBError`
    naming ``source``/``index`` when the bytes are not exactly one valid safetensors file.
    """
    def fail(reason):
        raise MLMBError(source, reason, record=index, offset=offset)

    view = memoryview(raw).cast("B")
    if len(view) < 8:
        fail(f"record is {len(view)} bytes, shorter than the 8-byte safetensors length prefix")
    (n,) = struct.unpack_from("<Q", view, 0)
    if n > MAX_HEADER_BYTES:
        fail(f"safetensors header length {n} exceeds the {MAX_HEADER_BYTES}-byte limit")
    if 8 + n > len(view):
        fail(f"safetensors header length {n} runs past the end of the {len(view)}-byte record (truncated?)")
    header = parse_header(bytes(view[8:8 + n]), fail)
    metadata, entries, total = tensor_layout(header, fail)
    if 8 + n + total != len(view):
        fail(f"record is {len(view)} bytes but its header describes {8 + n + total} "
             f"(8 + {n} header + {total} data)")
    base = 8 + n
    tensors = {}
    for name, dtype, shape, begin, end in entries:
        count = (end - begin) // dtype.itemsize
        tensors[name] = np.frombuffer(raw, dtype=dtype, count=count, offset=base + begin).reshape(shape)
    return Record(tensors, metadata, source, index)
