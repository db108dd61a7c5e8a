"""Issue 16, output side: mlmprep never destroys a user's data. Each class is tried as a careless user would, and
each test asserts the exit status, the message, and that every file the user had is byte-for-byte intact (sha256
before and after): outputs that alias inputs, directories holding files that are not ours, two writers at once
(real processes, many times), and Ctrl-C / SIGTERM (temporary files removed, the journal kept, --resume completes
to the uninterrupted bytes)."""

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parents[3] / "corpora"


def run(mlmprep_bin, *args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([mlmprep_bin, *map(str, args)], capture_output=True, timeout=600, **kwargs)


def digests(*roots: Path) -> dict[str, str]:
    """sha256 of every file under the roots (a file root counts as itself)."""
    out = {}
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A few MB of text (the English sample repeated), enough for runs that take a second or more."""
    path = tmp_path_factory.mktemp("safety") / "corpus.txt"
    text = (CORPORA / "en.txt").read_bytes()
    path.write_bytes(text * max(1, (3 << 20) // len(text)))
    return path


@pytest.fixture(scope="module")
def store(mlmprep_bin, vocab, corpus) -> Path:
    out = corpus.parent / "tok"
    result = run(mlmprep_bin, "tokenize", corpus, "--vocab", vocab, "-o", out, "--quiet", "--max-shard-bytes", 300000)
    assert result.returncode == 0, result.stderr
    return out


# --- 1. Aliasing: an output that is, contains or lies inside an input ------------------------------------------


@pytest.mark.parametrize("case", ["same", "inside", "contains", "symlink"])
def test_mask_output_aliasing_the_store_is_refused(mlmprep_bin, store, tmp_path, case):
    before = digests(store)
    if case == "same":
        out = store
    elif case == "inside":
        out = store / "batches"
    elif case == "contains":
        out = store.parent
    else:
        out = tmp_path / "link"
        out.symlink_to(store, target_is_directory=True)
    for extra in ([], ["--overwrite"], ["--resume"]):
        result = run(mlmprep_bin, "mask", store, "-o", out, "--seq-len", 64, *extra)
        assert result.returncode == 2, result.stderr
        assert b"the store" in result.stderr and b"-o" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert digests(store) == before
    assert not (store / "batches").exists()


@pytest.mark.parametrize("target", ["input", "vocab", "hardlink"])
def test_stats_json_onto_an_input_is_refused(mlmprep_bin, vocab, corpus, tmp_path, target):
    text = tmp_path / "c.txt"
    text.write_bytes(corpus.read_bytes()[:20000])
    vocab_copy = tmp_path / "vocab.txt"
    vocab_copy.write_bytes(Path(vocab).read_bytes())
    stats = {"input": text, "vocab": vocab_copy, "hardlink": tmp_path / "alias.json"}[target]
    if target == "hardlink":
        os.link(text, stats)
    before = digests(text, vocab_copy)
    result = run(mlmprep_bin, "tokenize", text, "--vocab", vocab_copy, "-o", tmp_path / "out", "--stats-json", stats)
    assert result.returncode == 2, result.stderr
    assert b"--stats-json" in result.stderr and b"are the same" in result.stderr, result.stderr
    assert digests(text, vocab_copy) == before
    assert not (tmp_path / "out").exists(), "nothing is written before the check"


def test_stats_json_on_the_batch_stream_and_two_outputs_in_one_file(mlmprep_bin, store, vocab, tmp_path):
    with open(tmp_path / "stream", "wb") as stream:
        result = subprocess.run([mlmprep_bin, "mask", str(store), "--stdout", "--stats-json", "/dev/stdout"],
                                stdout=stream, stderr=subprocess.PIPE, timeout=300)
    assert result.returncode == 2 and b"standard output" in result.stderr, result.stderr
    assert (tmp_path / "stream").stat().st_size == 0, "no batch was written into the stream"
    result = run(mlmprep_bin, "mask", store, "-o", tmp_path / "o", "--stats-json", tmp_path / "o")
    assert result.returncode == 2 and b"are the same" in result.stderr, result.stderr


def test_pmi_table_onto_the_store_manifest_is_refused(mlmprep_bin, store):
    before = digests(store)
    result = run(mlmprep_bin, "pmi", store, "-o", store / "manifest.json", "--overwrite")
    assert result.returncode == 2 and b"inside the store" in result.stderr, result.stderr
    assert digests(store) == before


# --- 2. Ownership: only what a record of ours names is ever deleted ---------------------------------------------


def user_directory(path: Path) -> dict[str, str]:
    path.mkdir()
    (path / "notes.tmp").write_text("my notes\n")
    (path / "old.mlmb.zst").write_bytes(b"my own archive")
    (path / "vocab.txt").write_text("my\nvocabulary\n")
    return digests(path)


@pytest.mark.parametrize("command", ["tokenize", "mask"])
def test_a_directory_of_user_files_is_never_touched(mlmprep_bin, vocab, corpus, store, tmp_path, command):
    out = tmp_path / "mine"
    before = user_directory(out)
    base = (["tokenize", corpus, "--vocab", vocab] if command == "tokenize" else ["mask", store, "--seq-len", 64])
    for extra in ([], ["--overwrite"], ["--resume"]):
        result = run(mlmprep_bin, *base, "-o", out, *extra)
        assert result.returncode == 1, result.stderr
        message = result.stderr.decode()
        assert "did not write" in message and "notes.tmp" in message and "old.mlmb.zst" in message, message
        assert "--overwrite" not in message, "the advice must be safe to follow"
    assert digests(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["notes.tmp", "old.mlmb.zst", "vocab.txt"]


def test_a_user_file_beside_a_finished_run_is_kept(mlmprep_bin, store, tmp_path):
    out = tmp_path / "batches"
    assert run(mlmprep_bin, "mask", store, "-o", out, "--seq-len", 64, "--quiet").returncode == 0
    (out / "README.txt").write_text("what these batches are\n")
    before = digests(out)
    result = run(mlmprep_bin, "mask", store, "-o", out, "--seq-len", 64, "--overwrite")
    assert result.returncode == 1 and b"README.txt" in result.stderr, result.stderr
    assert digests(out) == before


def test_overwrite_removes_exactly_the_earlier_run(mlmprep_bin, store, tmp_path):
    out = tmp_path / "batches"
    assert run(mlmprep_bin, "mask", store, "-o", out, "--seq-len", 64, "--quiet", "--max-shard-bytes", 20000).returncode == 0
    assert len(list(out.glob("shard-*.mlmb.zst"))) > 2
    assert run(mlmprep_bin, "mask", store, "-o", out, "--seq-len", 128, "--quiet", "--overwrite").returncode == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["manifest.json", "shard-00000.mlmb.zst", "vocab.txt"], names
    assert run(mlmprep_bin, "verify", out).returncode == 0


# --- 3. One writer per directory -------------------------------------------------------------------------------


def test_two_writers_at_once_never_leave_a_broken_result(mlmprep_bin, vocab, corpus, tmp_path):
    """Two real processes start on one directory, ten times; the directory always ends as one valid store."""
    reference = tmp_path / "reference"
    args = [corpus, "--vocab", vocab, "--quiet", "--threads", "1", "--max-shard-bytes", 300000]
    assert run(mlmprep_bin, "tokenize", *args, "-o", reference).returncode == 0
    refused = 0
    for trial in range(10):
        out = tmp_path / f"out{trial}"
        first = subprocess.Popen([mlmprep_bin, "tokenize", *map(str, args), "-o", str(out)], stderr=subprocess.PIPE)
        time.sleep(0.05 * (trial % 4))
        second = subprocess.Popen([mlmprep_bin, "tokenize", *map(str, args), "-o", str(out), "--overwrite"],
                                  stderr=subprocess.PIPE)
        results = [(p.wait(timeout=600), p.stderr.read().decode()) for p in (first, second)]
        assert any(status == 0 for status, _ in results), results
        for status, message in results:
            if status != 0:
                refused += 1
                assert status == 1, message
                assert "another mlmprep run (pid " in message or "already holds a finished run" in message, message
        assert run(mlmprep_bin, "verify", out).returncode == 0
        assert digests(out).values().__len__() == digests(reference).values().__len__()
        assert sorted(digests(out).values()) == sorted(digests(reference).values()), "the store of one run"
        assert not (out / ".mlmprep.lock").exists()
    assert refused >= 1, "at least one of the races must have met the lock"


# --- 7. Signals ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_cleanly_and_resume_completes(mlmprep_bin, vocab, corpus, tmp_path, sig, status):
    args = [corpus, "--vocab", vocab, "--quiet", "--threads", "1", "--max-shard-bytes", 100000, "--chunk-bytes", 20000]
    reference = tmp_path / "reference"
    assert run(mlmprep_bin, "tokenize", *args, "-o", reference).returncode == 0
    out = tmp_path / "out"
    process = subprocess.Popen([mlmprep_bin, "tokenize", *map(str, args), "-o", str(out)], stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("shard-*.mlmb.zst"))) < 2:
        time.sleep(0.02)
    process.send_signal(sig)
    assert process.wait(timeout=60) == status
    message = process.stderr.read().decode()
    assert f"stopped by {sig.name}" in message and "--resume" in message, message
    assert len(message.strip().splitlines()) == 1, message
    assert not list(out.glob("*.tmp")) and not list(out.glob("*.tmp-*")), list(out.iterdir())
    assert (out / "mlmprep-progress.jsonl").exists(), "the journal stays for --resume"
    assert not (out / "manifest.json").exists()
    assert run(mlmprep_bin, "tokenize", *args, "-o", out, "--resume").returncode == 0
    assert digests(out).keys() != set() and \
        {Path(k).name: v for k, v in digests(out).items()} == {Path(k).name: v for k, v in digests(reference).items()}


def test_ctrl_c_during_pmi_removes_its_spill_directory(mlmprep_bin, store, tmp_path):
    out = tmp_path / "pmi.table"
    process = subprocess.Popen([mlmprep_bin, "pmi", str(store), "-o", str(out), "--min-count", "2",
                                "--memory-limit", "128M", "--threads", "1"], stderr=subprocess.PIPE)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=120)
    message = process.stderr.read().decode()
    if code == 0:
        pytest.skip("pmi finished before the signal arrived (fast machine); nothing to clean")
    assert code == 130, message
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mlmprep-pmi-")], list(tmp_path.iterdir())
