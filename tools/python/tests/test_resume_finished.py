"""``--resume`` on a finished directory compares the settings and inputs like it does for an interrupted run: the
same command line says so and changes nothing, anything else is refused with one line naming the difference and
leaves the directory alone (the manifest records the run's settings and inputs for this, see README Reliability).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def tree(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.fixture
def finished(mlmprep_bin, vocab, tmp_path):
    """A finished store and a finished batch directory, and the command lines that wrote them."""
    corpus = tmp_path / "corpus.txt"
    shutil.copyfile(REPO / "corpora/en.txt", corpus)
    store, batches = tmp_path / "tok", tmp_path / "batches"
    tokenize = [mlmprep_bin, "tokenize", str(corpus), "--vocab", vocab, "-o", str(store), "--chunk-bytes", "4000"]
    mask = [mlmprep_bin, "mask", str(store), "-o", str(batches), "--seq-len", "64", "--seed", "7"]
    for args in (tokenize, mask):
        subprocess.run([*args, "--quiet"], check=True)
    return {"corpus": corpus, "store": store, "batches": batches, "tokenize": tokenize, "mask": mask}


def resume(args, *extra):
    return subprocess.run([*map(str, args), *map(str, extra), "--resume"], capture_output=True, timeout=300)


def assert_refused(result, *words):
    stderr = result.stderr.decode()
    assert result.returncode == 1, f"exit {result.returncode}: {stderr}"
    assert len(stderr.strip().splitlines()) == 1, stderr
    for word in words:
        assert word in stderr, f"{word!r} not in: {stderr}"
    return stderr


@pytest.mark.parametrize("command", ["tokenize", "mask"])
def test_the_same_command_line_has_nothing_to_resume(finished, command):
    directory = finished["store" if command == "tokenize" else "batches"]
    before = tree(directory)
    result = resume(finished[command])
    assert result.returncode == 0, result.stderr.decode()
    assert b"already holds the finished run" in result.stderr
    assert tree(directory) == before


@pytest.mark.parametrize("command, flag, value, named, was", [
    ("tokenize", "--max-line-bytes", 4096, "--max-line-bytes", "16777216"),
    ("tokenize", "--chunk-bytes", 5000, "--chunk-bytes", "4000"),
    ("tokenize", "--invalid-utf8", "skip", "--invalid-utf8", "replace"),
    ("mask", "--seq-len", 32, "--seq-len", "64"),
    ("mask", "--seed", 8, "--seed", "7"),
    ("mask", "--rate", 0.3, "--predict-rate", "0.15"),
])
def test_a_changed_setting_is_refused_naming_it(finished, command, flag, value, named, was):
    directory = finished["store" if command == "tokenize" else "batches"]
    before = tree(directory)
    args = list(finished[command])
    if flag in args:
        args[args.index(flag) + 1] = str(value)
    else:
        args += [flag, str(value)]
    assert_refused(resume(args), f"{named} was {was} in the finished run and is {value} now", "--overwrite")
    assert tree(directory) == before


def test_changed_inputs_are_refused(finished, tmp_path):
    store = finished["store"]
    before = tree(store)
    other = tmp_path / "other.txt"
    shutil.copyfile(REPO / "corpora/multilingual.txt", other)
    args = list(finished["tokenize"])
    assert_refused(resume([*args[:2], str(other), *args[3:]]), "the input files were", str(other),
                   "in the finished run")
    assert_refused(resume([*args[:3], str(other), *args[3:]]), "the input files were", "in the finished run")
    with open(finished["corpus"], "a") as f:
        f.write("one more line\n")
    assert_refused(resume(args), str(finished["corpus"]), "changed since the finished run", "its size was")
    assert tree(store) == before


def test_another_command_is_refused(finished, mlmprep_bin):
    store, batches = finished["store"], finished["batches"]
    before = tree(batches)
    args = [mlmprep_bin, "tokenize", str(finished["corpus"]), "--vocab", str(store / "vocab.txt"), "-o", str(batches)]
    assert_refused(resume(args), "the finished run was mlmprep mask, not mlmprep tokenize")
    assert tree(batches) == before


def test_another_store_is_refused(finished, mlmprep_bin, vocab, tmp_path):
    other = tmp_path / "tok2"
    subprocess.run([mlmprep_bin, "tokenize", REPO / "corpora/multilingual.txt", "--vocab", vocab, "-o", other,
                    "--quiet"], check=True)
    args = list(finished["mask"])
    args[2] = str(other)
    assert_refused(resume(args), "the store was", str(other), "in the finished run")


def test_a_manifest_without_its_run_is_refused(finished):
    batches = finished["batches"]
    manifest = json.loads((batches / "manifest.json").read_text())
    assert manifest["run"]["command"] == "mask" and manifest["run"]["settings"]["--seq-len"] == 64
    del manifest["run"]
    (batches / "manifest.json").write_text(json.dumps(manifest, indent=2))
    before = tree(batches)
    assert_refused(resume(finished["mask"]), "does not record its settings", "--overwrite")
    assert tree(batches) == before
