"""The records of an mlmprep directory (store or batches) read with the zstd CLI and ``safetensors`` alone, not
with our own reader: the loader-format tests compare other tools' files with what mlmprep itself wrote."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Iterator

import numpy as np
from safetensors.numpy import load as st_load


def records(directory: Path) -> Iterator[dict[str, np.ndarray]]:
    """Every record of every shard listed in ``manifest.json``, in order."""
    manifest = json.loads((Path(directory) / "manifest.json").read_text())
    for shard in manifest["shards"]:
        raw = subprocess.run(["zstd", "-q", "-dc", Path(directory) / shard["file"]], check=True,
                             capture_output=True).stdout
        offset = 0
        while offset < len(raw):
            header = int.from_bytes(raw[offset:offset + 8], "little")
            meta = json.loads(raw[offset + 8:offset + 8 + header])
            end = offset + 8 + header + max(v["data_offsets"][1] for k, v in meta.items() if k != "__metadata__")
            yield st_load(raw[offset:end])
            offset = end


def store_documents(store: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (ids, flags) of every document of a tokenized store."""
    documents = []
    for record in records(store):
        offsets = record["doc_offsets"]
        for start, end in zip(offsets[:-1], offsets[1:]):
            documents.append((record["ids"][start:end].astype(np.int64), record["flags"][start:end]))
    return documents
