"""Inputs taken literally (issue 16, item 5): one CLI test per class, each checking that the user's files are intact
(sha256 before and after), the exit code and the message.

- a name that exists is that file, never a glob pattern; a pattern is expanded only when no file has that name;
- a file name starting with ``-`` is read as an option, and the error says how to give it (``./-x``, ``--``);
- the same file twice (one name twice, ``./name``, a symbolic or hard link, ``-`` with ``/dev/stdin``): exit 2;
- a file that shrinks, grows or is rewritten while it is read: exit 1 naming it and the byte offset;
- a ``tokenizer.json`` whose normalizer, pre-tokenizer, model or added tokens are not BERT's: exit 1 naming the
  part and the value; the BERT variants it accepts give the ids of the real ``tokenizers`` library;
- a tokenizer.json given as ``--vocab`` and a vocab.txt given as ``--tokenizer``;
- byte-order marks (vocab.txt, tokenizer.json, text, JSON Lines) and CR/CRLF line ends in vocab files;
- ``--stats-json`` that cannot be written fails before the run starts.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from tokenizers import BertWordPieceTokenizer, Tokenizer

import mlmprep_reader

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"


@pytest.fixture(scope="session")
def tokenizer_json() -> Path:
    path = os.environ.get("MLMPREP_BERT_TOKENIZER")
    assert path and Path(path).is_file(), "MLMPREP_BERT_TOKENIZER must name bert-base-uncased tokenizer.json"
    return Path(path)


def digests(*paths) -> dict[str, str]:
    """sha256 of every file under the paths (files or directories)."""
    result = {}
    for path in map(Path, paths):
        for file in sorted([path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]):
            result[str(file)] = hashlib.sha256(file.read_bytes()).hexdigest()
    return result


def run(mlmprep_bin, *args, cwd=None, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([mlmprep_bin, *map(str, args)], capture_output=True, timeout=300, cwd=cwd, stdin=stdin)


def check_failure(result, code: int) -> str:
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == code, f"exit {result.returncode}, expected {code}:\n{stderr}"
    assert "Fatal error" not in stderr and "Stack dump" not in stderr, stderr
    if code == 1:
        assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("mlmprep: error: "), stderr
    return stderr.splitlines()[0]


def documents(store: Path) -> list[list[int]]:
    return [ids.tolist() for ids, _ in mlmprep_reader.iter_documents(store)]


# ----------------------------------------------------------------------------------------------------
# Names taken literally


@pytest.mark.parametrize("name, other", [("a[1].txt", "a1.txt"), ("b*.txt", "bx.txt"), ("c?.txt", "cx.txt"),
                                         ("[x]", "x"), ("d[!a].txt", "db.txt")])
def test_an_existing_name_is_a_file_not_a_pattern(mlmprep_bin, vocab, tmp_path, name, other):
    (tmp_path / name).write_text("the literal file.\n\nits second document.\n")
    (tmp_path / other).write_text("another file that the pattern matches.\n")
    before = digests(tmp_path)
    result = run(mlmprep_bin, "tokenize", tmp_path / name, "--vocab", vocab, "-o", tmp_path / "out", "--quiet")
    assert result.returncode == 0, result.stderr.decode()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"]["files"] == 1 and manifest["counts"]["documents_read"] == 2, manifest["counts"]
    assert digests(*before) == before


def test_a_name_that_is_no_file_is_still_a_pattern(mlmprep_bin, vocab, tmp_path):
    for name in ("p1.txt", "p2.txt", "q.txt"):
        (tmp_path / name).write_text(f"{name} text.\n")
    result = run(mlmprep_bin, "tokenize", tmp_path / "p?.txt", "--vocab", vocab, "-o", tmp_path / "out", "--quiet")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["counts"]["files"] == 2
    result = run(mlmprep_bin, "tokenize", tmp_path / "z[0-9].txt", "--vocab", vocab, "-o", tmp_path / "o2")
    line = check_failure(result, 1)
    assert "z[0-9].txt" in line and "no such file" in line and "matches no file" in line, line
    assert not (tmp_path / "o2").exists()


@pytest.mark.parametrize("name", ["-x.txt", "-q", "--notes.txt", "-o"])
def test_a_file_name_starting_with_a_dash(mlmprep_bin, vocab, tmp_path, name):
    (tmp_path / name).write_text("a document in a file whose name starts with a dash.\n")
    before = digests(tmp_path)
    out = tmp_path / "out"
    for args in ([name], ["other-arg-first.txt", name]):
        result = run(mlmprep_bin, "tokenize", *args, "--vocab", vocab, "-o", out, cwd=tmp_path)
        line = check_failure(result, 2)
        assert f"'{name}' is read as an option" in line and f"./{name}" in line and "after --" in line, line
    assert not out.exists()
    for args in ([f"./{name}"], ["--", name]):
        result = run(mlmprep_bin, "tokenize", "--vocab", vocab, "-o", out, "--quiet", "--overwrite", *args,
                     cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()
        assert json.loads((out / "manifest.json").read_text())["counts"]["documents_read"] == 1
    assert digests(*before) == before


@pytest.mark.parametrize("variant", ["twice", "dot-slash", "absolute", "symlink", "hardlink", "stdin-twice",
                                     "stdin-and-dev-stdin", "via-pattern"])
def test_the_same_file_twice_is_refused(mlmprep_bin, vocab, tmp_path, variant):
    """Reading a document twice silently changes the data (duplicates in training), so it is bad usage: exit 2,
    naming both names, before anything is read or written."""
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("one document.\n\nanother one.\n")
    (tmp_path / "link.txt").symlink_to(corpus)
    os.link(corpus, tmp_path / "hard.txt")
    names = {
        "twice": ["corpus.txt", "corpus.txt"], "dot-slash": ["corpus.txt", "./corpus.txt"],
        "absolute": ["corpus.txt", str(corpus)], "symlink": ["corpus.txt", "link.txt"],
        "hardlink": ["hard.txt", "corpus.txt"], "stdin-twice": ["-", "-"], "stdin-and-dev-stdin": ["-", "/dev/stdin"],
        "via-pattern": ["corpus.txt", "cor*.txt"],
    }[variant]
    before = digests(tmp_path)
    with open(corpus, "rb") as stdin:
        result = run(mlmprep_bin, "tokenize", *names, "--vocab", vocab, "-o", tmp_path / "out", cwd=tmp_path,
                     stdin=stdin)
    line = check_failure(result, 2)
    expected = [names[0], names[1] if variant != "via-pattern" else "corpus.txt"]
    assert all(f"'{name}'" in line for name in expected) and "read twice" in line, line
    assert not (tmp_path / "out").exists()
    assert digests(*before) == before


def wait_until_open(process: subprocess.Popen, path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    target = str(path.resolve())
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            if any(os.readlink(f"/proc/{process.pid}/fd/{fd}") == target for fd in os.listdir(f"/proc/{process.pid}/fd")):
                return
        except (FileNotFoundError, ProcessLookupError):
            pass
        time.sleep(0.01)
    raise AssertionError(f"{path} was never opened")


@pytest.mark.parametrize("change", ["shrink", "truncate-to-zero", "grow", "rewrite-in-place"])
def test_a_file_changed_while_it_is_read(mlmprep_bin, vocab, tmp_path, change):
    """The file is changed once mlmprep has it open; the reader stays only a few chunks ahead of the tokenizer, so
    the change lands while it is read. The run fails naming the file and the byte offset, with no manifest."""
    path = tmp_path / "growing.txt"
    text = (CORPORA / "en.txt").read_bytes() + b"\n\n"
    path.write_bytes(text * (40_000_000 // len(text)))
    out = tmp_path / "out"
    process = subprocess.Popen([mlmprep_bin, "tokenize", path, "--vocab", vocab, "-o", out, "--threads", "1",
                                "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_open(process, path)
        time.sleep(0.05)
        if change == "shrink":
            os.truncate(path, 1_000_000)
        elif change == "truncate-to-zero":
            os.truncate(path, 0)
        elif change == "grow":
            with open(path, "ab") as f:
                f.write(text)
        else:
            fd = os.open(path, os.O_WRONLY)
            os.pwrite(fd, b"CHANGED", 10)
            os.close(fd)
        stderr = process.communicate(timeout=600)[1].decode()
    finally:
        process.kill()
    assert process.returncode == 1, stderr
    assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("mlmprep: error: "), stderr
    assert f"{path} (byte " in stderr, stderr
    words = {"shrink": "shrank", "truncate-to-zero": "shrank", "grow": "grew", "rewrite-in-place": "changed"}
    assert f"the file {words[change]} while it was read" in stderr and "run again" in stderr, stderr
    assert not (out / "manifest.json").exists()


# ----------------------------------------------------------------------------------------------------
# tokenizer.json: only BERT's


def edited(tokenizer_json: Path, tmp_path: Path, edit) -> Path:
    config = json.loads(tokenizer_json.read_text())
    edit(config)
    path = tmp_path / "edited-tokenizer.json"
    path.write_text(json.dumps(config))
    return path


def set_path(config, path, value):
    *parents, last = path
    target = config
    for key in parents:
        target = target[key]
    target[last] = value


REFUSED = [
    (("normalizer",), None, "normalizer is null"),
    (("normalizer",), {"type": "Lowercase"}, 'normalizer "Lowercase" is not BertNormalizer'),
    (("normalizer",), {"type": "Sequence", "normalizers": [{"type": "BertNormalizer"}]}, 'normalizer "Sequence"'),
    (("normalizer", "lowercase"), "yes", 'normalizer lowercase is "yes"'),
    (("normalizer", "clean_text"), 1, "normalizer clean_text is 1"),
    (("normalizer", "handle_chinese_chars"), None, "normalizer handle_chinese_chars is null"),
    (("normalizer", "strip_accents"), "false", 'normalizer strip_accents is "false"'),
    (("pre_tokenizer",), None, "pre_tokenizer is null"),
    (("pre_tokenizer",), {"type": "Whitespace"}, 'pre_tokenizer "Whitespace" is not BertPreTokenizer'),
    (("model", "type"), "BPE", 'model "BPE" is not WordPiece'),
    (("model", "continuing_subword_prefix"), "@@", 'continuing_subword_prefix is "@@"'),
    (("model", "continuing_subword_prefix"), "", 'continuing_subword_prefix is ""'),
    (("model", "max_input_chars_per_word"), 0, "max_input_chars_per_word is 0"),
    (("model", "max_input_chars_per_word"), "100", 'max_input_chars_per_word is "100"'),
    (("model", "unk_token"), 5, "unk_token is 5"),
    (("model", "unk_token"), "<unk>", 'no unknown token "<unk>"'),
    (("added_tokens", 0, "lstrip"), True, 'added token "[PAD]" has lstrip: true'),
    (("added_tokens", 1, "normalized"), True, 'added token "[UNK]" has normalized: true'),
    (("added_tokens", 2, "id"), 30522, 'added token "[CLS]" has id 30522'),
]


@pytest.mark.parametrize("path, value, message", REFUSED, ids=[f"{'.'.join(map(str, p))}={v}" for p, v, _ in REFUSED])
def test_a_tokenizer_json_that_is_not_berts_is_refused(mlmprep_bin, tokenizer_json, tmp_path, path, value, message):
    config_path = edited(tokenizer_json, tmp_path, lambda c: set_path(c, path, value))
    corpus = tmp_path / "c.txt"
    corpus.write_text("Some text.\n")
    before = digests(tmp_path)
    result = run(mlmprep_bin, "tokenize", corpus, "--tokenizer", config_path, "-o", tmp_path / "out")
    line = check_failure(result, 1)
    assert str(config_path) in line and message in line, line
    assert not (tmp_path / "out").exists()
    assert digests(*before) == before


ACCEPTED = [
    (("normalizer", "lowercase"), False),
    (("normalizer", "strip_accents"), True),
    (("normalizer", "strip_accents"), False),
    (("normalizer", "handle_chinese_chars"), False),
    (("normalizer", "clean_text"), False),
    (("model", "max_input_chars_per_word"), 6),
]


@pytest.mark.parametrize("path, value", ACCEPTED, ids=[f"{'.'.join(p)}={v}" for p, v in ACCEPTED])
def test_the_bert_variants_of_a_tokenizer_json_give_the_libraries_ids(mlmprep_bin, tokenizer_json, tmp_path, path,
                                                                      value):
    config_path = edited(tokenizer_json, tmp_path, lambda c: set_path(c, path, value))
    corpus = tmp_path / "c.txt"
    lines = ["Héllo Wörld, naïve CAFÉ!", "東京タワー and 北京 are cities.", "antidisestablishmentarianism is long.",
             "tab\there\x01control and\u200bzero width", "ＦＵＬＬ width"]
    corpus.write_text("\n\n".join(lines) + "\n")
    result = run(mlmprep_bin, "tokenize", corpus, "--tokenizer", config_path, "-o", tmp_path / "out", "--quiet")
    assert result.returncode == 0, result.stderr.decode()
    reference = Tokenizer.from_file(str(config_path))
    reference.no_padding()
    reference.no_truncation()
    expected = [reference.encode(line, add_special_tokens=False).ids for line in lines]
    assert documents(tmp_path / "out") == expected


def test_a_tokenizer_json_given_as_vocab_and_the_other_way_round(mlmprep_bin, vocab, tokenizer_json, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("Some text.\n")
    before = digests(tmp_path, tokenizer_json, vocab)
    line = check_failure(run(mlmprep_bin, "tokenize", corpus, "--vocab", tokenizer_json, "-o", tmp_path / "out"), 1)
    assert str(tokenizer_json) in line and "looks like a tokenizer.json" in line and "use --tokenizer" in line, line
    line = check_failure(run(mlmprep_bin, "tokenize", corpus, "--tokenizer", vocab, "-o", tmp_path / "out"), 1)
    assert str(vocab) in line and "looks like a vocab.txt" in line and "use --vocab" in line, line
    line = check_failure(run(mlmprep_bin, "encode", "--vocab", tokenizer_json, "text"), 1)
    assert "use --tokenizer" in line, line
    assert not (tmp_path / "out").exists()
    assert digests(*before) == before


# ----------------------------------------------------------------------------------------------------
# Byte-order marks and line ends


BOM = b"\xef\xbb\xbf"


def test_a_byte_order_mark_in_a_vocab_is_named(mlmprep_bin, vocab, tmp_path):
    """Hugging Face reads a UTF-8 BOM as part of the first token ("\\ufeff[PAD]"), so [PAD] loses its id: refused."""
    bom_vocab = tmp_path / "bom-vocab.txt"
    bom_vocab.write_bytes(BOM + Path(vocab).read_bytes())
    assert BertWordPieceTokenizer(str(bom_vocab)).token_to_id("\ufeff[PAD]") == 0  # what the library does
    utf16 = tmp_path / "utf16-vocab.txt"
    utf16.write_bytes(Path(vocab).read_text().encode("utf-16"))
    before = digests(tmp_path)
    line = check_failure(run(mlmprep_bin, "encode", "--vocab", bom_vocab, "text"), 1)
    assert str(bom_vocab) in line and "byte-order mark" in line and "remove the first 3 bytes" in line, line
    line = check_failure(run(mlmprep_bin, "encode", "--vocab", utf16, "text"), 1)
    assert str(utf16) in line and "UTF-16" in line and "iconv" in line, line
    assert digests(*before) == before


def test_a_byte_order_mark_in_a_tokenizer_json_is_named(mlmprep_bin, tokenizer_json, tmp_path):
    path = tmp_path / "tokenizer.json"
    path.write_bytes(BOM + tokenizer_json.read_bytes())
    with pytest.raises(Exception):
        Tokenizer.from_file(str(path))  # the library refuses it too
    line = check_failure(run(mlmprep_bin, "encode", "--tokenizer", path, "text"), 1)
    assert str(path) in line and "byte-order mark" in line and "remove the first 3 bytes" in line, line


def test_a_byte_order_mark_in_text_is_text_as_python_reads_it(mlmprep_bin, vocab, tmp_path):
    """Python's utf-8 decoding keeps U+FEFF and BertNormalizer's clean_text drops it (a format character), so
    the ids are those of the text without it, with or without the BOM, as the library gives them."""
    text = "Hello world.\nSecond sentence.\n\nNext document.\n"
    plain, marked, middle = tmp_path / "plain.txt", tmp_path / "marked.txt", tmp_path / "middle.txt"
    plain.write_text(text)
    marked.write_bytes(BOM + text.encode())
    middle.write_bytes(text.encode() + b"\n" + BOM + text.encode())  # two files joined with cat
    reference = BertWordPieceTokenizer(str(vocab))
    for path in (plain, marked, middle):
        out = tmp_path / f"out-{path.stem}"
        result = run(mlmprep_bin, "tokenize", path, "--vocab", vocab, "-o", out, "--quiet")
        assert result.returncode == 0, result.stderr.decode()
        python_documents = path.read_bytes().decode("utf-8").split("\n\n")
        expected = [sum((reference.encode(s, add_special_tokens=False).ids for s in d.split("\n") if s.strip()), [])
                    for d in python_documents if d.strip()]
        assert documents(out) == expected
    assert documents(tmp_path / "out-plain") == documents(tmp_path / "out-marked")


def test_a_byte_order_mark_before_a_json_record_is_skipped(mlmprep_bin, vocab, tmp_path):
    """As Python's json.loads reads bytes (and RFC 8259 allows): a BOM at the start of a JSON Lines file, or of a
    line where two such files were joined, is not part of the record; errors keep their byte offsets."""
    records = b'{"text": "first record"}\n{"text": "second record"}\n'
    assert json.loads(BOM + records.splitlines()[0]) == {"text": "first record"}
    plain, marked = tmp_path / "plain.jsonl", tmp_path / "marked.jsonl"
    plain.write_bytes(records + records)
    marked.write_bytes(BOM + records + BOM + records)
    for path in (plain, marked):
        result = run(mlmprep_bin, "tokenize", path, "--vocab", vocab, "-o", tmp_path / f"out-{path.stem}", "--quiet")
        assert result.returncode == 0, result.stderr.decode()
    assert documents(tmp_path / "out-plain") == documents(tmp_path / "out-marked")
    assert len(documents(tmp_path / "out-marked")) == 4
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(BOM + b'{"text": oops}\n')
    line = check_failure(run(mlmprep_bin, "tokenize", broken, "--vocab", vocab, "-o", tmp_path / "o3"), 1)
    assert "broken.jsonl:1 (byte 12)" in line and "column 13" in line, line


def test_crlf_and_lone_cr_in_a_vocab(mlmprep_bin, vocab, tmp_path):
    """CRLF lines load as LF lines (Hugging Face's trim_end drops the \\r); a \\r that does not end a line (old Mac
    line ends) would make one giant token, so it is named with its line."""
    crlf, lone = tmp_path / "crlf-vocab.txt", tmp_path / "cr-vocab.txt"
    crlf.write_bytes(Path(vocab).read_bytes().replace(b"\n", b"\r\n"))
    lone.write_bytes(Path(vocab).read_bytes().replace(b"\n", b"\r"))
    corpus = CORPORA / "en.txt"
    for name, path in (("lf", vocab), ("crlf", crlf)):
        result = run(mlmprep_bin, "tokenize", corpus, "--vocab", path, "-o", tmp_path / name, "--quiet")
        assert result.returncode == 0, result.stderr.decode()
    assert documents(tmp_path / "lf") == documents(tmp_path / "crlf")
    assert BertWordPieceTokenizer(str(crlf)).encode("hello world").ids == BertWordPieceTokenizer(str(vocab)).encode(
        "hello world").ids
    before = digests(lone)
    line = check_failure(run(mlmprep_bin, "tokenize", corpus, "--vocab", lone, "-o", tmp_path / "o3"), 1)
    assert f"{lone}:1 (byte 5)" in line and "carriage return" in line and "tr '\\r' '\\n'" in line, line
    assert digests(lone) == before and not (tmp_path / "o3").exists()


# ----------------------------------------------------------------------------------------------------
# --stats-json checked before the run


@pytest.mark.parametrize("command", ["tokenize", "mask", "pmi"])
@pytest.mark.parametrize("case", ["directory", "missing-parent", "parent-is-a-file"])
def test_stats_json_that_cannot_be_written_fails_before_the_run(mlmprep_bin, vocab, tmp_path, command, case):
    store = tmp_path / "store"
    if command != "tokenize":
        subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", "--vocab", vocab, "-o", store, "--quiet"],
                       check=True)
    (tmp_path / "a-file").write_text("mine\n")
    stats = {"directory": tmp_path, "missing-parent": tmp_path / "no" / "stats.json",
             "parent-is-a-file": tmp_path / "a-file" / "stats.json"}[case]
    out = tmp_path / "out"
    args = {"tokenize": ["tokenize", CORPORA / "en.txt", "--vocab", vocab, "-o", out],
            "mask": ["mask", store, "-o", out], "pmi": ["pmi", store, "-o", out]}[command]
    before = digests(tmp_path)
    line = check_failure(run(mlmprep_bin, *args, "--stats-json", stats), 2)
    assert f"--stats-json {stats}" in line, line
    assert ("is a directory" if case == "directory" else "does not exist") in line, line
    assert not out.exists()
    assert digests(tmp_path) == before
