"""Hugging Face ``datasets`` side: masked batches of ``mlmprep mask`` as a ``datasets.IterableDataset``.

    from mlmprep_reader import hf_iterable_dataset
    from transformers import BertForMaskedLM, Trainer, TrainingArguments, default_data_collator

    train = hf_iterable_dataset("batches/")          # or "-" (stdin), a shard file, a pipe
    trainer = Trainer(model=BertForMaskedLM(config), train_dataset=train,
                      data_collator=default_data_collator,            # stacks rows; masks nothing
                      args=TrainingArguments("out", max_steps=1000, per_device_train_batch_size=32))

Each row is one sequence of a batch, in order: ``input_ids``, ``attention_mask`` and ``labels`` (-100 where
nothing is predicted), plus whatever the batch holds of ``token_type_ids``, ``special_tokens_mask`` and the
pair-task label (``next_sentence_label`` or ``sentence_order_label``, an int) with ``--pack pair``. Lists of
ints of length L. The masking is already done, so the collator must not mask again: use
``transformers.default_data_collator`` (it stacks the rows into int64 tensors), never
``DataCollatorForLanguageModeling``. ``Trainer`` drops the columns the model does not take (the pair label for
``BertForMaskedLM``) as long as ``remove_unused_columns`` is left on; an ``IterableDataset`` has no length, so
give ``max_steps``.

Sharding: a directory is one ``datasets`` shard per MLMB shard file (``ds.num_shards``), so DataLoader
workers (``dataloader_num_workers``) and ``datasets.distributed.split_dataset_by_node`` split it by whole
files; with one reader the order is exactly ``iter_batches``'s. A shard file is one shard. A stream (stdin, a
pipe, saved pipe output) is one shard read once: iterating the dataset again finds the stream at its end, so
ask mlmprep for the epochs (``mlmprep mask --epochs K --stdout``). ``datasets`` is imported only by
:func:`hf_iterable_dataset`.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

from .batches import (
    PAIR_LABEL_FIELDS,
    _check_directory_format,
    _checked,
    _directory_shards,
    _is_stream,
    _iter_shards,
    check_batch,
    iter_batches,
)
from .errors import MLMBError
from .shards import MANIFEST_NAME, SHARD_SUFFIX, _has_seek_table_footer, _stream_name, read_record

#: The [B, L] tensors a row keeps when the batch has them, in this order; then the pair-task label.
ROW_FIELDS = ("input_ids", "attention_mask", "token_type_ids", "special_tokens_mask", "labels")

__all__ = ["ROW_FIELDS", "hf_iterable_dataset", "iter_rows"]


def iter_rows(batch, *, pair_labels: bool = True, extra_fields=()):
    """The rows (one dict per sequence, lists of Python ints) of one numpy batch from :func:`iter_batches`."""
    names = [name for name in ROW_FIELDS if name in batch]
    scalars = [name for name in PAIR_LABEL_FIELDS if pair_labels and name in batch]
    names += [name for name in extra_fields if name in batch and name not in names and name not in scalars]
    columns = {name: batch[name].tolist() for name in names + scalars}
    for i in range(batch["input_ids"].shape[0]):
        yield {name: column[i] for name, column in columns.items()}


class _StreamHandle:
    """A file object or pipe given to ``datasets`` in ``gen_kwargs``, which it hashes by pickling: only the
    stream's name is pickled, the object stays in this process (a stream can be read by one process only)."""

    def __init__(self, stream):
        self.stream = stream
        self.name = _stream_name(stream)

    def __getstate__(self):
        return {"stream": None, "name": self.name}


def _stream_rows(source, pair_labels, extra_fields):
    if isinstance(source, _StreamHandle):
        if source.stream is None:
            raise MLMBError(source.name, "a stream object cannot be read in another process (a DataLoader "
                            "worker): read it with dataloader_num_workers=0, or pass '-' (stdin) or a path")
        source = source.stream
    elif isinstance(source, str) and source == "-":
        # In a DataLoader worker, multiprocessing has replaced sys.stdin with /dev/null, but file descriptor
        # 0 is still the pipe from mlmprep.
        source = sys.stdin.buffer if multiprocessing.parent_process() is None else open(0, "rb", closefd=False)
    for batch in iter_batches(source):
        yield from iter_rows(batch, pair_labels=pair_labels, extra_fields=extra_fields)


def _shard_rows(shards, verify_hashes, pair_labels, extra_fields):
    # ``shards`` is a list, so ``datasets`` hands each worker (or node) its own contiguous part of it.
    entries = [(Path(path), records, entry) for path, records, entry in shards]
    for batch in _checked(_iter_shards(entries, verify_hashes)):
        yield from iter_rows(batch, pair_labels=pair_labels, extra_fields=extra_fields)


def _features(datasets, first, pair_labels, extra_fields):
    """The ``datasets.Features`` of the rows of batches like ``first`` (stored dtypes: int32 or uint16 ids)."""
    sequence = getattr(datasets, "List", None) or datasets.Sequence
    row = next(iter_rows(first, pair_labels=pair_labels, extra_fields=extra_fields), None)
    features = {}
    for name in (row or {}):
        value = datasets.Value(str(first[name].dtype))
        features[name] = value if first[name].ndim == 1 else sequence(value)
    return datasets.Features(features)


def _file_shards(path: Path, allow_incomplete: bool):
    """(shards for the generator, first batch or None) of a directory or a shard file with a seek table."""
    if path.is_dir():
        if not (allow_incomplete and not (path / MANIFEST_NAME).exists()):
            _check_directory_format(path)
        shards = [(str(p), records, entry) for p, records, entry in _directory_shards(path, allow_incomplete)]
    else:
        shards = [(str(path), None, None)]
    first = None
    for file, records, _ in shards:
        if records != 0:
            try:
                first = check_batch(read_record(file, 0))
            except IndexError:
                continue
            break
    return shards, first


def hf_iterable_dataset(source="-", *, pair_labels: bool = True, extra_fields=(), allow_incomplete: bool = False,
                        verify_hashes: bool = False):
    """Masked batches of ``source`` as a ``datasets.IterableDataset`` of rows, one per sequence.

    Args:
        source: an output directory of ``mlmprep mask -o DIR``, a shard file, saved pipe output, ``"-"``
            (stdin: ``mlmprep mask ... --stdout | python train.py``) or a binary file object / pipe.
        pair_labels: keep ``next_sentence_label`` / ``sentence_order_label`` (``--pack pair``) as an int
            column (default; ``Trainer`` drops it for models that do not take it).
        extra_fields: names of further [B, L] or [B] tensors to keep.
        allow_incomplete, verify_hashes: as for :func:`iter_batches` (directories only).

    The features (column names and dtypes) are known up front for a directory or shard file (from its first
    batch); for a stream they are left to ``datasets`` (``ds.features`` is None until rows are read).
    Damaged input raises :class:`MLMBError` naming the file and batch, when iteration reaches it (problems
    seen up front, such as a missing manifest, raise from this call).
    """
    try:
        import datasets
    except ImportError as e:
        raise ImportError(f"hf_iterable_dataset needs Hugging Face datasets ({e}): "
                          "pip install 'mlmprep-reader[datasets]'") from e
    options = {"pair_labels": pair_labels, "extra_fields": tuple(extra_fields)}
    path = None if _is_stream(source) else Path(source)
    if path is not None and not path.exists():
        raise MLMBError(str(path), "no such file or directory")
    if path is not None and path.is_file():
        with open(path, "rb") as f:
            if not (_has_seek_table_footer(f) or path.name.endswith(SHARD_SUFFIX)):
                path, source = None, str(path)  # saved pipe output: a stream
    if path is None:
        if source is sys.stdin or source is sys.stdin.buffer:
            source = "-"
        elif hasattr(source, "read"):
            source = _StreamHandle(source)
        return datasets.IterableDataset.from_generator(_stream_rows, gen_kwargs={"source": source, **options})
    shards, first = _file_shards(path, allow_incomplete)
    features = None if first is None else _features(datasets, first, pair_labels, extra_fields)
    return datasets.IterableDataset.from_generator(
        _shard_rows, features=features, gen_kwargs={"shards": shards, "verify_hashes": verify_hashes, **options})
