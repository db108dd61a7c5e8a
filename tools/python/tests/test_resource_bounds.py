"""Resource bounds (issue 16, item 6): every setting that sizes memory is checked against what it implies before
anything is allocated, and integer options cannot overflow. Each case runs under an address-space limit
(``ulimit -v``, set with ``resource.setrlimit`` in the child) and must end with an error line and exit 2 — never a
signal, never a crash — leaving the user's files as they were. The same limit lets an ordinary run through, so the
limit is not what refuses the cases.
"""

from __future__ import annotations

import hashlib
import resource
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"
LIMIT = 2 << 30  # address space, bytes


def limited(limit: int = LIMIT):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return set_limit


def run(mlmprep_bin, *args, limit: int = LIMIT) -> subprocess.CompletedProcess:
    return subprocess.run([mlmprep_bin, *map(str, args)], capture_output=True, timeout=300, preexec_fn=limited(limit))


def digests(directory: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def store(mlmprep_bin, vocab, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bounds") / "tok"
    subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", "--vocab", vocab, "-o", out, "--quiet"],
                   check=True, timeout=300)
    return out


def refused(result: subprocess.CompletedProcess, *words: str) -> str:
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode >= 0, f"killed by signal {-result.returncode}:\n{stderr}"
    assert result.returncode == 2, f"exit {result.returncode}:\n{stderr}"
    assert "Fatal error" not in stderr and "Backtracing" not in stderr, stderr
    first = stderr.splitlines()[0]
    assert first.startswith("Error: "), stderr
    for word in words:
        assert word in first, first
    return first


def test_ordinary_runs_fit_in_the_limit(mlmprep_bin, vocab, store, tmp_path):
    for args in (["tokenize", CORPORA / "en.txt", "--vocab", vocab, "-o", tmp_path / "t"],
                 ["mask", store, "-o", tmp_path / "m"], ["mask", store, "--seq-len", 128, "--predict-rate", 0.4,
                                                          "--corrupt-rate", 0.1, "-o", tmp_path / "m4"],
                 ["pmi", store, "-o", tmp_path / "p.table", "--min-count", 1]):
        result = run(mlmprep_bin, *args, "--quiet")
        assert result.returncode == 0, result.stderr.decode()


MASK_CASES = [
    (["--batch-size", 1 << 20, "--seq-len", 1 << 20], ["--batch-size 1048576 × --seq-len 1048576", "TiB"]),
    (["--batch-size", 4096, "--seq-len", 8192], ["--batch-size 4096 × --seq-len 8192", "ulimit -v"]),
    (["--batch-size", 65536, "--seq-len", 4096, "--threads", 1], ["--batch-size 65536", "1 thread"]),
    (["--predict-rate", 0.9, "--corrupt-rate", 0.0001], ["⌈P/C⌉ = 9000 times", "at most 100 copies"]),
    (["--predict-rate", 0.9, "--corrupt-rate", 0.005], ["⌈P/C⌉ = 180 times", "bring the two rates closer"]),
    (["--predict-rate", 0.9, "--corrupt-rate", 1e-300], ["⌈P/C⌉ = 1000000000000000 times"]),
    (["--predict-rate", 0.5, "--corrupt-rate", 0.01, "--batch-size", 2048], ["50 copies per sequence", "ulimit -v"]),
    (["--epoch", (1 << 64) - 1, "--epochs", 2], ["--epoch 18446744073709551615 with --epochs 2"]),
    (["--epoch", (1 << 64) - 5, "--epochs", 9], ["--epochs 9"]),
    (["--max-shard-mb", 1 << 44], ["--max-shard-mb must be at most"]),
    (["--seq-len", 1 << 63], ["seq-len"]),
    (["--batch-size", -(1 << 40)], ["--batch-size"]),
    (["--max-predictions", -1], ["--max-predictions"]),
    (["--threads", 1 << 40], ["--threads"]),
]


@pytest.mark.parametrize("args, words", MASK_CASES, ids=[" ".join(map(str, a)) for a, _ in MASK_CASES])
def test_mask_sizes_are_checked_before_anything_is_allocated(mlmprep_bin, store, tmp_path, args, words):
    before = digests(store)
    out = tmp_path / "out"
    line = refused(run(mlmprep_bin, "mask", store, *args, "-o", out), *words)
    assert not out.exists(), line
    assert digests(store) == before


TOKENIZE_CASES = [
    (["--max-line-bytes", 10**11], ["--max-line-bytes 100000000000", "GiB", "lower --max-line-bytes"]),
    (["--max-line-bytes", 1 << 62], ["--max-line-bytes 4611686018427387904", "EiB"]),
    (["--max-line-bytes", 1 << 30, "--threads", 2], ["--max-line-bytes 1073741824", "ulimit -v"]),
    (["--max-line-bytes", -5], ["--max-line-bytes must be at least 1024"]),
    (["--chunk-bytes", 1 << 62], ["--chunk-bytes must be at most"]),
    (["--max-shard-mb", 1 << 50], ["--max-shard-mb must be at most"]),
    (["--max-chars-per-word", 1 << 62], ["--max-chars-per-word"]),
]


@pytest.mark.parametrize("args, words", TOKENIZE_CASES, ids=[" ".join(map(str, a)) for a, _ in TOKENIZE_CASES])
def test_tokenize_sizes_are_checked_before_anything_is_allocated(mlmprep_bin, vocab, tmp_path, args, words):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("A document.\n")
    before = digests(tmp_path)
    out = tmp_path / "out"
    line = refused(run(mlmprep_bin, "tokenize", corpus, "--vocab", vocab, *args, "-o", out), *words)
    assert not out.exists(), line
    assert digests(tmp_path) == before


PMI_CASES = [
    (["--memory-limit", "1T"], ["--memory-limit 1 TiB is more than", "ulimit -v"]),
    (["--memory-limit", "3G"], ["--memory-limit 3 GiB is more than"]),
    (["--memory-limit", "9E"], ["--memory-limit must be a size"]),
    (["--memory-limit=-1G"], ["--memory-limit must be a size"]),
    (["--memory-limit", "0"], ["--memory-limit must be a size"]),
    (["--size", -1], ["--size"]),
    (["--size", (1 << 63) - 1, "--mix", "0,0,0,100"], ["--size must be between 1 and 1099511627776"]),
    (["--min-count", 0], ["--min-count"]),
    (["--max-n", 1 << 62], ["--max-n"]),
]


@pytest.mark.parametrize("args, words", PMI_CASES, ids=[" ".join(map(str, a)) for a, _ in PMI_CASES])
def test_pmi_sizes_are_checked_before_anything_is_allocated(mlmprep_bin, store, tmp_path, args, words):
    before = digests(store)
    out = tmp_path / "p.table"
    line = refused(run(mlmprep_bin, "pmi", store, *args, "-o", out), *words)
    assert not out.exists(), line
    assert digests(store) == before


def test_the_default_pmi_memory_limit_fits_the_process(mlmprep_bin, store, tmp_path):
    """The default 3G is lowered under a smaller limit (the table does not depend on it), so it runs and gives the
    table of an unlimited run."""
    small, free = tmp_path / "small.table", tmp_path / "free.table"
    assert run(mlmprep_bin, "pmi", store, "-o", small, "--min-count", 1, "--quiet", limit=1 << 30).returncode == 0
    assert subprocess.run([mlmprep_bin, "pmi", store, "-o", free, "--min-count", "1", "--quiet"]).returncode == 0
    assert small.read_bytes() == free.read_bytes()
