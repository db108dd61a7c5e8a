#!/usr/bin/env python3
"""Train a tiny, randomly initialised BERT on mlmprep's masked batches, to show the data feeds a real model.

    mlmprep tokenize corpora/en.txt --vocab vocab.txt -o tok/
    mlmprep mask tok/ --seq-len 64 --batch-size 16 --rate 0.15 --epochs 20 --stdout \\
        | python tools/python/examples/train_tiny_bert.py --vocab tok/vocab.txt

or from a directory written by ``mlmprep mask tok/ ... -o batches/``:

    python tools/python/examples/train_tiny_bert.py batches/ --vocab tok/vocab.txt

Each batch from ``MLMBatchDataset`` goes straight into ``BertForMaskedLM(**batch)`` (input_ids,
attention_mask, labels with -100 where nothing is predicted, token_type_ids with --pack pair). The model
(hidden 64, 2 layers, 2 heads, intermediate 128) trains on the CPU with AdamW (lr 1e-3) for --steps steps;
the loss is printed every --log-every steps. At the end the mean loss of the first --window steps is
compared with the mean of the last --window steps: the exit status is 0 if the loss went down, 1 if it did
not (or the input was unusable), 2 for bad usage.

The script stops reading after --steps batches and exits; closing the pipe early is fine (mlmprep ends
quietly on EPIPE), so ask mlmprep for more epochs than needed. If the input ends first, the run is judged
on the steps it had. Needs torch and transformers (tools/full_test.sh installs them into .venv) besides
the package of tools/python (``pip install './tools/python[torch]'``; tools/setup.sh installs it into .venv).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
from pathlib import Path

from mlmprep_reader import MLMBError


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Train a tiny BertForMaskedLM on mlmprep batches (CPU).")
    p.add_argument("source", nargs="?", default="-",
                   help="'-' for stdin (default), a shard file or an output directory of `mlmprep mask -o`")
    p.add_argument("--vocab", type=Path, help="vocab.txt of the store (its line count is the vocabulary size)")
    p.add_argument("--vocab-size", type=int, help="vocabulary size, if there is no --vocab")
    p.add_argument("--steps", type=int, default=300, help="training steps = batches read (default 300)")
    p.add_argument("--lr", type=float, default=1e-3, help="AdamW learning rate (default 1e-3)")
    p.add_argument("--log-every", type=int, default=20, help="print the loss every N steps (default 20)")
    p.add_argument("--window", type=int, default=50, help="steps averaged at the start and end (default 50)")
    p.add_argument("--seed", type=int, default=0, help="model initialisation seed (default 0)")
    p.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--workers", type=int, default=0,
                   help="DataLoader workers decoding batches (stdin: 0 or 1; default 0)")
    args = p.parse_args(argv)
    if args.steps < 2 or args.log_every < 1 or args.window < 1:
        p.error("--steps must be >= 2, --log-every and --window >= 1")
    if args.vocab is not None and not args.vocab.is_file():
        p.error(f"--vocab {args.vocab}: no such file")
    return args


def vocab_size_of(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return len(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        import torch
        from transformers import BertConfig, BertForMaskedLM
        from transformers.utils import logging as hf_logging
    except ImportError as e:
        print(f"train_tiny_bert: error: {e}; install torch and transformers (tools/full_test.sh installs them "
              "into .venv)", file=sys.stderr)
        return 2
    hf_logging.set_verbosity_error()
    from mlmprep_reader import MLMBatchDataset

    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)

    dataset = MLMBatchDataset(args.source)
    batches = iter(dataset.dataloader(num_workers=args.workers))

    # Peek at the first batches for the sequence length (and the vocabulary size without --vocab).
    head = list(itertools.islice(batches, 20))
    if not head:
        print("train_tiny_bert: error: no batches in the input", file=sys.stderr)
        return 1
    seq_len = head[0]["input_ids"].shape[1]
    max_id = max(int(torch.maximum(b["input_ids"].max(), b["labels"].max())) for b in head)
    if args.vocab is not None:
        vocab_size, vocab_from = vocab_size_of(args.vocab), str(args.vocab)
    elif args.vocab_size:
        vocab_size, vocab_from = args.vocab_size, "--vocab-size"
    else:
        vocab_size, vocab_from = max_id + 1, f"the largest id in the first {len(head)} batches"
    if max_id >= vocab_size:
        print(f"train_tiny_bert: error: the batches hold id {max_id} but the vocabulary ({vocab_from}) has "
              f"{vocab_size} entries: pass the store's vocab.txt with --vocab", file=sys.stderr)
        return 1

    config = BertConfig(vocab_size=vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=128, max_position_embeddings=max(512, seq_len), type_vocab_size=2)
    model = BertForMaskedLM(config)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    params = sum(p.numel() for p in model.parameters())
    print(f"tiny BERT: {params / 1e6:.2f}M parameters, vocab {vocab_size} (from {vocab_from}), "
          f"seq_len {seq_len}, batch {head[0]['input_ids'].shape[0]}; {args.steps} steps, AdamW lr {args.lr}",
          flush=True)

    losses: list[float] = []
    skipped = 0
    tokens = 0
    start = time.perf_counter()
    for batch in itertools.chain(head, batches):
        if len(losses) == args.steps:
            break
        if int(torch.maximum(batch["input_ids"].max(), batch["labels"].max())) >= vocab_size:
            print(f"train_tiny_bert: error: batch {len(losses) + skipped} holds an id >= {vocab_size} "
                  f"(vocabulary from {vocab_from}): pass the store's vocab.txt with --vocab", file=sys.stderr)
            return 1
        if not bool((batch["labels"] != -100).any()):
            skipped += 1  # nothing to predict: the loss would be NaN
            continue
        loss = model(**batch).loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        value = loss.item()
        if not math.isfinite(value):
            print(f"train_tiny_bert: error: loss is {value} at step {len(losses) + 1}", file=sys.stderr)
            return 1
        losses.append(value)
        tokens += int(batch["attention_mask"].sum())
        step = len(losses)
        if step % args.log_every == 0 or step == args.steps:
            recent = losses[-args.log_every:]
            rate = step / (time.perf_counter() - start)
            print(f"step {step:5d}  loss {value:7.4f}  mean of last {len(recent)} {sum(recent) / len(recent):7.4f}"
                  f"  {rate:6.1f} steps/s", flush=True)
    del batches  # stop reading (and any DataLoader worker); the writer sees EPIPE and ends quietly

    steps = len(losses)
    if steps < args.steps:
        print(f"note: the input ended after {steps} steps (of --steps {args.steps}); judging on those",
              flush=True)
    if skipped:
        print(f"note: skipped {skipped} batches without any predicted token", flush=True)
    if steps < 10:
        print(f"train_tiny_bert: error: only {steps} training steps: too few to tell whether the loss goes "
              "down; give mlmprep more --epochs", file=sys.stderr)
        return 1
    window = min(args.window, steps // 2)
    first = sum(losses[:window]) / window
    last = sum(losses[-window:]) / window
    seconds = time.perf_counter() - start
    print(f"first {window} steps mean loss {first:.4f}  ->  last {window} steps mean loss {last:.4f}  "
          f"({steps} steps, {tokens} tokens, {seconds:.1f} s)", flush=True)
    if not last < first:
        print(f"train_tiny_bert: FAILED: the loss did not go down (first {window} steps {first:.4f}, last "
              f"{window} steps {last:.4f})", file=sys.stderr)
        return 1
    print("ok: the loss went down", flush=True)
    return 0


if __name__ == "__main__":
    try:
        code = main()
    except MLMBError as e:
        print(f"train_tiny_bert: error: bad input: {e}", file=sys.stderr)
        code = 1
    except BrokenPipeError:  # our own stdout was closed (e.g. `| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
