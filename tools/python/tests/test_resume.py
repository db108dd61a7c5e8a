"""``--resume`` after SIGKILL at any moment, and after write errors (file size limit), for ``mlmprep tokenize``
and ``mlmprep mask``: the finished directory must be byte-identical to an uninterrupted run's.

Every run of a case uses the same output path (the mask manifest records the command line, which names it); the
uninterrupted reference run is moved aside and each trial starts from a fresh directory at that path. The corpus is
seeded pseudo-text generated here, sized so that one run takes about a second with whatever binary
``MLMPREP_BIN`` names (tools/test.sh uses the debug build, which is ~15x slower than release), with small shards
(the hidden ``--max-shard-bytes``) and small reader chunks (``--chunk-bytes``) so that a run writes well over 5
shards.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

TARGET_SECONDS = 1.0
TRIALS = 10
JOURNAL = "mlmprep-progress.jsonl"


# ----------------------------------------------------------------------------------------------------
# Corpus and runs


def write_corpus(directory: Path, total_bytes: int, seed: int, files: int = 3) -> list[Path]:
    """Seeded pseudo-English in `files` files: blank-line separated documents of 2-12 sentences, with a few
    documents that produce reports (a zero-width-only document, invalid UTF-8, a NUL byte)."""
    rng = random.Random(seed)
    letters = "etaoinshrdlucmfwypvbgkqjxz"
    weights = [12, 9, 8, 7.5, 7, 6.7, 6.3, 6, 6, 4.3, 4, 2.8, 2.8, 2.4, 2.2, 2, 2, 1.9, 1, 1.5, 0.8, 0.2, 0.2, 0.15,
               0.15, 0.1]
    words = ["".join(rng.choices(letters, weights, k=rng.randint(1, 10))) for _ in range(5000)]
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    per_file = total_bytes // files
    for number in range(files):
        parts: list[bytes] = []
        size = 0
        documents = 0
        while size < per_file:
            documents += 1
            if documents % 301 == 0:
                text = "\u200b\n\n".encode()  # no tokens: skipped as empty
            else:
                sentences = []
                for _ in range(rng.randint(2, 12)):
                    sentence = " ".join(rng.choices(words, k=rng.randint(4, 24)))
                    sentences.append(sentence[:1].upper() + sentence[1:] + rng.choice(".!?;"))
                text = ("\n".join(sentences) + "\n\n").encode()
                if documents % 457 == 0:
                    text = text[:5] + b"\xff" + text[5:]  # invalid UTF-8, replaced and reported
                if documents % 613 == 0:
                    text = text[:7] + b"\x00" + text[7:]  # NUL, dropped by clean_text and reported
            parts.append(text)
            size += len(text)
        path = directory / f"part{number}.txt"
        path.write_bytes(b"".join(parts))
        paths.append(path)
    return paths


def timed(args: list, **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.monotonic()
    result = subprocess.run(list(map(str, args)), capture_output=True, timeout=600, **kwargs)
    return time.monotonic() - start, result


def tree(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def assert_identical(reference: Path, output: Path, context: str = ""):
    want, got = tree(reference), tree(output)
    assert sorted(got) == sorted(want), f"{context}: files differ: extra {sorted(set(got) - set(want))}, " \
                                        f"missing {sorted(set(want) - set(got))}"
    for name in want:
        assert got[name] == want[name], f"{context}: {name} differs from the uninterrupted run's"


@dataclass
class Case:
    """One command to interrupt: `args` writes to `out`; `reference` holds its uninterrupted output."""
    name: str
    args: list
    out: Path
    reference: Path
    seconds: float

    def start(self, *extra, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(list(map(str, [*self.args, *extra])), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, **kwargs)

    def resume(self, *extra) -> subprocess.CompletedProcess:
        return subprocess.run(list(map(str, [*self.args, "--resume", *extra])), capture_output=True, timeout=600)

    def fresh(self):
        shutil.rmtree(self.out, ignore_errors=True)

    def journal_lines(self) -> int:
        try:
            return (self.out / JOURNAL).read_bytes().count(b"\n")
        except FileNotFoundError:
            return 0

    def interrupt_after(self, shards: int) -> None:
        """Starts a fresh run and SIGKILLs it once `shards` shards are journaled."""
        self.fresh()
        process = self.start()
        deadline = time.monotonic() + 300
        while self.journal_lines() < shards + 1:
            assert process.poll() is None, f"{self.name} finished before {shards} shards were journaled"
            assert time.monotonic() < deadline
            time.sleep(0.002)
        process.kill()
        process.wait()


def make_case(name: str, base: Path, build_args) -> Case:
    """Calibrates the corpus size so that a run takes about TARGET_SECONDS, then makes the reference run."""
    total = 600_000
    for attempt in range(3):
        seconds, case = _reference_run(base / f"run{attempt}", build_args, total)
        # Start-up time makes a small sample look slow: scale up again until the run is long enough.
        if seconds >= TARGET_SECONDS * 0.6 or total >= 40_000_000:
            break
        total = max(total, min(int(total * TARGET_SECONDS / max(seconds, 0.05)), 40_000_000))
    case.name = name
    return case


def _reference_run(base: Path, build_args, total_bytes: int) -> tuple[float, Case]:
    args, out = build_args(base, total_bytes)
    shutil.rmtree(out, ignore_errors=True)
    seconds, result = timed(args)
    assert result.returncode == 0, result.stderr.decode()
    reference = base / "reference"
    shutil.rmtree(reference, ignore_errors=True)
    out.rename(reference)
    return seconds, Case("", args, out, reference, seconds)


@pytest.fixture(scope="module")
def tokenize_case(mlmprep_bin, vocab, tmp_path_factory) -> Case:
    def build(base: Path, total: int):
        files = write_corpus(base / "corpus", total, seed=11)
        # Records of at most 64 KB of text, about 4 per shard (~1.7 bytes of ids and flags per text byte): over
        # 20 shards, each compressed well below the 230 KB of vocab.txt (see the file size limit test).
        chunk = max(4096, min(total // 60, 65536))
        args = [mlmprep_bin, "tokenize", *files, "--vocab", vocab, "-o", base / "out", "--threads", 2,
                "--chunk-bytes", chunk, "--max-shard-bytes", int(chunk * 4.5), "--quiet"]
        return args, base / "out"

    case = make_case("tokenize", tmp_path_factory.mktemp("resume-tokenize"), build)
    shards = list(case.reference.glob("*.mlmb.zst"))
    assert len(shards) >= 5, f"the reference run wrote only {len(shards)} shards"
    return case


@pytest.fixture(scope="module")
def mask_case(mlmprep_bin, vocab, tmp_path_factory) -> Case:
    def build(base: Path, total: int):
        files = write_corpus(base / "corpus", total, seed=12, files=1)
        store = base / "store"
        shutil.rmtree(store, ignore_errors=True)
        subprocess.run(list(map(str, [mlmprep_bin, "tokenize", *files, "--vocab", vocab, "-o", store, "--quiet"])),
                       check=True, timeout=600)
        # Raw batch size: 32 x 128 x (4 + 4 + 1) bytes; prediction 0.3 over corruption 0.15 writes every batch
        # twice, so a shard can end between the two copies of a batch (a frame-level resume point).
        raw_per_batch = 32 * 128 * 9
        batches = total * 0.55 / (32 * 128) * 2 * 2
        shard = min(8 * raw_per_batch, max(raw_per_batch, int(batches * raw_per_batch / 25)))
        args = [mlmprep_bin, "mask", store, "-o", base / "out", "--seq-len", 128, "--batch-size", 32,
                "--predict-rate", 0.3, "--corrupt-rate", 0.15, "--epochs", 2, "--threads", 2,
                "--max-shard-bytes", shard + raw_per_batch // 3, "--quiet"]
        return args, base / "out"

    case = make_case("mask", tmp_path_factory.mktemp("resume-mask"), build)
    shards = list(case.reference.glob("*.mlmb.zst"))
    assert len(shards) >= 5, f"the reference run wrote only {len(shards)} shards"
    return case


CASES = ["tokenize_case", "mask_case"]


# ----------------------------------------------------------------------------------------------------
# SIGKILL at random moments


def resume_until_finished(case: Case, rng: random.Random, seconds: float, context: str) -> int:
    """Resumes until a run exits 0, SIGKILLing some of the resumes too; returns the number of resumes."""
    for attempt in range(1, 11):
        if attempt < 4 and rng.random() < 0.3:
            process = case.start("--resume")
            time.sleep(rng.uniform(0, seconds))
            process.kill()
            _, stderr = process.communicate()
            assert process.returncode in (0, -signal.SIGKILL), f"{context}: {stderr.decode()}"
            if process.returncode == 0:
                return attempt
            continue
        result = case.resume()
        assert result.returncode == 0, f"{context}: {result.stderr.decode()}"
        return attempt
    pytest.fail(f"{context}: the run never finished")


@pytest.mark.parametrize("case_name", CASES)
def test_sigkill_at_any_moment_then_resume_is_byte_identical(case_name, request):
    case: Case = request.getfixturevalue(case_name)
    rng = random.Random(20240 + len(case_name))
    # Time a second uninterrupted run (the reference run also warmed the caches): it must give the same bytes.
    case.fresh()
    seconds, result = timed(case.args)
    assert result.returncode == 0, result.stderr.decode()
    assert_identical(case.reference, case.out, f"{case.name} rerun")
    # Uniform over the run, plus the two extremes: at once (before any shard) and after the end.
    delays = [rng.uniform(0, seconds) for _ in range(TRIALS)] + [0.0, seconds * 1.1]
    landed = {"no shard yet": 0, "some shards": 0, "finished": 0}
    resumes = 0
    for trial, delay in enumerate(delays):
        context = f"{case.name} trial {trial} (killed after {delay:.3f} s of {seconds:.3f} s)"
        case.fresh()
        process = case.start()
        time.sleep(delay)
        process.kill()
        _, stderr = process.communicate()
        if process.returncode == 0:
            landed["finished"] += 1
        else:
            assert process.returncode == -signal.SIGKILL, stderr.decode()
            landed["some shards" if case.journal_lines() > 1 else "no shard yet"] += 1
        resumes += resume_until_finished(case, rng, seconds, context)
        assert_identical(case.reference, case.out, context)
    # The machine's load can make runs faster or slower than timed: make sure some kills land mid-run.
    shards = len(list(case.reference.glob("*.mlmb.zst")))
    while landed["some shards"] < 3:
        after = rng.randrange(1, shards - 1)
        case.interrupt_after(after)
        landed["some shards"] += 1
        context = f"{case.name} killed after {after} shard(s)"
        resumes += resume_until_finished(case, rng, seconds, context)
        assert_identical(case.reference, case.out, context)
    print(f"{case.name}: run {seconds:.2f} s, {shards} shards; kills landed: {landed}; {resumes} resumes")


# ----------------------------------------------------------------------------------------------------
# What a resume refuses, repairs or leaves alone


def test_tokenize_resume_with_changed_settings_or_inputs_is_refused(tokenize_case):
    case = tokenize_case
    case.interrupt_after(2)
    before = tree(case.out)
    result = case.resume("--max-line-bytes", 4096)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "--max-line-bytes" in stderr and "4096" in stderr and "--overwrite" in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert tree(case.out) == before, "a refused resume must not touch the directory"

    corpus = Path(case.args[2])
    stat = corpus.stat()
    os.utime(corpus, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    result = case.resume()
    stderr = result.stderr.decode()
    assert result.returncode == 1 and corpus.name in stderr and "changed" in stderr, stderr
    assert tree(case.out) == before
    os.utime(corpus, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = case.resume()
    assert result.returncode == 0, result.stderr.decode()
    assert_identical(case.reference, case.out, "tokenize after a refused resume")


def test_mask_resume_with_changed_settings_is_refused(mask_case):
    case = mask_case
    case.interrupt_after(2)
    before = tree(case.out)
    args = [a if a != "128" else "64" for a in map(str, case.args)]
    result = subprocess.run([*args, "--resume"], capture_output=True, timeout=600)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "--seq-len" in stderr and "128" in stderr and "64" in stderr and "--overwrite" in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert tree(case.out) == before


@pytest.mark.parametrize("change, flag", [(["--shuffle", "global"], "--shuffle"), (["--rank", "1/2"], "--rank"),
                                          (["--tail", "drop"], "--tail"), (["--start-step", "1"], "--start-step")])
def test_mask_resume_with_a_changed_training_order_is_refused(mask_case, change, flag):
    case = mask_case
    case.interrupt_after(2)
    before = tree(case.out)
    result = subprocess.run([*map(str, case.args), *change, "--resume"], capture_output=True, timeout=600)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert flag in stderr and "--overwrite" in stderr, stderr
    assert tree(case.out) == before


@pytest.mark.parametrize("case_name", CASES)
def test_a_damaged_complete_shard_is_written_again(case_name, request):
    """Documented choice (README, Reliability): a journaled shard that no longer matches its size and sha256 is
    written again, with every shard after it, and a note names it."""
    case: Case = request.getfixturevalue(case_name)
    case.interrupt_after(3)
    shard = case.out / "shard-00001.mlmb.zst"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x10
    shard.write_bytes(bytes(data))
    result = subprocess.run(list(map(str, [a for a in case.args if a != "--quiet"])) + ["--resume"],
                            capture_output=True, timeout=600)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "shard-00001.mlmb.zst" in stderr and "damaged" in stderr and "written again" in stderr, stderr
    assert_identical(case.reference, case.out, f"{case.name} after a damaged shard")


@pytest.mark.parametrize("case_name", CASES)
def test_resume_on_a_finished_run_changes_nothing(case_name, request):
    case: Case = request.getfixturevalue(case_name)
    case.fresh()
    shutil.copytree(case.reference, case.out)
    stats = {p.name: p.stat().st_mtime_ns for p in case.out.iterdir()}
    result = subprocess.run(list(map(str, [a for a in case.args if a != "--quiet"])) + ["--resume"],
                            capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    assert b"already holds the finished run" in result.stderr
    assert_identical(case.reference, case.out, "finished run")
    assert {p.name: p.stat().st_mtime_ns for p in case.out.iterdir()} == stats


@pytest.mark.parametrize("case_name", CASES)
def test_resume_needs_no_journal_on_a_fresh_directory(case_name, request):
    case: Case = request.getfixturevalue(case_name)
    case.fresh()
    result = case.resume()
    assert result.returncode == 0, result.stderr.decode()
    assert_identical(case.reference, case.out, "--resume into a fresh directory")


@pytest.mark.parametrize("case_name", CASES)
def test_unfinished_run_is_refused_without_resume(case_name, request):
    case: Case = request.getfixturevalue(case_name)
    case.interrupt_after(1)
    result = subprocess.run(list(map(str, case.args)), capture_output=True, timeout=600)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "unfinished run" in stderr and "--resume" in stderr and "--overwrite" in stderr, stderr
    assert str(case.out) in stderr


# ----------------------------------------------------------------------------------------------------
# Write errors: the file size limit (RLIMIT_FSIZE, EFBIG once SIGXFSZ is ignored)


@pytest.mark.parametrize("case_name", CASES)
@pytest.mark.parametrize("when", ["first shard", "vocab.txt"])
def test_file_size_limit_fails_cleanly_then_resume_completes(case_name, when, request):
    case: Case = request.getfixturevalue(case_name)
    shards = sorted(case.reference.glob("*.mlmb.zst"))
    largest = max(p.stat().st_size for p in shards)
    vocab_size = (case.reference / "vocab.txt").stat().st_size
    if when == "first shard":
        limit, culprit = shards[0].stat().st_size // 2, ".mlmb.zst"
    else:
        # Every shard fits; the copy of the vocabulary, written after the last shard, does not.
        assert largest < vocab_size, "shards are too large for this test: lower --max-shard-bytes"
        limit, culprit = (largest + vocab_size) // 2, "vocab.txt"
    case.fresh()

    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    process = case.start(preexec_fn=limit_file_size)
    _, stderr = process.communicate(timeout=600)
    message = stderr.decode()
    assert process.returncode == 1, f"exit {process.returncode} (-25 is SIGXFSZ): {message}"
    assert len(message.strip().splitlines()) == 1, message
    assert culprit in message and "File too large" in message and "ulimit" in message, message
    names = [p.name for p in case.out.iterdir()]
    assert "manifest.json" not in names
    assert not [n for n in names if n.endswith(".tmp") or ".tmp-" in n], f"debris left: {names}"
    result = case.resume()
    assert result.returncode == 0, result.stderr.decode()
    assert_identical(case.reference, case.out, f"{case.name} after a file size limit at {when}")
