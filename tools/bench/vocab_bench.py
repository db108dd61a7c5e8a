#!/usr/bin/env python3
"""Vocabulary-training benchmark: `tokenizers`' WordPieceTrainer against `mlmprep vocab`.

Run through tools/bench/vocab.  Each measurement is a child process under GNU time:

- HF: `BertWordPieceTokenizer(lowercase=...).train([corpus], vocab_size, min_frequency=2,
  limit_alphabet=1000)` in a fresh interpreter with RAYON_NUM_THREADS=N (its thread pool size) and
  TOKENIZERS_PARALLELISM=true; the child times the train call itself (reading, counting, merging).
- mlmprep: the whole command `mlmprep vocab CORPUS -o OUT --size N --threads N --quiet`.

Both vocabularies are compared at the end (count of equal entries; they differ in ids because
tokenizers draws the ##c order at random, see tools/python/tests/test_vocab.py).
MB are 10^6 bytes of the corpus file; RSS is in MiB.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenize_bench import ensure_corpus, ensure_time, find_mlmprep, log, run_measured, show_cmd  # noqa: E402


def hf_child(corpus, size, cased, out):
    from tokenizers import BertWordPieceTokenizer
    tok = BertWordPieceTokenizer(lowercase=not cased)
    t0 = time.perf_counter()
    c0 = time.process_time()
    tok.train([corpus], vocab_size=size, min_frequency=2, limit_alphabet=1000, show_progress=False)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    vocab = sorted(tok.get_vocab().items(), key=lambda item: item[1])
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(token + "\n" for token, _ in vocab))
    import tokenizers
    print(json.dumps({"seconds": seconds, "cpu": cpu, "tokens": len(vocab), "version": tokenizers.__version__}))


def pinned_check(mlmprep, corpus, args, reference):
    """Trains again with the reference's random draw (--alphabet-like) and says whether the files are equal."""
    out = reference + ".pinned"
    argv = [mlmprep, "vocab", corpus, "-o", out, "--size", str(args.vocab_size), "--quiet", "--alphabet-like", reference]
    if args.cased:
        argv.append("--cased")
    if subprocess.run(argv).returncode != 0:
        return "the run with --alphabet-like failed"
    same = open(out, "rb").read() == open(reference, "rb").read()
    return "with tokenizers' draw (--alphabet-like): " + ("identical files" if same else "files DIFFER")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--hf-child":
        _, _, corpus, size, cased, out = sys.argv
        return hf_child(corpus, int(size), cased == "1", out)
    ap = argparse.ArgumentParser(prog="tools/bench/vocab", description="Benchmark tokenizers' trainer against mlmprep vocab.")
    ap.add_argument("--corpus", help="corpus file (default: work-data/corpus/en-debian.txt, built if missing)")
    ap.add_argument("--size-mb", type=float, help="use only the first N MiB of the corpus")
    ap.add_argument("--threads", default="1,2", help="thread counts to measure (default 1,2)")
    ap.add_argument("--vocab-size", type=int, default=30522, help="vocabulary size (default 30522)")
    ap.add_argument("--cased", action="store_true", help="keep case (HF lowercase=False, mlmprep --cased)")
    ap.add_argument("--skip-hf", action="store_true", help="measure mlmprep only")
    ap.add_argument("--skip-mlmprep", action="store_true", help="measure tokenizers only")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    corpus = ensure_corpus(args)
    size = os.path.getsize(corpus)
    mlmprep, error = (None, None) if args.skip_mlmprep else find_mlmprep()
    if error:
        sys.exit(f"error: {error}")
    if not ensure_time():
        log("warning: /usr/bin/time is missing and could not be installed: no peak RSS")
    log(f"corpus  {corpus} ({size / 1e6:.1f} MB), vocab size {args.vocab_size}, "
        f"{'cased' if args.cased else 'uncased'}, load average {os.getloadavg()[0]:.2f}")
    rows = {}
    work = tempfile.mkdtemp(prefix="mlmprep-vocab-bench-")
    for n in threads:
        if not args.skip_hf:
            out = os.path.join(work, f"hf-{n}.txt")
            argv = [sys.executable, os.path.abspath(__file__), "--hf-child", corpus, str(args.vocab_size),
                    "1" if args.cased else "0", out]
            env = {"RAYON_NUM_THREADS": str(n), "TOKENIZERS_PARALLELISM": "true"}
            log(f"$ {show_cmd(argv, env)}")
            wall, code, rss, cpu, stdout, stderr = run_measured(argv, env)
            if code != 0:
                sys.exit(f"error: the tokenizers child failed:\n{stderr.decode()}")
            info = json.loads(stdout.decode().strip().splitlines()[-1])
            rows[("hf", n)] = (info["seconds"], rss, cpu, out)
            log(f"  tokenizers {info['version']}: train {info['seconds']:.2f} s (process {wall:.2f} s), "
                f"{size / 1e6 / info['seconds']:.1f} MB/s, CPU {cpu:.1f} s, peak RSS {rss:.0f} MiB, {info['tokens']} tokens")
        if mlmprep:
            out = os.path.join(work, f"mlmprep-{n}.txt")
            argv = [mlmprep, "vocab", corpus, "-o", out, "--size", str(args.vocab_size), "--threads", str(n), "--quiet"]
            if args.cased:
                argv.append("--cased")
            log(f"$ {show_cmd(argv)}")
            wall, code, rss, cpu, _, stderr = run_measured(argv)
            if code != 0:
                sys.exit(f"error: mlmprep failed:\n{stderr.decode()}")
            tokens = sum(1 for _ in open(out, encoding="utf-8"))
            rows[("mlmprep", n)] = (wall, rss, cpu, out)
            log(f"  mlmprep: {wall:.2f} s, {size / 1e6 / wall:.1f} MB/s, CPU {cpu:.1f} s, peak RSS {rss:.0f} MiB, "
                f"{tokens} tokens")
    log("")
    log(f"{'threads':>7} {'tokenizers s':>13} {'mlmprep s':>10} {'speed-up':>9} {'CPU ratio':>10} {'HF MiB':>8} "
        f"{'mlmprep MiB':>12} {'RSS ratio':>10}")
    for n in threads:
        hf, ours = rows.get(("hf", n)), rows.get(("mlmprep", n))
        if hf and ours:
            log(f"{n:>7} {hf[0]:>13.2f} {ours[0]:>10.2f} {hf[0] / ours[0]:>8.2f}x {hf[2] / ours[2]:>9.2f}x "
                f"{hf[1]:>8.0f} {ours[1]:>12.0f} {ours[1] / hf[1]:>10.2f}")
            a = open(hf[3], encoding="utf-8").read().split("\n")
            b = open(ours[3], encoding="utf-8").read().split("\n")
            log(f"        vocabularies: {len(set(a) & set(b))} tokens in both of {len(a) - 1} / {len(b) - 1}; "
                f"{pinned_check(mlmprep, corpus, args, hf[3])}")
    log("speed-up = tokenizers time / mlmprep time (above 1: mlmprep is faster); CPU ratio = tokenizers CPU "
        "seconds / mlmprep CPU seconds; RSS ratio = mlmprep / tokenizers.")
    log("The machine is shared: figures vary from run to run.")


if __name__ == "__main__":
    main()
