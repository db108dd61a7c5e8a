"""Shared test set-up: the tests import the installed package (``pip install ./tools/python``; tools/setup.sh
installs it editable into .venv), never tools/python through ``sys.path``; and the fixtures naming the CLI
under test and the bert-base-uncased vocabulary (both set by tools/test.sh)."""

import os
from pathlib import Path

import pytest

try:
    import mlmprep_reader  # noqa: F401
except ImportError as e:
    raise pytest.UsageError(f"{e}: the tests need the package installed in this Python: run tools/setup.sh "
                            "(it installs tools/python into .venv) or `pip install ./tools/python`") from None
# test_install.py runs some of these tests in a new venv and names it here: the package must come from there.
_EXPECTED = os.environ.get("MLMPREP_READER_EXPECTED_UNDER")
if _EXPECTED and not Path(mlmprep_reader.__file__).resolve().is_relative_to(Path(_EXPECTED).resolve()):
    raise pytest.UsageError(f"mlmprep_reader was imported from {mlmprep_reader.__file__}, not from {_EXPECTED}")


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
