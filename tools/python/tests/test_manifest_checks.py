"""Edits of a manifest or a vocabulary that keep every shard's sha256 valid must still be refused.

Each edit below leaves the shards alone (or adds a real shard with its own correct sha256), so no hash check can
notice it: the shard list (drop, duplicate, reorder, a foreign or unlisted shard), the counts (documents, tokens,
sequences, records ±1, per shard and in all), the vocabulary (a changed token, a line added or removed, the
recorded digest, a consistent but shorter vocabulary) and the format name and version. `mlmprep verify`,
`mlmprep mask`, `mlmprep pmi` (stores), `mlmprep inspect` (batches) and the Python reader must each refuse it
with exit status 1 (an MLMBError for the reader) and a message naming the field. Edits that only the records can
reveal (token totals, documents per shard, ids beyond the vocabulary) are not expected of `inspect`, which reads
one batch.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

import mlmprep_reader
from mlmprep_reader import MLMBError

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def dirs(mlmprep_bin, vocab, tmp_path_factory) -> dict[str, Path]:
    """A store of 3 shards and 14 records, its masked batches in 5 shards, and a foreign store's shard."""
    base = tmp_path_factory.mktemp("manifest-checks")
    store, batches, foreign = base / "tok", base / "batches", base / "foreign"
    small = ["--chunk-bytes", "2000", "--max-shard-bytes", "9000", "--quiet"]
    subprocess.run([mlmprep_bin, "tokenize", REPO / "corpora/en.txt", REPO / "corpora/multilingual.txt",
                    "--vocab", vocab, "-o", store, *small], check=True)
    subprocess.run([mlmprep_bin, "tokenize", REPO / "corpora/adversarial.txt", "--vocab", vocab, "-o", foreign,
                    *small], check=True)
    subprocess.run([mlmprep_bin, "mask", store, "--seq-len", "64", "--batch-size", "8", "-o", batches,
                    "--max-shard-bytes", "20000", "--quiet"], check=True)
    manifest = json.loads((store / "manifest.json").read_text())
    assert len(manifest["shards"]) == 3 and manifest["counts"]["records"] > 6
    assert len(json.loads((batches / "manifest.json").read_text())["shards"]) >= 4
    return {"store": store, "batches": batches, "foreign": foreign}


# ----------------------------------------------------------------------------------------------------
# The edits


@dataclass
class Edit:
    name: str
    apply: Callable[[Path, Path], None]  # (directory, foreign store)
    pattern: str                         # what every refusal must say (a regex)
    needs_records: bool = False          # only a reader of every record can tell

    def __str__(self):
        return self.name


def manifest_edit(change):
    def apply(directory: Path, foreign: Path):
        path = directory / "manifest.json"
        manifest = json.loads(path.read_text())
        change(manifest)
        path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return apply


def counts(key, delta, field="counts"):
    return manifest_edit(lambda m: m[field].__setitem__(key, m[field][key] + delta))


def shard_field(index, key, delta):
    return manifest_edit(lambda m: m["shards"][index].__setitem__(key, m["shards"][index][key] + delta))


def swap(m):
    m["shards"][0], m["shards"][1] = m["shards"][1], m["shards"][0]


def move_sequence(m):
    m["shards"][0]["sequences"] += 1
    m["shards"][1]["sequences"] -= 1


def drop_last_with_file(directory: Path, foreign: Path):
    manifest = json.loads((directory / "manifest.json").read_text())
    last = manifest["shards"].pop()
    (directory / last["file"]).unlink()
    (directory / "manifest.json").write_text(json.dumps(manifest))


def add_foreign(name: str, listed: bool):
    def apply(directory: Path, foreign: Path):
        data = (foreign / "shard-00000.mlmb.zst").read_bytes()
        manifest = json.loads((directory / "manifest.json").read_text())
        name_ = name or f"shard-{len(manifest['shards']):05d}.mlmb.zst"
        (directory / name_).write_bytes(data)
        if listed:
            entry = dict(json.loads((foreign / "manifest.json").read_text())["shards"][0], file=name_)
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
            manifest["shards"].append(entry)
            (directory / "manifest.json").write_text(json.dumps(manifest))
    return apply


def vocab_edit(change, fix_manifest=None):
    def apply(directory: Path, foreign: Path):
        lines = (directory / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
        lines = change(lines)
        data = ("\n".join(lines) + "\n").encode()
        (directory / "vocab.txt").write_bytes(data)
        if fix_manifest:
            manifest_edit(lambda m: fix_manifest(m, data, len(lines)))(directory, foreign)
    return apply


def renamed(lines, index=2000):
    return lines[:index] + [lines[index] + "-changed"] + lines[index + 1:]


def consistent_short_vocab(where):
    """The first 1000 tokens, with the manifest's digest and size made to match: ids beyond it remain."""
    def fix(m, data, size):
        m[where]["vocab_sha256"] = hashlib.sha256(data).hexdigest()
        m[where]["vocab_size"] = size
    return vocab_edit(lambda lines: lines[:1000], fix)


def list_edits(counts_records: str, counts_sequences: str) -> list[Edit]:
    """Edits of the shard list, the same for stores and batches."""
    return [
        Edit("drop-middle-shard", manifest_edit(lambda m: m["shards"].pop(1)),
             r"shards\[1\] is shard-00002\.mlmb\.zst, expected shard-00001\.mlmb\.zst: a shard is missing"),
        Edit("drop-last-shard", manifest_edit(lambda m: m["shards"].pop()),
             r"shard-0000\d\.mlmb\.zst is in the directory but shards does not list it"),
        Edit("drop-last-shard-and-file", drop_last_with_file,
             rf"{re.escape(counts_records)} is \d+, but the shards' records add up to \d+"),
        Edit("duplicate-shard", manifest_edit(lambda m: m["shards"].insert(1, m["shards"][0])),
             r"shards\[1\] is shard-00000\.mlmb\.zst, expected shard-00001\.mlmb\.zst: shard-00000\.mlmb\.zst is "
             r"listed twice"),
        Edit("duplicate-shard-at-end", manifest_edit(lambda m: m["shards"].append(m["shards"][0])),
             r"shards\[\d\] is shard-00000\.mlmb\.zst, expected shard-0000\d\.mlmb\.zst: shard-00000\.mlmb\.zst is "
             r"listed twice"),
        Edit("reorder-shards", manifest_edit(swap),
             r"shards\[0\] is shard-00001\.mlmb\.zst, expected shard-00000\.mlmb\.zst"),
        Edit("foreign-shard-listed", add_foreign("", listed=True),
             rf"({re.escape(counts_records)} is \d+, but the shards' records|"
             rf"{re.escape(counts_sequences)} is \d+, but the shards' sequences) add up to \d+"),
        Edit("foreign-shard-odd-name", add_foreign("other.mlmb.zst", listed=True),
             r"shards\[\d\] is other\.mlmb\.zst, expected shard-0000\d\.mlmb\.zst: other\.mlmb\.zst is not a shard "
             r"name mlmprep writes"),
        Edit("unlisted-shard-on-disk", add_foreign("", listed=False),
             r"shard-0000\d\.mlmb\.zst is in the directory but shards does not list it"),
        Edit("shard-records+1", shard_field(0, "records", 1),
             r"shards\[0\] \(shard-00000\.mlmb\.zst\) records is \d+, but the shard's seek table says \d+"),
        Edit("shard-records-1", shard_field(1, "records", -1),
             r"shards\[1\] \(shard-00001\.mlmb\.zst\) records is \d+, but the shard's seek table says \d+"),
        Edit("shard-raw-bytes+1", shard_field(0, "raw_bytes", 1),
             r"shards\[0\] \(shard-00000\.mlmb\.zst\) raw_bytes is \d+, but the shard's seek table says \d+"),
        Edit("shard-compressed-bytes-1", shard_field(1, "compressed_bytes", -1),
             r"shards\[1\] \(shard-00001\.mlmb\.zst\) compressed_bytes is \d+, the file has \d+ bytes"),
        Edit("shard-sequences+1", shard_field(0, "sequences", 1),
             rf"{re.escape(counts_sequences)} is \d+, but the shards' sequences add up to \d+"),
        Edit("shard-sequences-1", shard_field(1, "sequences", -1),
             rf"{re.escape(counts_sequences)} is \d+, but the shards' sequences add up to \d+"),
        Edit("sequence-moved-between-shards", manifest_edit(move_sequence),
             r"shards\[0\] \(shard-00000\.mlmb\.zst\) sequences is \d+, but its records hold \d+", needs_records=True),
        Edit(f"{counts_records}+1", counts(counts_records.split(".")[1], 1),
             rf"{re.escape(counts_records)} is \d+, but the shards' records add up to \d+"),
        Edit(f"{counts_records}-1", counts(counts_records.split(".")[1], -1),
             rf"{re.escape(counts_records)} is \d+, but the shards' records add up to \d+"),
        Edit(f"{counts_sequences}+1", counts(counts_sequences.split(".")[1], 1),
             rf"{re.escape(counts_sequences)} is \d+, but the shards' sequences add up to \d+"),
        Edit(f"{counts_sequences}-1", counts(counts_sequences.split(".")[1], -1),
             rf"{re.escape(counts_sequences)} is \d+, but the shards' sequences add up to \d+"),
        Edit("counts.tokens+1", counts("tokens", 1), r"counts\.tokens is \d+, but the records hold \d+",
             needs_records=True),
        Edit("counts.tokens-1", counts("tokens", -1), r"counts\.tokens is \d+, but the records hold \d+",
             needs_records=True),
        Edit("format-version-2", manifest_edit(lambda m: m.update(format_version=2)),
             r"format_version is 2, expected 1"),
        Edit("format-version-0", manifest_edit(lambda m: m.update(format_version=0)),
             r"format_version is 0, expected 1"),
        Edit("format-version-string", manifest_edit(lambda m: m.update(format_version="1")),
             r'format_version is "1", expected 1'),
        Edit("format-version-missing", manifest_edit(lambda m: m.pop("format_version")),
             r"format_version is (missing|null), expected 1"),
    ]


def vocab_edits(where: str) -> list[Edit]:
    digest = rf"vocab\.txt: its sha256 is [0-9a-f]{{64}}, but manifest\.json's {where}\.vocab_sha256 is"
    return [
        Edit("vocab-token-changed", vocab_edit(renamed), digest),
        Edit("vocab-line-added", vocab_edit(lambda lines: lines + ["newtoken"]), digest),
        Edit("vocab-line-removed", vocab_edit(lambda lines: lines[:-1]), digest),
        Edit("vocab-middle-line-removed", vocab_edit(lambda lines: lines[:500] + lines[501:]), digest),
        Edit("vocab-digest-changed", manifest_edit(lambda m: m[where].update(vocab_sha256="0" * 64)), digest),
        Edit("vocab-size+1", counts("vocab_size", 1, field=where),
             rf"{where}\.vocab_size is \d+, but vocab\.txt has \d+ tokens"),
        Edit("vocab-size-1", counts("vocab_size", -1, field=where),
             rf"{where}\.vocab_size is \d+, but vocab\.txt has \d+ tokens"),
        Edit("vocab-shorter-but-consistent", consistent_short_vocab(where),
             rf"token id \d+ is out of range: (manifest\.json's {where}\.vocab_size is 1000|the vocabulary has 1000)",
             needs_records=True),
    ]


STORE_EDITS = list_edits("counts.records", "counts.documents_written") + vocab_edits("tokenizer") + [
    Edit("format-name", manifest_edit(lambda m: m.update(format="mlmprep.tokenz")), r'format is "mlmprep\.tokenz"'),
]
BATCH_EDITS = list_edits("counts.batches", "counts.sequences") + vocab_edits("store") + [
    Edit("format-name", manifest_edit(lambda m: m.update(format="mlmprep.batchez")), r'format is "mlmprep\.batchez"'),
]


# ----------------------------------------------------------------------------------------------------
# The readers


def edited_copy(dirs, kind: str, edit: Edit, tmp_path: Path) -> Path:
    target = tmp_path / kind
    shutil.copytree(dirs[kind], target)
    edit.apply(target, dirs["foreign"])
    return target


def assert_refused(result, edit: Edit, what: str):
    message = result.stderr.decode()
    assert result.returncode == 1, f"{what} on {edit}: exit {result.returncode}\n{message}{result.stdout.decode()}"
    assert re.search(edit.pattern, message), f"{what} on {edit}: the message does not say {edit.pattern!r}:\n{message}"
    assert "Traceback" not in message and "Fatal error" not in message
    assert len(message.strip().splitlines()) == 1, f"{what} on {edit}: not one line:\n{message}"


@pytest.mark.parametrize("edit", STORE_EDITS, ids=str)
def test_store_edit_is_refused(mlmprep_bin, dirs, edit, tmp_path):
    store = edited_copy(dirs, "store", edit, tmp_path)
    before = {p.name: p.read_bytes() for p in store.iterdir()}
    assert_refused(subprocess.run([mlmprep_bin, "verify", store], capture_output=True), edit, "verify")
    out = tmp_path / "masked"
    result = subprocess.run([mlmprep_bin, "mask", store, "--seq-len", "64", "-o", out, "--quiet"], capture_output=True)
    assert_refused(result, edit, "mask")
    assert not (out / "manifest.json").exists(), "a refused mask run must not look finished"
    result = subprocess.run([mlmprep_bin, "pmi", store, "-o", tmp_path / "t.pmi", "--min-count", "2", "--quiet"],
                            capture_output=True)
    assert_refused(result, edit, "pmi")
    assert not (tmp_path / "t.pmi").exists()
    with pytest.raises(MLMBError) as caught:
        for _ in mlmprep_reader.iter_documents(store):
            pass
    assert re.search(edit.pattern, str(caught.value)), f"reader on {edit}: {caught.value}"
    assert {p.name: p.read_bytes() for p in store.iterdir()} == before, "a refusal must not change the store"


@pytest.mark.parametrize("edit", BATCH_EDITS, ids=str)
def test_batch_edit_is_refused(mlmprep_bin, dirs, edit, tmp_path):
    batches = edited_copy(dirs, "batches", edit, tmp_path)
    assert_refused(subprocess.run([mlmprep_bin, "verify", batches], capture_output=True), edit, "verify")
    if not edit.needs_records or edit.name == "vocab-shorter-but-consistent":
        result = subprocess.run([mlmprep_bin, "inspect", batches, "--plain"], capture_output=True)
        assert_refused(result, edit, "inspect")
    with pytest.raises(MLMBError) as caught:
        for _ in mlmprep_reader.iter_batches(batches):
            pass
    assert re.search(edit.pattern, str(caught.value)), f"reader on {edit}: {caught.value}"


@pytest.mark.parametrize("kind", ["store", "batches"])
def test_intact_copies_pass_every_reader(mlmprep_bin, dirs, kind, tmp_path):
    """The checks do not refuse what mlmprep wrote (the control for the edits above)."""
    result = subprocess.run([mlmprep_bin, "verify", dirs[kind]], capture_output=True)
    assert result.returncode == 0 and b"intact" in result.stdout, result.stderr
    if kind == "store":
        assert sum(1 for _ in mlmprep_reader.iter_documents(dirs[kind])) == \
            json.loads((dirs[kind] / "manifest.json").read_text())["counts"]["documents_written"]
        result = subprocess.run([mlmprep_bin, "pmi", dirs[kind], "-o", tmp_path / "t.pmi", "--min-count", "2",
                                 "--quiet"], capture_output=True)
        assert result.returncode == 0, result.stderr
    else:
        assert sum(b["input_ids"].shape[0] for b in mlmprep_reader.iter_batches(dirs[kind])) == \
            json.loads((dirs[kind] / "manifest.json").read_text())["counts"]["sequences"]
        result = subprocess.run([mlmprep_bin, "inspect", dirs[kind], "--plain"], capture_output=True)
        assert result.returncode == 0, result.stderr
