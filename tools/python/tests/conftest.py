"""Shared test set-up: ``mlmprep_reader`` importable even when PYTHONPATH does not name tools/python, and the
fixtures naming the CLI under test and the bert-base-uncased vocabulary (both set by tools/test.sh)."""

import os
import sys
from pathlib import Path

import pytest

PYTHON_DIR = str(Path(__file__).resolve().parents[1])
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)


@pytest.fixture(scope="session")
def mlmprep_bin() -> str:
    """The mlmprep binary under test (MLMPREP_BIN); the tests that need it skip when it is not set."""
    path = os.environ.get("MLMPREP_BIN")
    if not path:
        pytest.skip("MLMPREP_BIN is not set: tools/test.sh sets it to the built mlmprep binary")
    assert Path(path).is_file() and os.access(path, os.X_OK), f"MLMPREP_BIN={path} is not an executable file"
    return path


@pytest.fixture(scope="session")
def vocab() -> str:
    """bert-base-uncased vocab.txt (MLMPREP_BERT_VOCAB)."""
    path = os.environ.get("MLMPREP_BERT_VOCAB")
    assert path and Path(path).is_file(), "MLMPREP_BERT_VOCAB must name bert-base-uncased vocab.txt"
    return path
