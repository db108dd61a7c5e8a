"""Read mlmprep output (MLMB shards of safetensors records in seekable zstd) with numpy and zstandard only.

    from mlmprep_reader import iter_records, read_record, iter_documents

    for batch in iter_records("shards/"):          # a directory, a shard file, "-" (stdin) or a file object
        ids = batch["input_ids"]                    # numpy arrays (read-only views)
        meta = batch.metadata                       # the safetensors __metadata__ (str -> str)

    rec = read_record("shards/shard-00000.mlmb.zst", 17)   # random access through the seek table
    for ids, flags in iter_documents("tok/"):               # documents of a tokenized store

A record is a :class:`Record`: a ``dict`` of tensors only (so it can be splatted into a model call),
with the ``__metadata__`` on ``.metadata`` and its origin on ``.source`` / ``.index``. Every problem
with the input raises :class:`MLMBError`, whose message names the file (or ``<stdin>``) and record.
"""

__version__ = "0.1.0"  # the mlmprep release this reader goes with (its manifests' "tool")

from .errors import MLMBError
from .record import DTYPES, Record, parse_record
from .shards import (
    KNOWN_FORMATS,
    SUPPORTED_FORMAT_VERSION,
    iter_records,
    load_manifest,
    read_record,
    seek_table,
    shard_paths,
)
from .store import FLAG_SENTENCE_START, FLAG_WORD_START, check_token_record, iter_documents, load_vocab

__all__ = [
    "DTYPES",
    "FLAG_SENTENCE_START",
    "FLAG_WORD_START",
    "KNOWN_FORMATS",
    "MLMBError",
    "Record",
    "SUPPORTED_FORMAT_VERSION",
    "check_token_record",
    "iter_documents",
    "iter_records",
    "load_manifest",
    "load_vocab",
    "parse_record",
    "read_record",
    "seek_table",
    "shard_paths",
]

# ----------------------------------------------------------------------------------------------------
# Masked batches (``mlmprep mask``) for the training side; see batches.py and torch_dataset.py.
#
#     from mlmprep_reader import iter_batches, read_batch      # numpy only
#     from mlmprep_reader import MLMBatchDataset               # imports torch (only when this name is used)
#     from mlmprep_reader import hf_iterable_dataset           # imports datasets (only when it is called)

from .batches import (  # noqa: E402
    BATCHES_FORMAT,
    IGNORE_INDEX,
    PAIR_LABEL_FIELDS,
    REQUIRED_FIELDS,
    check_batch,
    iter_batches,
    read_batch,
)
from .hf_dataset import hf_iterable_dataset, iter_rows  # noqa: E402  (imports datasets only when called)

__all__ += [
    "BATCHES_FORMAT",
    "IGNORE_INDEX",
    "PAIR_LABEL_FIELDS",
    "REQUIRED_FIELDS",
    "check_batch",
    "iter_batches",
    "hf_iterable_dataset",
    "iter_rows",
    "read_batch",
]  # not MLMBatchDataset: `from mlmprep_reader import *` must not import torch


def __getattr__(name):
    # PEP 562: `MLMBatchDataset` subclasses torch's IterableDataset, so torch is imported only when the
    # name is first used; `import mlmprep_reader` itself never needs torch.
    if name == "MLMBatchDataset":
        from .torch_dataset import MLMBatchDataset

        return MLMBatchDataset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
