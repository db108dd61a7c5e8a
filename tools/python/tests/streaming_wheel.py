"""MosaicML Streaming's own modules, loaded from its PyPI wheel (``.venv/wheels``, put there by tools/setup.sh).

``import streaming`` runs ``streaming/__init__.py``, which imports the vision, text and multimodal datasets
(torchvision, transformers). Here the two top-level package objects (``streaming``, ``streaming.base``) are created
empty instead, and every module asked for is the wheel's own file, run as is with its real dependencies (numpy,
zstd, xxhash, Pillow, brotli, python-snappy, tqdm; with torch, filelock and catalogue for the dataset).

Without torch (``stand_ins=True``): ``streaming.base.util``, ``distributed``, ``world`` and ``shared.prefix`` import
``torch``, ``torch.distributed`` and ``torch.utils.data`` at module level, for the multi-process dataset only.
Those names are stand-ins that record every use in ``TORCH_USES`` and then refuse it; a test that asserts the list
is empty afterwards proves the code it ran never touched torch.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TORCH_USES: list[str] = []


class _StandIn(types.ModuleType):
    """A module whose attributes, other than those set on it, are recorded as uses and refused."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        TORCH_USES.append(f"{self.__name__}.{name}")
        raise RuntimeError(f"{self.__name__}.{name} was used, but this code path must not need torch")


def _install_stand_ins() -> None:
    torch, dist, utils, data = (_StandIn(n) for n in ("torch", "torch.distributed", "torch.utils", "torch.utils.data"))
    torch.__path__, utils.__path__ = [], []
    torch.distributed, torch.utils, utils.data = dist, utils, data
    torch.Tensor = type("Tensor", (), {})  # only in annotations of streaming/base/distributed.py

    def get_worker_info(*args, **kwargs):  # imported by streaming/base/world.py, called only by datasets
        TORCH_USES.append("torch.utils.data.get_worker_info")
        raise RuntimeError("torch.utils.data.get_worker_info was used")

    data.get_worker_info = get_worker_info
    for module in (torch, dist, utils, data):
        sys.modules.setdefault(module.__name__, module)


def wheel() -> Path:
    """The wheel: ``MLMPREP_STREAMING_WHEEL``, else the newest in ``.venv/wheels``."""
    named = os.environ.get("MLMPREP_STREAMING_WHEEL")
    if named:
        return Path(named)
    found = sorted((REPO / ".venv" / "wheels").glob("mosaicml_streaming-*.whl"))
    assert found, "no mosaicml-streaming wheel in .venv/wheels: run tools/setup.sh"
    return found[-1]


def load(root: Path, modules: dict[str, str], stand_ins: bool) -> types.SimpleNamespace:
    """Unpacks the wheel into ``root`` and imports ``modules`` (attribute name → module name) from it; the wheel's
    modules already loaded (with the real torch) are reused: Streaming keeps process-wide state (shared memory,
    threads), which two copies of its modules in one process would each hold."""
    if not getattr(sys.modules.get("streaming"), "mlmprep_wheel", False):
        with zipfile.ZipFile(wheel()) as archive:
            archive.extractall(root)
        if stand_ins:
            _install_stand_ins()
        for name in ("streaming", "streaming.base"):
            package = types.ModuleType(name)
            package.__path__ = [str(root.joinpath(*name.split(".")))]
            package.mlmprep_wheel = True
            sys.modules[name] = package
    return types.SimpleNamespace(**{key: importlib.import_module(name) for key, name in modules.items()})


def unload() -> None:
    """Forgets the wheel's modules and the stand-ins, if stand-ins were used, so later tests import the real torch
    (or find none); with the real torch the modules stay for reuse."""
    if not isinstance(sys.modules.get("torch"), _StandIn):
        return
    for name in [n for n in sys.modules if n.split(".")[0] in ("torch", "streaming")]:
        if isinstance(sys.modules[name], _StandIn) or name.split(".")[0] == "streaming":
            del sys.modules[name]
