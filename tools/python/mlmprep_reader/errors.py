"""The one exception type the reader raises for damaged or unexpected input."""

from __future__ import annotations


class MLMBError(Exception):
    """An MLMB file, stream, directory or record is damaged, incomplete or not what was expected.

    The message always starts with the source (file path, ``<stdin>`` or the stream's name) and, when
    known, the record index and the byte offset, e.g.
    ``out/shard-00000.mlmb.zst: record 3 (frame at byte 1234): zstd: Restored data doesn't match checksum``.

    Attributes:
        source: the file path or stream name the problem was found in.
        record: index of the record (within that file or stream), or None.
        offset: byte offset in the compressed file/stream (start of the frame), or None.
        reason: the bare description, without the location prefix.
    """

    def __init__(self, source: str, reason: str, *, record: int | None = None, offset: int | None = None):
        self.source = source
        self.record = record
        self.offset = offset
        self.reason = reason
        where = str(source)
        if record is not None:
            where += f": record {record}"
            if offset is not None:
                where += f" (frame at byte {offset})"
        elif offset is not None:
            where += f": at byte {offset}"
        super().__init__(f"{where}: {reason}")
