"""Reading MLMB shards, directories and pipes.

A shard (``*.mlmb.zst``) is a sequence of zstd frames, one safetensors record per frame, followed by a
zstd seekable-format seek table. Pipe mode is the same frames back to back (seek tables of finished
shards may appear in between as skippable frames). See docs/design.md §3.1.

Every frame is decoded on its own with ``zstandard``'s ``decompressobj``, never with
``ZstdDecompressor().decompress()`` on a whole shard (that returns only the first frame). Files are cut into
frames by their seek table; streams by walking the zstd frame and block headers. Working frame by frame,
rather than through ``stream_reader(read_across_frames=True)``, lets the reader check that each frame holds
exactly one record and notice a stream that ends inside a frame (``stream_reader`` silently returns the
partial output of a truncated last frame). Each frame's zstd checksum is verified by libzstd; the optional
XXH64 values of a 12-byte-entry seek table are not (that would need the xxhash package).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
from pathlib import Path
from typing import BinaryIO, Iterator

import zstandard

from .checks import RecordTally, check_manifest
from .errors import MLMBError
from .record import Record, parse_record

ZSTD_MAGIC = 0xFD2FB528
SKIPPABLE_MAGIC_MIN = 0x184D2A50
SKIPPABLE_MAGIC_MAX = 0x184D2A5F
SEEK_TABLE_MAGIC = 0x184D2A5E
SEEK_TABLE_FOOTER_MAGIC = 0x8F92EAB1
SEEK_TABLE_FOOTER_BYTES = 9  # u32 number of frames, u8 descriptor, u32 footer magic
SHARD_SUFFIX = ".mlmb.zst"
MANIFEST_NAME = "manifest.json"
KNOWN_FORMATS = ("mlmprep.tokens", "mlmprep.batches")
SUPPORTED_FORMAT_VERSION = 1
_CHUNK = 1 << 20


def _is_skippable(magic: int) -> bool:
    return SKIPPABLE_MAGIC_MIN <= magic <= SKIPPABLE_MAGIC_MAX


# ----------------------------------------------------------------------------------------------------
# Seek table


class SeekTable:
    """A parsed seek table: ``entries`` are (offset, compressed_size, raw_size) for every frame the table
    lists (skippable frames included, with raw size 0); ``data_end`` is where the seek-table frame
    starts; ``has_checksums`` tells whether entries carried XXH64 low-32 checksums (descriptor bit 7)."""

    __slots__ = ("entries", "data_end", "has_checksums", "checksums")

    def __init__(self, entries, data_end, has_checksums, checksums):
        self.entries: list[tuple[int, int, int]] = entries
        self.data_end: int = data_end
        self.has_checksums: bool = has_checksums
        self.checksums: list[int] | None = checksums

    @property
    def records(self) -> list[tuple[int, int, int]]:
        """Entries of data frames (raw size > 0): one per record, in record order."""
        return [e for e in self.entries if e[2] > 0]


def _read_seek_table(f: BinaryIO, name: str) -> SeekTable:
    f.seek(0, os.SEEK_END)
    size = f.tell()

    def fail(reason, offset=None):
        raise MLMBError(name, reason, offset=offset)

    if size < 8 + SEEK_TABLE_FOOTER_BYTES:
        fail(f"file is {size} bytes, too short to end with a seek table (truncated or not an MLMB shard)")
    f.seek(size - SEEK_TABLE_FOOTER_BYTES)
    n, descriptor, footer_magic = struct.unpack("<IBI", f.read(SEEK_TABLE_FOOTER_BYTES))
    if footer_magic != SEEK_TABLE_FOOTER_MAGIC:
        fail(f"bad seek table: footer magic is 0x{footer_magic:08X}, expected 0x{SEEK_TABLE_FOOTER_MAGIC:08X} "
             "(file truncated, or not a seekable MLMB shard)", size - 4)
    if descriptor & 0x7C:
        fail(f"bad seek table: descriptor 0x{descriptor:02X} has reserved bits set", size - 5)
    width = 12 if descriptor & 0x80 else 8
    table_payload = n * width + SEEK_TABLE_FOOTER_BYTES
    table_start = size - table_payload - 8
    if table_start < 0:
        fail(f"bad seek table: it lists {n} frames, which needs {table_payload + 8} bytes, "
             f"but the file has {size}")
    f.seek(table_start)
    magic, frame_size = struct.unpack("<II", f.read(8))
    if magic != SEEK_TABLE_MAGIC:
        fail(f"bad seek table: skippable-frame magic is 0x{magic:08X}, expected 0x{SEEK_TABLE_MAGIC:08X} "
             f"(the table lists {n} frames of {width} bytes)", table_start)
    if frame_size != table_payload:
        fail(f"bad seek table: frame size field is {frame_size}, expected {table_payload} for {n} frames",
             table_start)
    body = f.read(n * width)
    entries, checksums = [], [] if width == 12 else None
    offset = 0
    for i in range(n):
        if width == 12:
            c, r, x = struct.unpack_from("<III", body, i * 12)
            checksums.append(x)
        else:
            c, r = struct.unpack_from("<II", body, i * 8)
        entries.append((offset, c, r))
        offset += c
    if offset != table_start:
        fail(f"bad seek table: its {n} frames cover {offset} bytes but the frames end at byte {table_start}")
    return SeekTable(entries, table_start, width == 12, checksums)


def seek_table(path) -> list[tuple[int, int, int]]:
    """Return the seek table of shard file ``path`` as a list of (offset, compressed_size, raw_size).

    Every frame the table lists is included (skippable frames, if any, have raw size 0). Raises
    :class:`MLMBError` if the file does not end with a valid seek table that covers it exactly.
    """
    with open(path, "rb") as f:
        return _read_seek_table(f, str(path)).entries


def _has_seek_table_footer(f: BinaryIO) -> bool:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    if size < 4:
        return False
    f.seek(size - 4)
    return struct.unpack("<I", f.read(4))[0] == SEEK_TABLE_FOOTER_MAGIC


# ----------------------------------------------------------------------------------------------------
# Frames


def _decode_frame(data: bytes, raw_size: int | None, fail) -> bytes:
    """Decode exactly one zstd frame filling all of ``data``; ``fail(reason)`` raises."""
    if len(data) < 4:
        fail(f"frame is {len(data)} bytes, too short for a magic number (truncated?)")
    (magic,) = struct.unpack_from("<I", data)
    if magic != ZSTD_MAGIC and not _is_skippable(magic):
        fail(f"bad magic 0x{magic:08X}: not a zstd frame (the seek table may be wrong or the file damaged)")
    obj = zstandard.ZstdDecompressor().decompressobj()
    try:
        out = obj.decompress(data)
    except zstandard.ZstdError as e:
        fail(f"zstd: {e}")
    if not obj.eof:
        fail(f"frame is incomplete: its {len(data)} bytes end inside the frame (truncated?)")
    if obj.unused_data:
        fail(f"{len(obj.unused_data)} bytes follow the end of the frame inside its seek-table entry")
    if raw_size is not None and len(out) != raw_size:
        fail(f"frame decompresses to {len(out)} bytes but the seek table says {raw_size}")
    return out


def _iter_shard_file(path, name: str | None = None) -> Iterator[Record]:
    name = name or str(path)
    with open(path, "rb") as f:
        table = _read_seek_table(f, name)
        f.seek(0)
        index = 0
        for offset, compressed, raw in table.entries:
            data = f.read(compressed)
            if raw == 0:
                # A skippable frame listed in the table (the seekable format requires listing them).
                magic = struct.unpack_from("<I", data)[0] if len(data) >= 4 else None
                if magic is None or not _is_skippable(magic):
                    raise MLMBError(name, "seek-table entry with raw size 0 is not a skippable frame",
                                    offset=offset)
                continue

            def fail(reason, _i=index, _o=offset):
                raise MLMBError(name, reason, record=_i, offset=_o)

            raw_bytes = _decode_frame(data, raw, fail)
            yield parse_record(raw_bytes, source=name, index=index, offset=offset)
            index += 1


def read_record(shard_path, i: int) -> Record:
    """Random access: decode record ``i`` of shard file ``shard_path`` through its seek table.

    Negative ``i`` counts from the end. Raises ``IndexError`` when out of range and :class:`MLMBError`
    when the shard or the record is damaged.
    """
    name = str(shard_path)
    with open(shard_path, "rb") as f:
        records = _read_seek_table(f, name).records
        n = len(records)
        if not -n <= i < n:
            raise IndexError(f"{name}: record index {i} out of range (the shard has {n} records)")
        i %= n
        offset, compressed, raw = records[i]
        f.seek(offset)
        data = f.read(compressed)

    def fail(reason):
        raise MLMBError(name, reason, record=i, offset=offset)

    return parse_record(_decode_frame(data, raw, fail), source=name, index=i, offset=offset)


class _FrameSplitter:
    """Cuts a non-seekable byte stream into whole zstd frames by walking frame and block headers
    (RFC 8878 §3.1), so each frame can be decoded and checked on its own. Holds one frame in memory."""

    def __init__(self, f: BinaryIO, name: str):
        self._read = getattr(f, "read1", None) or f.read
        self._name = name
        self._buf = bytearray()
        self._pos = 0       # start of the current frame in _buf
        self._base = 0      # stream offset of _buf[0]
        self._eof = False

    def _have(self, n: int) -> bool:
        """Make sure n bytes from the current frame start are buffered; False at end of stream."""
        while len(self._buf) - self._pos < n and not self._eof:
            if self._pos:
                del self._buf[: self._pos]
                self._base += self._pos
                self._pos = 0
            chunk = self._read(max(_CHUNK, n - len(self._buf)))
            if chunk:
                self._buf += chunk
            else:
                self._eof = True
        return len(self._buf) - self._pos >= n

    def next_frame(self, index: int) -> tuple[int, int, bytes] | None:
        """Return (stream offset, magic, frame bytes) of the next frame, or None at a clean end.
        ``index`` is the record number this frame would be, for error messages."""
        if not self._have(1):
            return None
        offset = self._base + self._pos

        def need(n: int, what: str):
            if not self._have(n):
                got = len(self._buf) - self._pos
                raise MLMBError(self._name, f"stream ends inside a frame ({what}; {got} bytes of the frame "
                                "present): truncated", record=index, offset=offset)

        need(4, "magic number")
        buf, pos = self._buf, self._pos
        (magic,) = struct.unpack_from("<I", buf, pos)
        if _is_skippable(magic):
            need(8, "skippable frame size")
            size = 8 + struct.unpack_from("<I", self._buf, self._pos + 4)[0]
        elif magic == ZSTD_MAGIC:
            need(5, "frame header")
            fhd = self._buf[self._pos + 4]
            single_segment = (fhd >> 5) & 1
            fcs_size = (1 if single_segment else 0, 2, 4, 8)[fhd >> 6]
            size = 5 + (0 if single_segment else 1) + (0, 1, 2, 4)[fhd & 3] + fcs_size
            while True:
                need(size + 3, "block header")
                header = int.from_bytes(self._buf[self._pos + size: self._pos + size + 3], "little")
                block_type = (header >> 1) & 3
                if block_type == 3:
                    raise MLMBError(self._name, f"corrupt zstd frame: reserved block type at stream byte "
                                    f"{self._base + self._pos + size}", record=index, offset=offset)
                size += 3 + (1 if block_type == 1 else header >> 3)
                if header & 1:
                    break
            if fhd & 4:
                size += 4
        else:
            raise MLMBError(self._name, f"bad magic 0x{magic:08X}: not a zstd frame", record=index,
                            offset=offset)
        need(size, f"frame of {size} bytes")
        data = bytes(self._buf[self._pos: self._pos + size])
        self._pos += size
        return offset, magic, data


def _iter_stream(f: BinaryIO, name: str) -> Iterator[Record]:
    """Records from a byte stream of concatenated frames (pipe mode); skippable frames are skipped."""
    splitter = _FrameSplitter(f, name)
    index = 0
    while (frame := splitter.next_frame(index)) is not None:
        offset, magic, data = frame
        if _is_skippable(magic):
            continue

        def fail(reason, _i=index, _o=offset):
            raise MLMBError(name, reason, record=_i, offset=_o)

        yield parse_record(_decode_frame(data, None, fail), source=name, index=index, offset=offset)
        index += 1


def check_shard_file(path: Path, shard: dict, manifest_path: str, index: int) -> None:
    """Check shard ``index`` of a manifest against its file: it exists, has the recorded size, and its seek table
    holds the recorded records and raw bytes. The messages are those of ``mlmprep verify``."""
    field = f"shards[{index}] ({shard['file']})"
    if not path.is_file():
        raise MLMBError(manifest_path, f"shards[{index}] lists {shard['file']}, which is missing; restore it or "
                        "re-run the mlmprep command that wrote it")
    size = path.stat().st_size
    if "compressed_bytes" in shard and shard["compressed_bytes"] != size:
        raise MLMBError(manifest_path, f"{field} compressed_bytes is {shard['compressed_bytes']}, the file has "
                        f"{size} bytes; it was altered or the manifest was edited: re-run "
                        "the mlmprep command that wrote it")
    with open(path, "rb") as f:
        table = _read_seek_table(f, str(path))
    found = {"records": len(table.records), "raw_bytes": sum(e[2] for e in table.entries)}
    for key, value in found.items():
        if key in shard and shard[key] != value:
            raise MLMBError(manifest_path, f"{field} {key} is {shard[key]}, but the shard's seek table says "
                            f"{value}; the manifest was edited or the shard replaced: re-run the mlmprep "
                            "command that wrote it")

# ----------------------------------------------------------------------------------------------------
# Directories


def load_manifest(directory) -> dict:
    """Load and check ``manifest.json`` of an mlmprep output directory.

    Raises :class:`MLMBError` if it is missing (an incomplete run: mlmprep writes the manifest last),
    not valid JSON, of an unknown format or a newer format version, or lists shards badly.
    """
    directory = Path(directory)
    path = directory / MANIFEST_NAME
    if not path.is_file():
        raise MLMBError(str(directory), f"no {MANIFEST_NAME}: this is an incomplete run (mlmprep writes the "
                        "manifest last) or not an mlmprep output directory; re-run or resume it, or pass "
                        "allow_incomplete=True to read the shards that exist")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise MLMBError(str(path), f"not valid JSON: {e}") from None
    if not isinstance(manifest, dict):
        raise MLMBError(str(path), "manifest is not a JSON object")
    fmt = manifest.get("format")
    if fmt not in KNOWN_FORMATS:
        raise MLMBError(str(path), f"format is {json.dumps(fmt)}, expected one of {', '.join(KNOWN_FORMATS)}: "
                        "this is not a directory written by mlmprep tokenize or mlmprep mask (unknown format)")
    version = manifest.get("format_version")
    if type(version) is not int:
        raise MLMBError(str(path), f"format_version is {json.dumps(version)}, expected {SUPPORTED_FORMAT_VERSION} "
                        "(an integer); the manifest was edited: restore it or re-run the mlmprep command that "
                        "wrote it")
    if version != SUPPORTED_FORMAT_VERSION:
        raise MLMBError(str(path), f"format_version is {version}, expected {SUPPORTED_FORMAT_VERSION} (the version "
                        f"this reader reads); it was written by {manifest.get('tool', 'an unknown tool')}: read it "
                        "with a matching mlmprep_reader, or re-run the mlmprep command that wrote it")
    shards = manifest.get("shards")
    if not isinstance(shards, list):
        raise MLMBError(str(path), "'shards' is missing or not a list")
    for k, shard in enumerate(shards):
        file = shard.get("file") if isinstance(shard, dict) else None
        if not isinstance(file, str) or not file or "/" in file or "\\" in file or file in (".", ".."):
            raise MLMBError(str(path), f"shards[{k}]: 'file' must be a plain file name, got {file!r}")
        records = shard.get("records")
        if type(records) is not int or records < 0:
            raise MLMBError(str(path), f"shards[{k}] ({file}): 'records' must be a non-negative integer")
    check_manifest(directory, manifest)
    return manifest


def shard_paths(directory, *, allow_incomplete: bool = False) -> list[Path]:
    """Shard files of an output directory in manifest order.

    Without a manifest this raises, unless ``allow_incomplete`` is true: then the ``*.mlmb.zst`` files
    present are returned sorted by name.
    """
    directory = Path(directory)
    if allow_incomplete and not (directory / MANIFEST_NAME).exists():
        return sorted(p for p in directory.iterdir() if p.name.endswith(SHARD_SUFFIX) and p.is_file())
    manifest = load_manifest(directory)
    return [directory / s["file"] for s in manifest["shards"]]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def _iter_directory(directory: Path, allow_incomplete: bool, verify_hashes: bool) -> Iterator[Record]:
    if allow_incomplete and not (directory / MANIFEST_NAME).exists():
        for path in shard_paths(directory, allow_incomplete=True):
            yield from _iter_shard_file(path)
        return
    manifest = load_manifest(directory)
    tally = RecordTally(directory, manifest)
    for index, shard in enumerate(manifest["shards"]):
        path = directory / shard["file"]  # its size, seek table and records were checked by load_manifest
        if verify_hashes and "sha256" in shard and _sha256(path) != shard["sha256"].lower():
            raise MLMBError(str(path), "sha256 does not match the manifest")
        for record in _iter_shard_file(path):
            tally.add(record, index)
            yield record
    tally.finish()


# ----------------------------------------------------------------------------------------------------
# Entry point


def _stream_name(f) -> str:
    name = getattr(f, "name", None)
    if isinstance(name, str):
        return name
    if f is sys.stdin.buffer or f is sys.stdin:
        return "<stdin>"
    return "<stream>"


def iter_records(source="-", *, allow_incomplete: bool = False, verify_hashes: bool = False) -> Iterator[Record]:
    """Iterate over every record of ``source`` in order, as :class:`Record` dicts (name -> numpy array,
    with ``.metadata``, ``.source`` and ``.index``).

    ``source`` may be:
      * an output directory: shards in manifest order, each checked against the manifest (file size,
        record count, raw bytes; sha256 too when ``verify_hashes``). A directory without
        ``manifest.json`` is refused unless ``allow_incomplete`` is true (then the ``*.mlmb.zst`` files
        present are read in name order).
      * a shard file: frames found through its seek table (a file whose name ends in ``.mlmb.zst`` must
        have one); any other file without a seek table (e.g. saved pipe output) is read as a stream.
      * ``"-"``, ``sys.stdin``/``sys.stdin.buffer`` or any binary file object with ``read()``: read as a
        stream of concatenated frames (pipe mode); skippable frames (seek tables) are skipped.

    Problems that can be seen up front (missing manifest, bad seek table) raise :class:`MLMBError` from
    this call; damage inside a frame raises when iteration reaches it.
    """
    if isinstance(source, str) and source == "-" or source is sys.stdin:
        source = sys.stdin.buffer
    if hasattr(source, "read"):
        return _iter_stream(source, _stream_name(source))
    path = Path(source)
    if path.is_dir():
        if not allow_incomplete:
            load_manifest(path)
        return _iter_directory(path, allow_incomplete, verify_hashes)
    with open(path, "rb") as f:
        if _has_seek_table_footer(f) or path.name.endswith(SHARD_SUFFIX):
            _read_seek_table(f, str(path))
            return _iter_shard_file(path)
    return _iter_path_stream(path)


def _iter_path_stream(path: Path) -> Iterator[Record]:
    with open(path, "rb") as f:
        yield from _iter_stream(f, str(path))
