"""PyTorch side: ``MLMBatchDataset``, an ``IterableDataset`` of ready-made batches from ``mlmprep mask``.

    from mlmprep_reader import MLMBatchDataset
    from transformers import BertForMaskedLM

    ds = MLMBatchDataset("-")                        # stdin: mlmprep mask tok/ --stdout | python train.py
    loader = ds.dataloader(num_workers=1)            # = DataLoader(ds, batch_size=None, num_workers=1)
    for batch in loader:
        loss = model(**batch).loss                   # BertForMaskedLM(**batch) accepts the dict as is

Every item is already a whole batch ([B, L] tensors), so a DataLoader must not batch again: pass
``batch_size=None`` (``ds.dataloader()`` does). The last batch of a run may hold fewer sequences.

What an item holds (``to_long=True``, the default): ``input_ids``, ``attention_mask``, ``labels`` and, with
``--pack pair``, ``token_type_ids``, all int64 [B, L], which is what ``BertForMaskedLM.forward`` takes.
The pair-task label (``next_sentence_label`` or ``sentence_order_label``, [B]) is dropped unless
``pair_labels=True``, because ``BertForMaskedLM`` does not accept it; ``BertForPreTraining`` takes
``next_sentence_label`` (and ALBERT's ``AlbertForPreTraining`` takes ``sentence_order_label``), so use
``pair_labels=True`` with those models. Other tensors a writer may add are dropped unless named in
``extra_fields``. With ``to_long=False`` tensors keep the stored dtypes (int32, uint16 with
``--ids u16``, uint8), which saves memory and host-to-device bandwidth when the model casts itself.

DataLoader workers: with ``num_workers=n > 1`` on a directory or shard file, each worker reads its own
share (``iter_batches(part=(worker id, n), split=...)``): ``split="auto"`` gives whole shards to workers when
there are at least ``n`` shards, else every n-th batch; ``split="records"`` always takes every n-th batch,
which keeps the exact single-process order. A stream (stdin or a pipe) cannot be split: use
``num_workers=0`` (decode in the training process) or ``num_workers=1`` (decode in one background process,
which reads stdin's file descriptor 0). A stream can be read only once, so iterate such a dataset once:
for several epochs, ask mlmprep for them (``mlmprep mask --epochs K --stdout``).

torch is imported only when ``MLMBatchDataset`` or :func:`batch_to_torch` is first used, so importing
``mlmprep_reader`` or this module never needs it.
"""

from __future__ import annotations

import sys

import numpy as np

from .batches import PAIR_LABEL_FIELDS, iter_batches

#: The tensors ``BertForMaskedLM(**batch)`` takes, in the order items hold them.
MODEL_FIELDS = ("input_ids", "attention_mask", "token_type_ids", "labels")

__all__ = ["MLMBatchDataset", "MODEL_FIELDS", "batch_to_torch"]


def batch_to_torch(batch, *, to_long: bool = True, pair_labels: bool = False, extra_fields=()) -> dict:
    """Convert one numpy batch (from :func:`iter_batches`) to a dict of torch tensors (new, writable memory).

    Keeps :data:`MODEL_FIELDS` that are present, the pair-task label when ``pair_labels`` and any tensor
    named in ``extra_fields``. ``to_long`` casts every integer tensor to int64 (what Hugging Face models
    expect); otherwise dtypes are kept.
    """
    import torch

    names = list(MODEL_FIELDS)
    if pair_labels:
        names += PAIR_LABEL_FIELDS
    names += [name for name in extra_fields if name not in names]
    out = {}
    for name in names:
        array = batch.get(name)
        if array is None:
            continue
        if to_long and array.dtype.kind in "iub":
            array = array.astype(np.int64)  # a copy, so writable
        else:
            array = np.array(array)  # copy: the reader's arrays are read-only views of the frame
        out[name] = torch.from_numpy(array)
    return out


def _is_stdin(source) -> bool:
    return (isinstance(source, str) and source == "-") or source is sys.stdin or source is sys.stdin.buffer \
        or (sys.__stdin__ is not None and source in (sys.__stdin__, getattr(sys.__stdin__, "buffer", None)))


def _build_class():
    import torch.utils.data as tud

    class MLMBatchDataset(tud.IterableDataset):
        """Batches of ``mlmprep mask`` output as dicts of torch tensors (see the module documentation).

        Args:
            source: ``"-"`` (stdin, default), a binary file object or pipe, a shard file, saved pipe output
                or an output directory of ``mlmprep mask -o DIR``.
            to_long: cast integer tensors to int64 (default), as ``BertForMaskedLM`` expects.
            pair_labels: keep ``next_sentence_label`` / ``sentence_order_label`` (for
                ``BertForPreTraining``); dropped by default since ``BertForMaskedLM`` refuses them.
            extra_fields: names of further tensors to keep.
            split: how DataLoader workers share a file or directory: ``"auto"``, ``"records"`` or
                ``"shards"`` (see :func:`mlmprep_reader.iter_batches`).
            allow_incomplete, verify_hashes: passed to the reader for directories.
        """

        def __init__(self, source="-", *, to_long: bool = True, pair_labels: bool = False, extra_fields=(),
                     split: str = "auto", allow_incomplete: bool = False, verify_hashes: bool = False):
            super().__init__()
            if split not in ("auto", "records", "shards"):
                raise ValueError(f"split must be 'auto', 'records' or 'shards', got {split!r}")
            self.source = "-" if _is_stdin(source) else source
            self.to_long = to_long
            self.pair_labels = pair_labels
            self.extra_fields = tuple(extra_fields)
            self.split = split
            self.allow_incomplete = allow_incomplete
            self.verify_hashes = verify_hashes

        def _is_stream(self) -> bool:
            return hasattr(self.source, "read") or self.source == "-"

        def __iter__(self):
            info = tud.get_worker_info()
            workers = 1 if info is None else info.num_workers
            source = self.source
            if self._is_stream():
                if workers > 1:
                    what = "stdin" if source == "-" else "a stream"
                    raise ValueError(
                        f"MLMBatchDataset: {what} cannot be split between {workers} DataLoader workers; use "
                        "num_workers=0 or 1, or write a directory with `mlmprep mask -o DIR` and read that")
                if info is not None and source == "-":
                    # In a worker process multiprocessing has replaced sys.stdin with /dev/null, but file
                    # descriptor 0 is still the pipe from mlmprep.
                    source = open(0, "rb", closefd=False)
                kwargs = {}
            else:
                kwargs = {"allow_incomplete": self.allow_incomplete, "verify_hashes": self.verify_hashes}
                if workers > 1:
                    kwargs.update(part=(info.id, workers), split=self.split)
            for batch in iter_batches(source, **kwargs):
                yield batch_to_torch(batch, to_long=self.to_long, pair_labels=self.pair_labels,
                                     extra_fields=self.extra_fields)

        def dataloader(self, **kwargs):
            """``torch.utils.data.DataLoader(self, batch_size=None, **kwargs)``: items are whole batches."""
            if kwargs.get("batch_size") is not None:
                raise ValueError("items are already whole batches: the DataLoader needs batch_size=None")
            kwargs["batch_size"] = None
            return tud.DataLoader(self, **kwargs)

        def __repr__(self) -> str:
            return (f"MLMBatchDataset({self.source!r}, to_long={self.to_long}, pair_labels={self.pair_labels}, "
                    f"extra_fields={self.extra_fields!r}, split={self.split!r})")

    MLMBatchDataset.__module__ = __name__
    MLMBatchDataset.__qualname__ = "MLMBatchDataset"
    return MLMBatchDataset


_CLASS = None


def __getattr__(name):
    # The class is created on first use, so that importing this module does not import torch. Pickling
    # (DataLoader workers under the "spawn" start method) finds it again through this hook.
    global _CLASS
    if name == "MLMBatchDataset":
        if _CLASS is None:
            _CLASS = _build_class()
        return _CLASS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
