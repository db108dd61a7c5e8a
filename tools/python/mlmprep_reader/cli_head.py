"""``python -m mlmprep_reader head PATH``: the first sequences of masked batches, or the first documents of a
tokenized store, one block each, as ids or (with a vocabulary) as tokens.

For batches each block shows ``input_ids``, the predicted positions with their target (``labels`` other than
-100, as ``position:target``), the segment boundary of pair packing and the pair-task label. The vocabulary
is ``--vocab FILE``; without it a store directory's own ``vocab.txt`` is used, and for a batch directory the
``vocab.txt`` of the store its manifest names, when that file still has the sha256 the manifest recorded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

from .batches import IGNORE_INDEX, PAIR_LABEL_FIELDS, check_batch
from .errors import MLMBError
from .shards import MANIFEST_NAME, iter_records
from .store import check_token_record, read_vocab_file


def default_vocab(path: str) -> list[str] | None:
    """The vocabulary that goes with an output directory, or None (see the module documentation)."""
    directory = Path(path)
    if path == "-" or not (directory / MANIFEST_NAME).is_file():
        return None
    if (directory / "vocab.txt").is_file():
        return read_vocab_file(directory / "vocab.txt")
    try:
        store = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8")).get("store") or {}
        vocab = Path(store.get("path", "")) / "vocab.txt"
        if store.get("path") and vocab.is_file() and \
                hashlib.sha256(vocab.read_bytes()).hexdigest() == store.get("vocab_sha256"):
            return read_vocab_file(vocab)
    except (ValueError, OSError, AttributeError):
        pass  # no usable vocabulary: show ids
    return None


def _shown(ids, vocab, limit: int) -> str:
    ids = ids[:limit] if limit else ids
    words = [vocab[i] if vocab is not None and 0 <= i < len(vocab) else str(i) for i in ids]
    return " ".join(words)


def _sequence_block(batch, row: int, vocab, limit: int) -> list[str]:
    ids = batch["input_ids"][row].tolist()
    length = int(batch["attention_mask"][row].sum())
    labels = batch["labels"][row].tolist()
    predicted = [(k, t) for k, t in enumerate(labels) if t != IGNORE_INDEX]
    head = f"sequence {row} of batch {batch.index} ({batch.source}): {length} tokens, {len(predicted)} predicted"
    for name in PAIR_LABEL_FIELDS:
        if name in batch:
            head += f", {name} {int(batch[name][row])}"
    more = " ..." if limit and length > limit else ""
    lines = [head, f"  input   {_shown(ids[:length], vocab, limit)}{more}"]
    targets = [f"{k}:{_shown([t], vocab, 0)}" for k, t in predicted]
    lines.append(f"  targets {' '.join(targets[:limit] if limit else targets)}"
                 f"{' ...' if limit and len(targets) > limit else ''}")
    if "token_type_ids" in batch:
        segment = batch["token_type_ids"][row].tolist()
        b_start = segment.index(1) if 1 in segment else None
        lines.append(f"  segment B starts at position {b_start}")
    return lines


def iter_blocks(source, vocab, limit: int, allow_incomplete: bool):
    """One block of lines per sequence (batches) or per document (store), in order."""
    for record in iter_records(source, allow_incomplete=allow_incomplete):
        if "doc_offsets" in record:
            ids, flags, offsets = check_token_record(record)
            for d, (begin, end) in enumerate(zip(offsets[:-1].tolist(), offsets[1:].tolist())):
                sentences = int(((flags[begin:end] & 2) != 0).sum())
                more = " ..." if limit and end - begin > limit else ""
                yield [f"document {d} of record {record.index} ({record.source}): {end - begin} tokens, "
                       f"{sentences} sentences", f"  {_shown(ids[begin:end].tolist(), vocab, limit)}{more}"]
            continue
        check_batch(record)
        for row in range(record["input_ids"].shape[0]):
            yield _sequence_block(record, row, vocab, limit)


def cmd_head(args, stdin) -> int:
    vocab = read_vocab_file(Path(args.vocab)) if args.vocab else default_vocab(args.path)
    source = stdin if args.path == "-" else args.path
    for block in itertools.islice(iter_blocks(source, vocab, args.values, args.allow_incomplete), args.n):
        print("\n".join(block))
    return 0
