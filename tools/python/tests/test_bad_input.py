"""One CLI-level test per class of bad input (README, Reliability): the exit code, the message (file, line or byte,
and the fix) and the counts (documents read = written + skipped, by reason, from ``--stats-json``).

Classes tested elsewhere and not repeated here: truncated ``.zst`` input, JSON Lines records that are malformed,
lack the field or hold another type, and a vocabulary without ``[UNK]`` (test_mlmprep_store.py); a reader that
closes the pipe (test_mask_cli.py); ``--rate 1.5``/``0``, ``--replace 0.8,0.1,0.2`` and ``--seq-len 2``
(test_mask_cli.py); an interrupted output directory and the file size limit (test_resume.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import zstandard

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"


@pytest.fixture(scope="module")
def store(mlmprep_bin, vocab, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bad-input") / "tok"
    subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", "--vocab", vocab, "-o", out, "--quiet"],
                   check=True, timeout=300)
    return out


def run(mlmprep_bin, *args) -> subprocess.CompletedProcess:
    return subprocess.run([mlmprep_bin, *map(str, args)], capture_output=True, timeout=300)


def tokenize(mlmprep_bin, vocab, tmp_path, *inputs_and_flags, expect: int):
    """Runs tokenize into tmp_path/out with --stats-json; returns (stderr, counts or None)."""
    out, stats = tmp_path / "out", tmp_path / "stats.json"
    result = run(mlmprep_bin, "tokenize", *inputs_and_flags, "--vocab", vocab, "-o", out, "--stats-json", stats)
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == expect, f"exit {result.returncode}, expected {expect}:\n{stderr}"
    assert "Fatal error" not in stderr and "Stack dump" not in stderr, stderr
    if expect != 0:
        assert len(stderr.strip().splitlines()) == 1, f"an error must be one line:\n{stderr}"
        assert stderr.startswith("mlmprep: error: "), stderr
        assert not (out / "manifest.json").exists(), "a failed run must not leave a manifest"
        return stderr, None
    counts = json.loads(stats.read_text())["counts"]
    manifest_counts = json.loads((out / "manifest.json").read_text())["counts"]
    assert counts == manifest_counts
    skipped = counts["documents_skipped"]
    assert counts["documents_read"] == counts["documents_written"] + sum(skipped.values()), counts
    assert counts["documents_skipped_total"] == sum(skipped.values())
    return stderr, counts


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("mlmprep: warning: ")]


# ----------------------------------------------------------------------------------------------------
# Text content


@pytest.mark.parametrize("policy", ["replace", "skip", "fail"])
def test_invalid_utf8(mlmprep_bin, vocab, tmp_path, policy):
    """corpora/bad/invalid_utf8.txt: two documents, each with invalid UTF-8 (the first on lines 2-7, from byte 52;
    the second in its cut last line); a sequence counts as Python's ``decode(errors="replace")`` counts U+FFFD."""
    path = CORPORA / "bad" / "invalid_utf8.txt"
    documents = path.read_bytes().split(b"\n\n")
    replaced = [d.decode("utf-8", errors="replace").count("\ufffd") for d in documents]
    assert len(documents) == 2 and all(replaced)
    stderr, counts = tokenize(mlmprep_bin, vocab, tmp_path, path, "--invalid-utf8", policy,
                              expect=1 if policy == "fail" else 0)
    assert "invalid_utf8.txt:2 (byte 52)" in stderr, stderr
    if policy == "fail":
        assert "--invalid-utf8 replace" in stderr and "--invalid-utf8 skip" in stderr, stderr
        return
    assert counts["invalid_utf8_sequences"] == sum(replaced)
    assert counts["documents_read"] == 2
    if policy == "replace":
        assert counts["documents_written"] == 2 and counts["documents_skipped"] == {}
        assert f"invalid_utf8.txt:2 (byte 52): {replaced[0]} invalid UTF-8 sequence(s) replaced by U+FFFD" in stderr
        assert f"invalid_utf8.txt:10 (byte 350): {replaced[1]} invalid UTF-8 sequence(s) replaced" in stderr
    else:
        assert counts["documents_written"] == 0 and counts["documents_skipped"] == {"invalid-utf8": 2}
        assert "invalid_utf8.txt:2 (byte 52): skipped document (invalid-utf8)" in stderr, stderr


def test_nul_bytes_in_text_are_counted_and_the_document_kept(mlmprep_bin, vocab, tmp_path):
    """Documented choice (README): BERT's clean_text drops NUL, so the document is kept; every NUL is counted
    (nul_bytes) and the first of each document is reported with its position."""
    data = b"First document.\n\nA line with a NUL\x00 inside.\nAnd two\x00\x00 more.\n\nLast one.\n"
    path = tmp_path / "nul.txt"
    path.write_bytes(data)
    stderr, counts = tokenize(mlmprep_bin, vocab, tmp_path, path, expect=0)
    offset = data.index(b"\x00")
    assert f"nul.txt:3 (byte {offset}): 3 NUL byte(s)" in stderr, stderr
    assert "clean_text" in stderr
    assert counts["nul_bytes"] == 3
    assert counts["documents_read"] == counts["documents_written"] == 3
    # The ids are those of the text without the NULs, as BertWordPieceTokenizer gives them.
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "nul.txt").write_bytes(data.replace(b"\x00", b""))
    out2 = tmp_path / "out2"
    subprocess.run([mlmprep_bin, "tokenize", clean / "nul.txt", "--vocab", vocab, "-o", out2, "--quiet"], check=True)
    a = sorted(p.name for p in (tmp_path / "out").glob("*.mlmb.zst"))
    assert [(tmp_path / "out" / n).read_bytes() for n in a] == [(out2 / n).read_bytes() for n in a]


@pytest.mark.parametrize("policy", ["fail", "skip"])
def test_raw_nul_in_jsonl_is_a_malformed_record(mlmprep_bin, vocab, tmp_path, policy):
    path = tmp_path / "nul.jsonl"
    path.write_bytes(b'{"text": "fine"}\n{"text": "raw\x00nul"}\n{"text": "escaped \\u0000 nul"}\n')
    stderr, counts = tokenize(mlmprep_bin, vocab, tmp_path, path, "--bad-records", policy,
                              expect=1 if policy == "fail" else 0)
    assert re.search(r"nul\.jsonl:2 \(byte \d+\)", stderr), stderr
    assert "nul.jsonl:2 (byte 30)" in stderr and "column 14" in stderr, stderr  # the NUL's line, byte, column
    if policy == "fail":
        assert "--bad-records skip" in stderr
        return
    assert counts["documents_skipped"] == {"malformed-json": 1}
    assert counts["documents_written"] == 2
    assert counts["nul_bytes"] == 1  # the escaped one, which is text
    assert "nul.jsonl:3" in stderr and "NUL" in stderr


def test_line_longer_than_max_line_bytes(mlmprep_bin, vocab, tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(b"short doc.\n\nfine line\n" + b"x" * 3000 + b"\nmore\n\nlast doc.\n")
    stderr, counts = tokenize(mlmprep_bin, vocab, tmp_path, path, "--max-line-bytes", 1024, expect=0)
    assert "long.txt:4 (byte 22): skipped document (line-too-long)" in stderr, stderr
    assert "--max-line-bytes 1024" in stderr and "raise the limit" in stderr, stderr
    assert counts["documents_skipped"] == {"line-too-long": 1}
    assert counts["documents_read"] == 3 and counts["documents_written"] == 2


def test_empty_files_and_files_of_blank_lines(mlmprep_bin, vocab, tmp_path):
    empty, blank, blank_jsonl = tmp_path / "empty.txt", tmp_path / "blank.txt", tmp_path / "blank.jsonl"
    empty.write_bytes(b"")
    blank.write_bytes(b"\n  \n\t\n\n")
    blank_jsonl.write_bytes(b"\n\n \n")
    stderr, counts = tokenize(mlmprep_bin, vocab, tmp_path, empty, blank, blank_jsonl, CORPORA / "en.txt", expect=0)
    lines = warnings(stderr)
    assert any("empty.txt: the file is empty (0 bytes)" in w for w in lines), stderr
    assert any("blank.txt: the file holds no documents (only blank lines)" in w for w in lines), stderr
    assert any("blank.jsonl: the file holds no documents" in w for w in lines), stderr
    assert counts["files"] == 4
    assert counts["documents_read"] == counts["documents_written"] == 30  # en.txt's


def test_only_empty_input_still_writes_a_store(mlmprep_bin, vocab, tmp_path):
    stderr, counts = tokenize(mlmprep_bin, vocab, tmp_path, CORPORA / "bad" / "empty.txt", expect=0)
    assert "empty.txt: the file is empty" in stderr
    assert counts["documents_read"] == 0 and counts["records"] == 0
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["shards"] == []


def test_empty_documents_are_skipped_with_a_reason(mlmprep_bin, vocab, tmp_path):
    text = tmp_path / "docs.txt"
    # A document of a zero-width space and a control character only: no tokens.
    text.write_bytes("real one.\n\n\u200b\x01\n\nreal two.\n".encode())
    lines = tmp_path / "lines.txt"
    lines.write_bytes(b"one\n   \ntwo\n")
    records = tmp_path / "docs.jsonl"
    records.write_bytes(b'{"text": ""}\n{"text": " \\t "}\n{"text": "words"}\n')
    stderr, counts = tokenize(mlmprep_bin, vocab, tmp_path, text, records, expect=0)
    assert counts["documents_skipped"] == {"empty": 3}
    assert counts["documents_read"] == 6 and counts["documents_written"] == 3
    for where in ("docs.txt:3 (byte 11)", "docs.jsonl:1 (byte 0)", "docs.jsonl:2 (byte 13)"):
        assert f"{where}: skipped document (empty)" in stderr, stderr
    (tmp_path / "out").rename(tmp_path / "first")
    stderr, counts = tokenize(mlmprep_bin, vocab, tmp_path, lines, "--doc-boundary", "line", expect=0)
    assert counts["documents_skipped"] == {"empty": 1} and counts["documents_written"] == 2
    assert "lines.txt:2 (byte 4): skipped document (empty)" in stderr, stderr


# ----------------------------------------------------------------------------------------------------
# Damaged or missing inputs


def test_corrupt_zst_input(mlmprep_bin, vocab, tmp_path):
    # With a checksum: without one, zstd itself cannot tell a flipped literal byte.
    data = bytearray(zstandard.ZstdCompressor(level=3, write_checksum=True).compress((CORPORA / "en.txt").read_bytes()))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "corrupt.txt.zst"
    path.write_bytes(bytes(data))
    stderr, _ = tokenize(mlmprep_bin, vocab, tmp_path, path, expect=1)
    assert "corrupt.txt.zst" in stderr and "damaged" in stderr and "zstd -t" in stderr, stderr
    assert re.search(r"corrupt\.txt\.zst \(byte \d+\)|compressed byte \d+", stderr), stderr


def test_vocabulary_with_duplicates(mlmprep_bin, tmp_path):
    vocab = tmp_path / "dup_vocab.txt"
    vocab.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nthe\n")
    out = tmp_path / "out"
    result = run(mlmprep_bin, "tokenize", CORPORA / "en.txt", "--vocab", vocab, "-o", out)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "dup_vocab.txt" in stderr and '"the" appears twice' in stderr and "remove the duplicate" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists(), "nothing is written before the vocabulary loads"


def test_missing_input_file_and_directory(mlmprep_bin, vocab, tmp_path):
    missing = tmp_path / "nope.txt"
    stderr, _ = tokenize(mlmprep_bin, vocab, tmp_path, CORPORA / "en.txt", missing, expect=1)
    assert f"{missing}: cannot open input (No such file or directory)" in stderr, stderr
    assert "check the path" in stderr
    assert not (tmp_path / "out").exists(), "inputs are checked before the output directory is made"
    stderr, _ = tokenize(mlmprep_bin, vocab, tmp_path, tmp_path, expect=1)
    assert "is a directory" in stderr and "glob" in stderr, stderr
    result = run(mlmprep_bin, "tokenize", tmp_path / "*.nothing", "--vocab", vocab, "-o", tmp_path / "o2")
    assert result.returncode == 1 and b"matches no file" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_input_file(mlmprep_bin, vocab, tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("text\n")
    path.chmod(0)
    try:
        stderr, _ = tokenize(mlmprep_bin, vocab, tmp_path, path, expect=1)
    finally:
        path.chmod(0o644)
    assert "secret.txt" in stderr and "Permission denied" in stderr and "permissions" in stderr, stderr


# ----------------------------------------------------------------------------------------------------
# Output


@pytest.mark.parametrize("command", ["tokenize", "mask"])
def test_output_directory_holding_a_finished_run(mlmprep_bin, vocab, store, tmp_path, command):
    out = tmp_path / "out"
    args = (["tokenize", CORPORA / "en.txt", "--vocab", vocab] if command == "tokenize"
            else ["mask", store, "--seq-len", 64, "--batch-size", 8]) + ["-o", out, "--quiet"]
    assert run(mlmprep_bin, *args).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    data = {name: value for name, value in before.items() if name != "manifest.json"}
    result = run(mlmprep_bin, *args)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert f"{out}: the output directory already holds a finished run; pass --overwrite" in stderr, stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert run(mlmprep_bin, *args, "--overwrite").returncode == 0
    # The same data (a mask manifest records the command line, --overwrite included).
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != "manifest.json"} == data
    # Without its manifest (and with no journal) nothing records these files as a run's: they are treated as the
    # user's and refused whatever the flags, and nothing is deleted (issue 16: ownership by record, not by name).
    (out / "manifest.json").unlink()
    left = {p.name: p.read_bytes() for p in out.iterdir()}
    for extra in ([], ["--overwrite"], ["--resume"]):
        result = run(mlmprep_bin, *args, *extra)
        assert result.returncode == 1 and b"holds files that mlmprep did not write" in result.stderr, result.stderr
        assert {p.name: p.read_bytes() for p in out.iterdir()} == left


def test_disk_full_on_standard_output(mlmprep_bin, store):
    with open("/dev/full", "wb") as full:
        result = subprocess.run([mlmprep_bin, "mask", store, "--seq-len", "64", "--stdout"], stdout=full,
                                stderr=subprocess.PIPE, timeout=300)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    errors = [line for line in stderr.strip().splitlines() if not line.startswith("mask: order:")]
    assert len(errors) == 1, stderr
    assert "standard output" in stderr and "No space left on device" in stderr, stderr


# ----------------------------------------------------------------------------------------------------
# Flags out of range: exit 2, naming the flag


@pytest.mark.parametrize("args, flag", [
    (["--rate", "-0.1"], "--rate"),
    (["--predict-rate", "2"], "--predict-rate"),
    (["--threads", "0"], "--threads"),
    (["--replace", "0.5,0.5,0.5"], "--replace"),
    (["--epochs", "-1"], "--epochs"),
    (["--epochs", "0"], "--epochs"),
    (["--epoch", "-1"], "--epoch"),
    (["--batch-size", "0"], "--batch-size"),
    (["--max-shard-mb", "0"], "--max-shard-mb"),
    (["--span-p", "0"], "--span-p"),
    (["--span-min", "0"], "--span-min"),
    (["--span-min", "5", "--span-max", "2"], "--span-m"),
    (["--stdout", "--resume"], "--resume"),
    (["--resume", "--overwrite"], "--resume"),
])
def test_mask_flags_out_of_range(mlmprep_bin, store, tmp_path, args, flag):
    if "--stdout" not in args:
        args = [*args, "-o", tmp_path / "x"]
    result = run(mlmprep_bin, "mask", store, *args)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert flag in stderr.splitlines()[0], stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("args, flag", [
    (["--max-line-bytes", "0"], "--max-line-bytes"),
    (["--threads", "0"], "--threads"),
    (["--threads", "-4"], "--threads"),
    (["--level", "0"], "--level"),
    (["--max-chars-per-word", "0"], "--max-chars-per-word"),
    (["--max-shard-mb", "-1"], "--max-shard-mb"),
    (["-", "--resume"], "--resume"),
])
def test_tokenize_flags_out_of_range(mlmprep_bin, vocab, tmp_path, args, flag):
    result = run(mlmprep_bin, "tokenize", CORPORA / "en.txt", *args, "--vocab", vocab, "-o", tmp_path / "x")
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert flag in stderr.splitlines()[0], stderr
    assert not (tmp_path / "x").exists()
