"""The package installs like any Python package: a NEW venv, ``pip install ./tools/python`` (not editable, built
by the PyPI build backend named in pyproject.toml), then a smoke subset of the tests run there.

The tree is copied first (without tests and caches) so that the in-tree build leaves nothing behind in the
checkout; the command is the one a user types (``pip install ./tools/python``), from the copy's root. The
smoke subset is test_reader.py and test_batches.py (plus pytest and safetensors, which they need), run from
the checkout's tests with the new venv's Python: they must import the package from that venv's
site-packages, never from tools/python.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_mask_cli import store  # noqa: F401  (a fixture)

REPO = Path(__file__).resolve().parents[3]
TESTS = Path(__file__).resolve().parent
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}


def run(*command, cwd=None, env=None, timeout=600):
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, env=env or ENV,
                            timeout=timeout)
    assert result.returncode == 0, f"{command} exited {result.returncode}:\n{result.stdout.decode()[-3000:]}\n" \
                                   f"{result.stderr.decode()[-3000:]}"
    return result.stdout.decode()


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("install")
    shutil.copytree(REPO / "tools" / "python", base / "src" / "tools" / "python",
                    ignore=shutil.ignore_patterns("tests", "__pycache__", "*.egg-info", "build"))
    env = base / "venv"
    # Without pip of its own (ensurepip takes half a minute on a loaded machine): this Python's pip installs
    # into it (pip --python), resolving and building exactly as the venv's own pip would.
    run(sys.executable, "-m", "venv", "--without-pip", env)
    run(sys.executable, "-m", "pip", "--python", env / "bin" / "python", "install", "-q", "--no-compile",
        "--disable-pip-version-check", "./tools/python", "pytest", "safetensors", cwd=base / "src")
    return env


def test_installed_not_editable_and_metadata(venv):
    script = ("import json, sys, importlib.metadata as m, mlmprep_reader\n"
              "d = m.distribution('mlmprep-reader')\n"
              "print(json.dumps({'file': mlmprep_reader.__file__, 'version': d.version,\n"
              "                  'requires': d.requires, 'direct_url': d.read_text('direct_url.json'),\n"
              "                  'prefix': sys.prefix}))")
    info = json.loads(run(venv / "bin" / "python", "-c", script, cwd="/"))
    site = Path(info["prefix"]).resolve()
    assert Path(info["file"]).resolve().is_relative_to(site), info["file"]
    assert "editable" not in (info["direct_url"] or ""), info["direct_url"]
    import mlmprep_reader

    assert info["version"] == mlmprep_reader.__version__
    requires = " | ".join(info["requires"])
    assert "numpy" in requires and "zstandard" in requires
    assert 'extra == "torch"' in requires and 'extra == "datasets"' in requires
    # Only numpy and zstandard come with it: no torch, no datasets.
    missing = run(venv / "bin" / "python", "-c",
                  "import importlib.util as u; print([n for n in ('torch', 'datasets') if u.find_spec(n)])")
    assert missing.strip() == "[]"


def test_smoke_tests_pass_in_the_new_venv(venv, mlmprep_bin):
    # conftest.py refuses a package from anywhere but MLMPREP_READER_EXPECTED_UNDER.
    env = {**ENV, "MLMPREP_BIN": mlmprep_bin, "MLMPREP_READER_EXPECTED_UNDER": str(venv)}
    out = run(venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
              TESTS / "test_reader.py", TESTS / "test_batches.py", cwd=REPO, env=env)
    last = out.strip().splitlines()[-1]
    assert " passed" in last and "failed" not in last and "error" not in last, out[-2000:]
    assert int(last.split(" passed")[0].split()[-1]) >= 80, last


def test_command_line_in_the_new_venv(venv, mlmprep_bin, store, tmp_path):  # noqa: F811
    batches = tmp_path / "b"
    subprocess.run([mlmprep_bin, "mask", store, "--seq-len", "64", "--batch-size", "7", "-o", batches, "--quiet"],
                   check=True)
    for command in ([venv / "bin" / "python", "-m", "mlmprep_reader"], [venv / "bin" / "mlmprep-reader"]):
        assert "is intact (mlmprep.batches)" in run(*command, "verify", batches, cwd="/")
        assert run(*command, "head", batches, "-n", "2", cwd="/").count("sequence ") == 2
        assert "records:" in run(*command, "info", batches, cwd="/")
