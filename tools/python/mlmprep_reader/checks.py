"""Cross-checks of an output directory against its ``manifest.json``, as ``mlmprep verify`` makes them.

:func:`check_manifest` runs before any record is read: the shard list names ``shard-00000.mlmb.zst``,
``shard-00001.mlmb.zst``, … each exactly once and in order, no shard file in the directory is left unlisted, the
shards' records and sequences add up to the manifest's counts, and ``vocab.txt`` has the recorded sha256 and
number of tokens. :class:`RecordTally` checks what needs the records, while they are read in order: ids below
the vocabulary size, the documents (store) or sequences (batches) of each shard, and the token count.
Every error names the file, the field, what was expected and what was found.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

from .errors import MLMBError

SHARD_NAME = re.compile(r"shard-(\d{5,})\.mlmb\.zst")
_RERUN = "re-run the mlmprep command that wrote it"
_EDITED = f"the manifest was edited or the directory mixes two runs: restore it or {_RERUN}"

# Per format: the manifest fields of the totals and of the vocabulary.
_FIELDS = {
    "mlmprep.tokens": {"records": "counts.records", "sequences": "counts.documents_written",
                       "tokens": "counts.tokens", "vocab_sha256": "tokenizer.vocab_sha256",
                       "vocab_size": "tokenizer.vocab_size"},
    "mlmprep.batches": {"records": "counts.batches", "sequences": "counts.sequences", "tokens": "counts.tokens",
                        "vocab_sha256": "store.vocab_sha256", "vocab_size": "store.vocab_size"},
}


def shard_name(index: int) -> str:
    """The file name mlmprep gives shard ``index``."""
    return f"shard-{index:05d}.mlmb.zst"


def _field(manifest: dict, name: str, path: str, kind=int):
    value = manifest
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if kind is int and (type(value) is not int or value < 0):
        raise MLMBError(path, f"{name} is {value!r}, expected a count (an integer >= 0); {_EDITED}")
    if kind is str and not isinstance(value, str):
        raise MLMBError(path, f"{name} is {value!r}, expected a string; {_EDITED}")
    return value


def _misplacement(name: str, earlier: list[str]) -> str:
    if name in earlier:
        return f"{name} is listed twice"
    match = SHARD_NAME.fullmatch(name)
    if match and shard_name(int(match.group(1))) == name:
        return ("a shard is missing from the list (or the list is out of order)" if int(match.group(1)) > len(earlier)
                else "the list is out of order")
    return f"{name} is not a shard name mlmprep writes (a foreign file?)"


def check_manifest(directory, manifest: dict) -> None:
    """Check a parsed manifest against its directory (see the module docstring); raise :class:`MLMBError`."""
    directory = Path(directory)
    path = str(directory / "manifest.json")
    fields = _FIELDS[manifest["format"]]
    shards = manifest["shards"]
    for k, shard in enumerate(shards):
        if shard["file"] != shard_name(k):
            raise MLMBError(path, f"shards[{k}] is {shard['file']}, expected {shard_name(k)}: "
                            f"{_misplacement(shard['file'], [s['file'] for s in shards[:k]])}; {_EDITED}")
        _field(shard, "sequences", f"{path}: shards[{k}]")
    listed = {s["file"] for s in shards}
    stray = sorted(p.name for p in directory.iterdir() if p.name.endswith(".mlmb.zst") and p.name not in listed)
    if stray:
        raise MLMBError(path, f"{stray[0]} is in the directory but shards does not list it ({len(shards)} shards "
                        f"listed); remove it if it does not belong here, or re-run the mlmprep command that wrote it")
    from .shards import check_shard_file  # shards imports this module

    for k, shard in enumerate(shards):
        check_shard_file(directory / shard["file"], shard, path, k)
    for key in ("records", "sequences"):
        recorded = _field(manifest, fields[key], path)
        found = sum(s[key] for s in shards)
        if recorded != found:
            raise MLMBError(path, f"{fields[key]} is {recorded}, but the shards' {key} add up to {found}; {_EDITED}")
    _field(manifest, fields["tokens"], path)
    _check_vocab(directory, manifest, fields, path)


def _check_vocab(directory: Path, manifest: dict, fields: dict, path: str) -> None:
    vocab = directory / "vocab.txt"
    if not vocab.is_file():
        raise MLMBError(str(vocab), f"the directory's vocab.txt is missing; restore it or {_RERUN}")
    data = vocab.read_bytes()
    recorded = _field(manifest, fields["vocab_sha256"], path, str)
    digest = hashlib.sha256(data).hexdigest()
    if digest != recorded:
        raise MLMBError(str(vocab), f"its sha256 is {digest}, but manifest.json's {fields['vocab_sha256']} is "
                        f"{recorded}: the vocabulary or the manifest was changed after the run; restore them or "
                        "re-run the mlmprep command that wrote it")
    size, lines = _field(manifest, fields["vocab_size"], path), data.count(b"\n")
    if lines != size:
        raise MLMBError(path, f"{fields['vocab_size']} is {size}, but vocab.txt has {lines} tokens; {_EDITED}")


class RecordTally:
    """Counts the records of a directory as they are read in order and compares them with its manifest."""

    def __init__(self, directory, manifest: dict):
        self.path = str(Path(directory) / "manifest.json")
        self.manifest = manifest
        self.tokens_format = manifest["format"] == "mlmprep.tokens"
        self.fields = _FIELDS[manifest["format"]]
        self.vocab_size = _field(manifest, self.fields["vocab_size"], self.path)
        self.tokens = 0
        self.shard = 0
        self.in_shard = 0

    def add(self, record, shard: int) -> None:
        """Count one record of shard number ``shard`` (its position in the manifest)."""
        while self.shard < shard:
            self._finish_shard()
        needed = ("ids", "doc_offsets") if self.tokens_format else ("input_ids", "labels", "attention_mask")
        missing = [name for name in needed if name not in record]
        if missing:
            raise MLMBError(record.source, f"tensor {missing[0]!r} is missing (has {sorted(record)}), which a "
                            f"{self.manifest['format']} record needs; {_RERUN}", record=record.index)
        if self.tokens_format:
            ids = [record["ids"]]
            sequences, tokens = len(record["doc_offsets"]) - 1, len(record["ids"])
        else:
            labels = record["labels"]
            ids = [record["input_ids"], labels[labels != -100]]
            sequences, tokens = record["input_ids"].shape[0], int(np.count_nonzero(record["attention_mask"]))
        for array in ids:
            if array.size and (int(array.min()) < 0 or int(array.max()) >= self.vocab_size):
                bad = int(array.min()) if int(array.min()) < 0 else int(array.max())
                raise MLMBError(record.source, f"token id {bad} is out of range: manifest.json's "
                                f"{self.fields['vocab_size']} is {self.vocab_size}, so ids must be in "
                                f"0..{self.vocab_size - 1}; the vocabulary or the manifest does not belong to these "
                                "shards: restore them or re-run the mlmprep command that wrote it", record=record.index)
        self.in_shard += sequences
        self.tokens += tokens

    def finish(self) -> None:
        """Check the last shard and the totals, after every record was added."""
        while self.shard < len(self.manifest["shards"]):
            self._finish_shard()
        recorded = self.manifest["counts"]["tokens"]
        if recorded != self.tokens:
            what = "tokens" if self.tokens_format else "real tokens (attention_mask 1)"
            raise MLMBError(self.path, f"counts.tokens is {recorded}, but the records hold {self.tokens} {what}; "
                            f"{_EDITED}")

    def _finish_shard(self) -> None:
        entry = self.manifest["shards"][self.shard]
        if entry["sequences"] != self.in_shard:
            what = "documents" if self.tokens_format else "sequences"
            raise MLMBError(self.path, f"shards[{self.shard}] ({entry['file']}) sequences is {entry['sequences']}, "
                            f"but its records hold {self.in_shard} {what}; {_EDITED}")
        self.shard += 1
        self.in_shard = 0
