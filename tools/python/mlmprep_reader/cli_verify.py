"""``python -m mlmprep_reader verify PATH``: read every record of a directory, shard or stream and check it.

A directory is checked against its manifest: every shard listed is present, with the size, record count,
raw bytes and sha256 the manifest gives; every record decodes (zstd checksum, safetensors header) and is a
masked batch or a tokenized-store record as the format says; per shard the sequences (batches) or documents
(store) add up to the manifest's, and so do the run's totals. A shard file or a stream is checked record by
record. Prints one ``intact`` line and exits 0, or raises :class:`MLMBError` for the first defect.
"""

from __future__ import annotations

from pathlib import Path

from .batches import BATCHES_FORMAT, check_batch
from .errors import MLMBError
from .shards import MANIFEST_NAME, iter_records, load_manifest
from .store import check_token_record


class Tally:
    """Records, sequences (batches) or documents (store), and tokens of the records seen so far."""

    def __init__(self):
        self.records = self.sequences = self.documents = self.tokens = 0

    def add(self, record) -> int:
        """Check one record (a batch, or a store record); return the sequences or documents it holds."""
        self.records += 1
        if "doc_offsets" in record:
            ids, _, offsets = check_token_record(record)
            self.documents += len(offsets) - 1
            self.tokens += len(ids)
            return len(offsets) - 1
        check_batch(record)
        rows = record["input_ids"].shape[0]
        self.sequences += rows
        self.tokens += int(record["attention_mask"].sum(dtype="int64"))
        return rows


def verify_directory(directory: Path, check_hashes: bool) -> str:
    manifest = load_manifest(directory)
    where = str(directory / MANIFEST_NAME)
    batches = manifest["format"] == BATCHES_FORMAT
    tally = Tally()
    per_shard = {s["file"]: 0 for s in manifest["shards"]}
    for record in iter_records(directory, verify_hashes=check_hashes):
        kind = "batch" if "input_ids" in record else "store record"
        if batches != (kind == "batch"):
            raise MLMBError(record.source, f"a {kind} in a {manifest['format']} directory", record=record.index)
        per_shard[Path(record.source).name] += tally.add(record)
    what = "sequences" if batches else "documents"
    for shard in manifest["shards"]:
        if "sequences" in shard and shard["sequences"] != per_shard[shard["file"]]:
            raise MLMBError(str(directory / shard["file"]), f"holds {per_shard[shard['file']]} {what} but "
                            f"the manifest says {shard['sequences']}")
    counts = manifest.get("counts") or {}
    totals = {"batches": tally.records, "sequences": tally.sequences} if batches else {
        "documents_written": tally.documents, "tokens": tally.tokens}
    for key, value in totals.items():
        if isinstance(counts.get(key), int) and counts[key] != value:
            raise MLMBError(where, f"counts.{key} is {counts[key]} but the shards hold {value}")
    hashed = sum("sha256" in s for s in manifest["shards"])
    hashes = f"; sha256 of {hashed} shard(s) checked" if check_hashes and hashed else ""
    return (f"{directory} is intact ({manifest['format']}): {len(manifest['shards'])} shard(s), "
            f"{tally.records} record(s), {tally.sequences if batches else tally.documents} {what}, "
            f"{tally.tokens} tokens{hashes}")


def verify_source(source, name: str) -> str:
    tally = Tally()
    for record in iter_records(source):
        tally.add(record)
    if tally.records == 0:
        raise MLMBError(name, "holds no records (an empty file or stream)")
    parts = [f"{tally.records} record(s)"]
    if tally.sequences:
        parts.append(f"{tally.sequences} sequences")
    if tally.documents:
        parts.append(f"{tally.documents} documents")
    return f"{name} is intact: {', '.join(parts)}, {tally.tokens} tokens"


def cmd_verify(args, stdin) -> int:
    path = args.path
    if path == "-":
        print(verify_source(stdin, "<stdin>"))
    elif Path(path).is_dir():
        print(verify_directory(Path(path), not args.no_hashes))
    else:
        print(verify_source(path, path))
    return 0
