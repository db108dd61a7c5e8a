"""End-to-end tests of ``mlmprep tokenize`` and ``mlmprep encode`` against Hugging Face ``tokenizers``.

They run the Swift binary named by the environment variable ``MLMPREP_BIN`` (skipped, with a message, only
when it is unset; CI always sets it):

    swift build -c release
    MLMPREP_BIN=$PWD/.build/release/mlmprep .venv/bin/python -m pytest tools/python/tests

The store is checked with independent code (struct + zstandard + ``safetensors.numpy.load``), not only
through ``mlmprep_reader``. The reference for every id is ``BertWordPieceTokenizer(vocab)`` (docs/design.md §4),
applied the way docs/design.md §2 reads plain text: lines split on ``\\n`` only, a ``\\r`` before it dropped,
invalid UTF-8 replaced by U+FFFD, a blank line ends a document, one sentence per line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
import zstandard
from safetensors.numpy import load as st_load
from safetensors.numpy import save as st_save
from tokenizers import BertWordPieceTokenizer

import mlmprep_reader

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"
PLAIN = [CORPORA / "en.txt", CORPORA / "multilingual.txt"]
TRAIN = PLAIN + [CORPORA / "adversarial.txt"]
SHARD_NAME = "shard-{:05d}.mlmb.zst"
TIMEOUT = 600

# ----------------------------------------------------------------------------------------------------
# Fixtures


def _train(directory: Path, lowercase: bool) -> Path:
    tokenizer = BertWordPieceTokenizer(lowercase=lowercase)
    tokenizer.train([str(p) for p in TRAIN], vocab_size=4000)
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save_model(str(directory))
    return directory / "vocab.txt"


@pytest.fixture(scope="session")
def vocab(tmp_path_factory) -> Path:
    return _train(tmp_path_factory.mktemp("vocab-uncased"), lowercase=True)


@pytest.fixture(scope="session")
def cased_vocab(tmp_path_factory) -> Path:
    return _train(tmp_path_factory.mktemp("vocab-cased"), lowercase=False)


def reference_tokenizer(vocab_path: Path, cased: bool = False) -> BertWordPieceTokenizer:
    return BertWordPieceTokenizer(str(vocab_path), lowercase=not cased)


def run(mlmprep_bin: str, *args, expect: int | None = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([mlmprep_bin, *map(str, args)], capture_output=True, timeout=TIMEOUT)
    if expect is not None:
        assert result.returncode == expect, (
            f"mlmprep {' '.join(map(str, args))}\nexit {result.returncode}, expected {expect}\n"
            f"stderr:\n{result.stderr.decode(errors='replace')[-4000:]}")
    return result


def tokenize(mlmprep_bin: str, files, vocab_path: Path, out: Path, *extra, expect: int | None = 0):
    return run(mlmprep_bin, "tokenize", *files, "--vocab", vocab_path, "-o", out, "--quiet", *extra,
               expect=expect)


@pytest.fixture(scope="module")
def plain_store(mlmprep_bin, vocab, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "store"
    result = tokenize(mlmprep_bin, PLAIN, vocab, out)
    assert result.stderr == b"", f"--quiet run wrote to stderr: {result.stderr[-2000:]!r}"
    return out


# ----------------------------------------------------------------------------------------------------
# Independent decoding of a store


def split_frames(path: Path) -> list[bytes]:
    """Cut a shard into its frames using the seek table (8- or 12-byte entries)."""
    data = path.read_bytes()
    assert len(data) >= 17, f"{path.name}: too short for a seek table"
    n, descriptor, footer = struct.unpack_from("<IBI", data, len(data) - 9)
    assert footer == 0x8F92EAB1, f"{path.name}: no seek-table footer"
    assert descriptor & 0x7C == 0, f"{path.name}: reserved descriptor bits set"
    width = 12 if descriptor & 0x80 else 8
    start = len(data) - 9 - n * width - 8
    magic, size = struct.unpack_from("<II", data, start)
    assert (magic, size) == (0x184D2A5E, n * width + 9), f"{path.name}: bad seek-table frame header"
    frames, offset = [], 0
    for i in range(n):
        compressed, raw = struct.unpack_from("<II", data, start + 8 + i * width)
        frames.append((data[offset:offset + compressed], raw))
        offset += compressed
    assert offset == start, f"{path.name}: seek table covers {offset} bytes, frames end at {start}"
    return frames


def decode_frame(frame: bytes, raw_size: int) -> bytes:
    header = zstandard.get_frame_parameters(frame)
    assert header.content_size == raw_size, "frame header lacks the content size or disagrees with the table"
    assert header.has_checksum, "frame written without a checksum"
    obj = zstandard.ZstdDecompressor().decompressobj()
    raw = obj.decompress(frame)
    assert obj.eof and not obj.unused_data, "seek-table entry is not exactly one frame"
    assert len(raw) == raw_size
    return raw


def header_metadata(raw: bytes) -> dict | None:
    """The record's __metadata__, or None when the header has no such key."""
    (n,) = struct.unpack_from("<Q", raw)
    return json.loads(raw[8:8 + n]).get("__metadata__")


def load_store(store: Path) -> tuple[dict, list[bytes], list[dict]]:
    """(manifest, raw records, decoded records) in manifest order."""
    manifest = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    raws, records = [], []
    for shard in manifest["shards"]:
        for frame, raw_size in split_frames(store / shard["file"]):
            raw = decode_frame(frame, raw_size)
            raws.append(raw)
            records.append(st_load(raw))
    return manifest, raws, records


def store_documents(store: Path) -> list[tuple[list[int], list[int]]]:
    docs = []
    for record in load_store(store)[2]:
        ids, flags, offsets = record["ids"], record["flags"], record["doc_offsets"]
        for begin, end in zip(offsets[:-1], offsets[1:]):
            docs.append((ids[begin:end].tolist(), flags[begin:end].tolist()))
    return docs


# ----------------------------------------------------------------------------------------------------
# The reference


def read_lines(path: Path) -> list[str]:
    """Lines as docs/design.md §2 defines them: split on \\n, a \\r before it dropped, bad UTF-8 replaced.
    A final \\n ends the last line rather than starting an empty one."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    return [(line[:-1] if line.endswith(b"\r") else line).decode("utf-8", errors="replace") for line in lines]


def encode_sentences(tokenizer, sentences: list[str]) -> tuple[list[int], list[int]]:
    """Ids of the sentences back to back, with flags: bit 0 word start, bit 1 sentence start."""
    ids, flags = [], []
    for sentence in sentences:
        encoding = tokenizer.encode(sentence, add_special_tokens=False)
        previous = object()
        for j, (token, word) in enumerate(zip(encoding.ids, encoding.word_ids)):
            flag = 2 if j == 0 else 0
            if j == 0 or word is None or word != previous:
                flag |= 1
            previous = word
            ids.append(token)
            flags.append(flag)
    return ids, flags


def reference_documents(paths, tokenizer, boundary: str = "blank-line") -> list[tuple[list[str], list, list]]:
    """(sentences, ids, flags) of every document with at least one token, over all files in order."""
    docs = []
    for path in paths:
        current: list[str] = []
        groups = []
        for line in read_lines(path):
            if boundary == "line":
                groups.append([line])
            elif line.strip() == "":
                if current:
                    groups.append(current)
                current = []
            else:
                current.append(line)
        if current:
            groups.append(current)
        for sentences in groups:
            ids, flags = encode_sentences(tokenizer, sentences)
            if ids:
                docs.append((sentences, ids, flags))
    return docs


def assert_documents_match(got, want, compare_flags: bool = True, bit_mask: int = 3):
    """Compare store documents with the reference, reporting the first differing document readably."""
    for k, ((got_ids, got_flags), (sentences, ids, flags)) in enumerate(zip(got, want)):
        if got_ids != ids:
            first = next(j for j in range(min(len(got_ids), len(ids)) + 1)
                         if j >= len(got_ids) or j >= len(ids) or got_ids[j] != ids[j])
            pytest.fail(f"document {k} ids differ at token {first}\n  text: {sentences!r:.300}\n"
                        f"  mlmprep: {got_ids[max(0, first - 3):first + 8]}\n"
                        f"  HF:      {ids[max(0, first - 3):first + 8]}")
        if compare_flags:
            masked = [f & bit_mask for f in got_flags]
            if masked != [f & bit_mask for f in flags]:
                first = next(j for j in range(len(flags)) if masked[j] != flags[j] & bit_mask)
                pytest.fail(f"document {k} flags differ at token {first}\n  text: {sentences!r:.300}\n"
                            f"  mlmprep: {masked[max(0, first - 3):first + 8]}\n"
                            f"  HF:      {[f & bit_mask for f in flags][max(0, first - 3):first + 8]}")
    assert len(got) == len(want), f"mlmprep wrote {len(got)} documents, the reference has {len(want)}"


def find_key(value, key):
    """First value of ``key`` anywhere in a nested JSON value."""
    if isinstance(value, dict):
        if key in value:
            return value[key]
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = find_key(item, key)
            if found is not None:
                return found
    return None


# ----------------------------------------------------------------------------------------------------
# Store layout, manifest and container


def test_store_layout(plain_store, vocab):
    names = sorted(p.name for p in plain_store.iterdir())
    shards = [n for n in names if n.endswith(".mlmb.zst")]
    assert set(names) == {"manifest.json", "vocab.txt", *shards}, f"unexpected files in the store: {names}"
    assert shards == [SHARD_NAME.format(k) for k in range(len(shards))] and shards
    assert (plain_store / "vocab.txt").read_bytes() == vocab.read_bytes()


def test_manifest(plain_store, vocab):
    manifest, raws, records = load_store(plain_store)
    assert manifest["format"] == "mlmprep.tokens"
    assert manifest["format_version"] == 1
    assert str(manifest["tool"]).startswith("mlmprep")
    counts = manifest["counts"]
    skipped = counts["documents_skipped"]
    assert isinstance(skipped, dict) and all(isinstance(v, int) and v >= 0 for v in skipped.values())
    assert counts["documents_read"] == counts["documents_written"] + sum(skipped.values())
    documents = sum(len(r["doc_offsets"]) - 1 for r in records)
    tokens = sum(len(r["ids"]) for r in records)
    assert counts["documents_written"] == documents
    assert counts["tokens"] == tokens
    unk = vocab.read_text(encoding="utf-8").split("\n").index("[UNK]")
    assert counts["unknown_tokens"] == sum(int((r["ids"] == unk).sum()) for r in records)

    k = 0
    for shard in manifest["shards"]:
        path = plain_store / shard["file"]
        frames = split_frames(path)
        data = path.read_bytes()
        assert shard["records"] == len(frames)
        assert shard["compressed_bytes"] == len(data)
        assert shard["raw_bytes"] == sum(raw for _, raw in frames)
        assert shard["sha256"] == hashlib.sha256(data).hexdigest()
        shard_records = records[k:k + len(frames)]
        k += len(frames)
        assert shard["sequences"] == sum(len(r["doc_offsets"]) - 1 for r in shard_records), \
            "a tokenized store's 'sequences' should count the documents in the shard"
    assert k == len(records)


def test_records_are_canonical_safetensors(plain_store, vocab):
    vocab_size = len(vocab.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    _, raws, records = load_store(plain_store)
    assert records
    for raw, record in zip(raws, records):
        assert set(record) == {"ids", "flags", "doc_offsets"}
        ids, flags, offsets = record["ids"], record["flags"], record["doc_offsets"]
        assert ids.dtype == (np.uint16 if vocab_size <= 65536 else np.uint32)
        assert flags.dtype == np.uint8 and offsets.dtype == np.int64
        assert ids.ndim == flags.ndim == offsets.ndim == 1 and len(flags) == len(ids)
        assert len(ids) > 0 and int(ids.max()) < vocab_size
        assert offsets[0] == 0 and offsets[-1] == len(ids)
        assert np.all(np.diff(offsets) >= 0), "doc_offsets must be monotonic"
        assert np.all(flags <= 3), "only bits 0 and 1 are defined"
        # the first token of every document starts a sentence and a word
        assert np.all(flags[offsets[:-1][np.diff(offsets) > 0]] == 3)
        # byte-identical to what safetensors itself writes for the same arrays and metadata
        assert st_save(record, metadata=header_metadata(raw)) == raw


@pytest.mark.skipif(shutil.which("zstd") is None, reason="zstd CLI not installed")
def test_zstd_cli_accepts_shards(plain_store):
    manifest, raws, _ = load_store(plain_store)
    paths = [plain_store / s["file"] for s in manifest["shards"]]
    subprocess.run(["zstd", "-q", "-t", *map(str, paths)], check=True)
    out = subprocess.run(["zstd", "-q", "-dc", *map(str, paths)], check=True, capture_output=True).stdout
    assert out == b"".join(raws)


def test_reader_reads_store(plain_store):
    expected = store_documents(plain_store)
    got = [(ids.tolist(), flags.tolist()) for ids, flags in mlmprep_reader.iter_documents(plain_store)]
    assert got == expected
    assert mlmprep_reader.load_vocab(plain_store)[:1] == ["[PAD]"]


# ----------------------------------------------------------------------------------------------------
# Parity with Hugging Face tokenizers


def test_plain_text_parity(plain_store, vocab):
    want = reference_documents(PLAIN, reference_tokenizer(vocab))
    assert_documents_match(store_documents(plain_store), want)


@pytest.mark.parametrize("cased", [False, True], ids=["uncased", "cased"])
def test_adversarial_parity_one_document_per_line(mlmprep_bin, vocab, cased_vocab, tmp_path, cased):
    vocab_path = cased_vocab if cased else vocab
    out = tmp_path / "store"
    tokenize(mlmprep_bin, [CORPORA / "adversarial.txt"], vocab_path, out, "--doc-boundary", "line",
             *(["--cased"] if cased else []))
    want = reference_documents([CORPORA / "adversarial.txt"], reference_tokenizer(vocab_path, cased), "line")
    assert_documents_match(store_documents(out), want)


def test_invalid_utf8_is_replaced(mlmprep_bin, vocab, tmp_path):
    out = tmp_path / "store"
    tokenize(mlmprep_bin, [CORPORA / "bad" / "invalid_utf8.txt"], vocab, out)
    want = reference_documents([CORPORA / "bad" / "invalid_utf8.txt"], reference_tokenizer(vocab))
    assert_documents_match(store_documents(out), want)


def test_jsonl_parity(mlmprep_bin, vocab, tmp_path):
    out = tmp_path / "store"
    tokenize(mlmprep_bin, [CORPORA / "sample.jsonl"], vocab, out)
    tokenizer = reference_tokenizer(vocab)
    want = []
    for line in read_lines(CORPORA / "sample.jsonl"):
        text = json.loads(line)["text"]
        ids, flags = encode_sentences(tokenizer, [text])
        if ids:
            want.append(([text], ids, flags))
    # How a JSON text is split into sentences is not fixed here; ids and word starts are.
    assert_documents_match(store_documents(out), want, bit_mask=1)


@pytest.mark.parametrize("name", ["en.txt", "sample.jsonl"])
def test_zst_input_equals_plain_input(mlmprep_bin, vocab, tmp_path, name):
    plain, compressed = tmp_path / "plain", tmp_path / "zst"
    tokenize(mlmprep_bin, [CORPORA / name], vocab, plain)
    tokenize(mlmprep_bin, [CORPORA / (name + ".zst")], vocab, compressed)
    assert store_documents(compressed) == store_documents(plain)


def test_tokenizer_json_equals_vocab(mlmprep_bin, vocab, tmp_path):
    tokenizer_json = tmp_path / "tokenizer.json"
    reference_tokenizer(vocab).save(str(tokenizer_json))
    out = tmp_path / "store"
    run(mlmprep_bin, "tokenize", *PLAIN, "--tokenizer", tokenizer_json, "-o", out, "--quiet")
    assert (out / "vocab.txt").read_bytes() == vocab.read_bytes()
    want = reference_documents(PLAIN, reference_tokenizer(vocab))
    assert_documents_match(store_documents(out), want)


# ----------------------------------------------------------------------------------------------------
# Determinism, stats, failures


def test_threads_give_identical_shards(mlmprep_bin, vocab, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        for k in range(20):   # ~1 MB, enough for several chunks
            for path in TRAIN:
                f.write(path.read_bytes())
                f.write(b"\n")
    stores = {}
    for threads in (1, 2):
        out = tmp_path / f"threads{threads}"
        tokenize(mlmprep_bin, [big], vocab, out, "--threads", threads)
        stores[threads] = out
    files1 = sorted(p.name for p in stores[1].glob("*.mlmb.zst"))
    files2 = sorted(p.name for p in stores[2].glob("*.mlmb.zst"))
    assert files1 == files2 and files1
    for name in files1:
        assert (stores[1] / name).read_bytes() == (stores[2] / name).read_bytes(), f"{name} differs"
    m1 = json.loads((stores[1] / "manifest.json").read_text())
    m2 = json.loads((stores[2] / "manifest.json").read_text())
    assert m1["shards"] == m2["shards"] and m1["counts"] == m2["counts"]


def test_stats_json(mlmprep_bin, vocab, tmp_path):
    out, stats = tmp_path / "store", tmp_path / "stats.json"
    tokenize(mlmprep_bin, [CORPORA / "en.txt"], vocab, out, "--stats-json", stats)
    data = json.loads(stats.read_text())
    counts = json.loads((out / "manifest.json").read_text())["counts"]
    for key in ("documents_read", "documents_written", "tokens"):
        assert find_key(data, key) == counts[key], key


def test_empty_input(mlmprep_bin, vocab, tmp_path):
    out = tmp_path / "store"
    tokenize(mlmprep_bin, [CORPORA / "bad" / "empty.txt"], vocab, out)
    manifest, _, records = load_store(out)
    assert manifest["counts"]["documents_written"] == 0 and manifest["counts"]["tokens"] == 0
    assert sum(len(r["ids"]) for r in records) == 0


def _assert_failed_cleanly(result, out: Path, *needles: str):
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 1, f"exit {result.returncode}, expected 1; stderr:\n{stderr[-2000:]}"
    for needle in needles:
        assert needle in stderr, f"{needle!r} not in stderr:\n{stderr[-2000:]}"
    assert "Fatal error" not in stderr and "Stack dump" not in stderr, "crashed instead of reporting"
    assert not (out / "manifest.json").exists(), "a failed run must not leave a manifest (looks complete)"


def test_truncated_zst_input_fails(mlmprep_bin, vocab, tmp_path):
    out = tmp_path / "store"
    result = tokenize(mlmprep_bin, [CORPORA / "bad" / "truncated.txt.zst"], vocab, out, expect=None)
    _assert_failed_cleanly(result, out, "truncated.txt.zst", "ends in the middle of a frame", "re-download")


def test_vocab_without_unk_fails(mlmprep_bin, tmp_path):
    out = tmp_path / "store"
    result = tokenize(mlmprep_bin, [CORPORA / "en.txt"], CORPORA / "bad" / "no_unk_vocab.txt", out, expect=None)
    _assert_failed_cleanly(result, out, "no_unk_vocab.txt", "[UNK]")


@pytest.mark.parametrize("name, line, good", [("malformed.jsonl", 3, 3), ("missing_field.jsonl", 2, 2),
                                              ("wrong_type.jsonl", 2, 2)])
@pytest.mark.parametrize("policy", ["fail", "skip"])
def test_bad_jsonl_line_is_reported_with_location(mlmprep_bin, vocab, tmp_path, name, line, good, policy):
    """A bad JSON Lines record is fatal by default (exit 1, no manifest); with --bad-records skip it is
    skipped and counted (exit 0). Either way stderr names the file and the line."""
    out = tmp_path / "store"
    path = CORPORA / "bad" / name
    extra = [] if policy == "fail" else ["--bad-records", "skip"]
    result = run(mlmprep_bin, "tokenize", path, "--vocab", vocab, "-o", out, *extra, expect=None)
    stderr = result.stderr.decode(errors="replace")
    assert re.search(rf"{re.escape(name)}\D{{1,10}}{line}\b", stderr), f"no '{name}' + line {line} in:\n{stderr}"
    if policy == "fail":
        assert result.returncode == 1, stderr
        _assert_failed_cleanly(result, out, name, "--bad-records skip")
        return
    assert result.returncode == 0, stderr
    counts = json.loads((out / "manifest.json").read_text())["counts"]
    assert sum(counts["documents_skipped"].values()) == 1, counts
    assert counts["documents_read"] == counts["documents_written"] + 1, counts
    assert counts["documents_written"] == good
    tokenizer = reference_tokenizer(vocab)
    want = []
    for text in read_lines(path):
        try:
            value = json.loads(text).get("text")
        except ValueError:
            continue
        if isinstance(value, str):
            ids, flags = encode_sentences(tokenizer, [value])
            want.append(([value], ids, flags))
    assert_documents_match(store_documents(out), want, bit_mask=1)


# ----------------------------------------------------------------------------------------------------
# mlmprep encode


@pytest.mark.parametrize("cased", [False, True], ids=["uncased", "cased"])
@pytest.mark.parametrize("name", ["adversarial.txt", "multilingual.txt", "bad/invalid_utf8.txt"])
def test_encode_parity(mlmprep_bin, vocab, cased_vocab, name, cased):
    vocab_path = cased_vocab if cased else vocab
    path = CORPORA / name
    result = run(mlmprep_bin, "encode", "--vocab", vocab_path, *(["--cased"] if cased else []), "--file", path)
    out = result.stdout.decode("utf-8")
    got = out.split("\n")
    if out.endswith("\n"):
        got.pop()
    tokenizer = reference_tokenizer(vocab_path, cased)
    lines = read_lines(path)
    assert len(got) == len(lines), f"{len(got)} output lines for {len(lines)} input lines"
    for number, (line, printed) in enumerate(zip(lines, got), start=1):
        want = " ".join(map(str, tokenizer.encode(line, add_special_tokens=False).ids))
        assert printed == want, f"{name} line {number}: {line!r:.200}\n  mlmprep: {printed:.300}\n  HF:      {want:.300}"
