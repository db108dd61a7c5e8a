#!/usr/bin/env python3
"""Tokenization benchmark: Hugging Face `tokenizers` against `mlmprep tokenize`.

Run through tools/bench/tokenize.  Each measurement runs in its own child
process so that its thread count is fixed before any thread pool starts, and
under GNU time (/usr/bin/time, package `time`, installed if missing) for its
own peak RSS and CPU time:

- HF: the child reads the corpus as BERT does (`split("\\n")`, blank lines end
  documents and are not encoded), then times only
  `Tokenizer.encode_batch_fast(batch, add_special_tokens=False)` over batches of
  lines.  Threads: RAYON_NUM_THREADS=N (rayon reads it when its global pool is
  built, i.e. at the first parallel call, so it must be in the child's
  environment from the start) with TOKENIZERS_PARALLELISM=true (with "false",
  tokenizers would encode every batch serially whatever N is).  The child also
  reports CPU time / wall time of the encode loop, which shows how many cores
  were really busy.
- mlmprep: wall time of the whole command `mlmprep tokenize CORPUS --vocab V
  -o TMPDIR --threads N --quiet --overwrite` (reading, tokenizing, writing
  zstd shards); its token count is manifest.json -> counts.tokens.

MB are 10^6 bytes of the corpus file; RSS is in MiB.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(REPO, "work-data")
MIB = 1024 * 1024


def log(msg=""):
    print(msg, flush=True)


def show_cmd(argv, env=None):
    pre = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
    return (pre + " " if pre else "") + " ".join(shlex.quote(a) for a in argv)


# --------------------------------------------------------------------------
# HF child: runs in a fresh interpreter with RAYON_NUM_THREADS set
# --------------------------------------------------------------------------

def hf_child(corpus, vocab, batch_lines, cased):
    from tokenizers import BertWordPieceTokenizer
    tok = BertWordPieceTokenizer(vocab, lowercase=not cased)._tokenizer
    t_read = time.perf_counter()
    with open(corpus, "r", encoding="utf-8", errors="replace", newline="") as f:
        data = f.read()
    # BERT's create_pretraining_data: one sentence per line, a blank line ends
    # a document and is not tokenized.
    lines = [l for l in data.split("\n") if l.strip()]
    nbytes = len(data.encode("utf-8"))
    del data
    t_read = time.perf_counter() - t_read
    batches = [lines[i:i + batch_lines] for i in range(0, len(lines), batch_lines)]
    tok.encode_batch_fast(["Warm up the thread pool before timing."] * 64, add_special_tokens=False)
    tokens = 0
    seconds = 0.0
    cpu = 0.0
    for b in batches:
        c0 = time.process_time()  # CPU time of all threads of this process
        t0 = time.perf_counter()
        encs = tok.encode_batch_fast(b, add_special_tokens=False)
        seconds += time.perf_counter() - t0
        cpu += time.process_time() - c0
        tokens += sum(len(e) for e in encs)  # not timed
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else -1
    import tokenizers
    print(json.dumps({
        "seconds": seconds, "tokens": tokens, "lines": len(lines), "bytes": nbytes,
        "read_seconds": t_read, "cpu_per_wall": cpu / seconds if seconds else 0.0,
        "os_threads": threads, "version": tokenizers.__version__,
    }))
    return 0


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

TIME_BIN = "/usr/bin/time"


def ensure_time():
    """GNU time measures a child's own peak RSS.  (os.wait4 on a child spawned
    from this process would report at least this process's own peak: Linux
    keeps the RSS high-water mark across fork and exec.)"""
    if os.access(TIME_BIN, os.X_OK):
        return True
    sudo = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
    if sudo is None:
        return False
    log("installing GNU time (package `time`) for peak-RSS measurements ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = sudo + ["apt-get", "install", "-y", "-q", "time"]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(sudo + ["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
    return os.access(TIME_BIN, os.X_OK)


def run_measured(argv, env=None):
    """Run argv under GNU time.  Returns (wall seconds, exit code, peak RSS MiB
    or None, CPU seconds (user + system) or None, stdout bytes, stderr bytes)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        cmd = ([TIME_BIN, "-f", "%M %U %S", "-o", tf.name] + argv) if os.access(TIME_BIN, os.X_OK) else argv
        t0 = time.perf_counter()
        p = subprocess.run(cmd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        rss = cpu = None
        try:
            m, u, s = open(tf.name).read().strip().splitlines()[-1].split()
            rss, cpu = int(m) / 1024.0, float(u) + float(s)
        except (OSError, ValueError, IndexError):
            pass
    return wall, p.returncode, rss, cpu, p.stdout, p.stderr


def ensure_corpus(args):
    if args.corpus:
        corpus = os.path.abspath(args.corpus)
        if not os.path.isfile(corpus):
            sys.exit(f"error: corpus {corpus} not found")
    else:
        corpus = os.path.join(WORK, "corpus", "en-debian.txt")
        if not os.path.isfile(corpus):
            cmd = [os.path.join(REPO, "tools", "corpus", "build_debian_corpus.sh"), os.path.dirname(corpus)]
            log(f"building the corpus: {show_cmd(cmd)}")
            r = subprocess.run(cmd)
            if r.returncode != 0 or not os.path.isfile(corpus):
                sys.exit("error: the corpus build failed")
    if args.size_mb:
        want = int(args.size_mb * MIB)
        if os.path.getsize(corpus) > want:
            base = os.path.splitext(os.path.basename(corpus))[0]
            cut = os.path.join(WORK, "corpus", f"{base}.first{args.size_mb:g}mb.txt")
            if not (os.path.isfile(cut) and os.path.getmtime(cut) >= os.path.getmtime(corpus)):
                os.makedirs(os.path.dirname(cut), exist_ok=True)
                # first N MiB, cut at the next document boundary (blank line)
                with open(corpus, "rb") as fi, open(cut + ".tmp", "wb") as fo:
                    n = 0
                    for line in fi:
                        if n >= want and line.strip() == b"":
                            break
                        fo.write(line)
                        n += len(line)
                os.replace(cut + ".tmp", cut)
                log(f"wrote the first {args.size_mb:g} MiB of {corpus} to {cut}")
            corpus = cut
    return corpus


def ensure_vocab(args, corpus_full):
    if args.vocab:
        v = os.path.abspath(args.vocab)
        if not os.path.isfile(v):
            sys.exit(f"error: vocab {v} not found")
        return v
    name = "en-debian-wordpiece-30522" + ("-cased" if args.cased else "")
    vdir = os.path.join(WORK, "vocab")
    v = os.path.join(vdir, f"{name}-vocab.txt")
    if os.path.isfile(v):
        return v
    try:
        from tokenizers import BertWordPieceTokenizer
    except ImportError:
        sys.exit(f"error: no vocab given and `tokenizers` is not importable with {sys.executable} "
                 "(set PYTHON, or pass --vocab)")
    os.makedirs(vdir, exist_ok=True)
    limit = 20 * 1000 * 1000
    lines = []
    n = 0
    with open(corpus_full, "r", encoding="utf-8", errors="replace") as f:
        for line in f:
            n += len(line.encode("utf-8"))
            if n > limit:
                break
            if line.strip():
                lines.append(line)
    log(f"training a WordPiece vocab (30522, {'cased' if args.cased else 'uncased'}) "
        f"on the first 20 MB of {corpus_full} ({len(lines)} lines) ...")
    t0 = time.perf_counter()
    tok = BertWordPieceTokenizer(lowercase=not args.cased)
    tok.train_from_iterator(lines, vocab_size=30522, min_frequency=2, show_progress=False)
    tok.save_model(vdir, name)
    log(f"  saved {v} in {time.perf_counter() - t0:.0f} s")
    return v


def find_mlmprep():
    explicit = os.environ.get("MLMPREP_BIN")
    if explicit:
        b = explicit if os.path.isabs(explicit) else os.path.join(REPO, explicit)
        if not (os.path.isfile(b) and os.access(b, os.X_OK)):
            return None, f"MLMPREP_BIN={explicit} is not an executable file"
        return b, None
    b = os.path.join(REPO, ".build", "release", "mlmprep")
    if os.path.isfile(b) and os.access(b, os.X_OK):
        return b, None
    if not shutil.which("swift"):
        return None, f"{b} does not exist and there is no `swift` on PATH to build it"
    log(f"{b} is missing: swift build -c release (in {REPO}) ...")
    r = subprocess.run(["swift", "build", "-c", "release", "--product", "mlmprep"], cwd=REPO)
    if r.returncode != 0 or not os.path.isfile(b):
        return None, f"`swift build -c release` failed; {b} does not exist"
    return b, None


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--hf-child":
        _, _, corpus, vocab, batch, cased = sys.argv
        return hf_child(corpus, vocab, int(batch), cased == "1")

    ap = argparse.ArgumentParser(prog="tools/bench/tokenize",
                                 description="Benchmark HF tokenizers against mlmprep tokenize.")
    ap.add_argument("--corpus", help="corpus file (default: work-data/corpus/en-debian.txt, built if missing)")
    ap.add_argument("--vocab", help="vocab.txt (default: trained on the first 20 MB of the corpus, "
                                    "kept in work-data/vocab/)")
    ap.add_argument("--size-mb", type=float, help="use only the first N MiB of the corpus "
                                                  "(a copy is written under work-data/corpus/)")
    ap.add_argument("--threads", default="1,2", help="thread counts to measure (default 1,2)")
    ap.add_argument("--batch-lines", type=int, default=1000, help="lines per encode_batch_fast call (default 1000)")
    ap.add_argument("--cased", action="store_true", help="keep case (HF lowercase=False, mlmprep --cased)")
    ap.add_argument("--skip-hf", action="store_true", help="measure mlmprep only")
    ap.add_argument("--skip-mlmprep", action="store_true", help="measure HF tokenizers only")
    ap.add_argument("--keep-output", action="store_true", help="keep mlmprep's output store")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",") if t.strip()]

    corpus_full = os.path.abspath(args.corpus) if args.corpus else os.path.join(WORK, "corpus", "en-debian.txt")
    corpus = ensure_corpus(args)
    vocab = ensure_vocab(args, corpus_full)
    size = os.path.getsize(corpus)

    mlmprep, mlmprep_error = (None, None)
    if not args.skip_mlmprep:
        mlmprep, mlmprep_error = find_mlmprep()

    if not ensure_time():
        log(f"warning: {TIME_BIN} is missing and could not be installed: no peak RSS")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    log(f"corpus  {corpus} ({size / 1e6:.1f} MB)")
    log(f"vocab   {vocab}")
    log(f"python  {sys.executable}; cores {os.cpu_count()}; load average {load:.2f}")
    if load > 0.5:
        log(f"WARNING: the machine is busy (load {load:.2f}); timings will be noisy")

    rows = []  # dicts: tool, threads, seconds, tokens, rss, note
    failed = False

    if not args.skip_hf:
        for t in threads:
            env = {"RAYON_NUM_THREADS": str(t), "TOKENIZERS_PARALLELISM": "true"}
            argv = [sys.executable, os.path.abspath(__file__), "--hf-child", corpus, vocab,
                    str(args.batch_lines), "1" if args.cased else "0"]
            log(f"\n$ {show_cmd(argv, env)}")
            wall, code, rss, _, out, err = run_measured(argv, env)
            if code != 0:
                log(err.decode("utf-8", "replace")[-3000:])
                log(f"error: the HF run failed (exit {code})")
                failed = True
                continue
            r = json.loads(out.decode().strip().splitlines()[-1])
            log(f"  tokenizers {r['version']}: {r['lines']} lines, {r['tokens']} tokens; encode "
                f"{r['seconds']:.2f} s (read {r['read_seconds']:.2f} s, not timed); "
                f"CPU/wall during encode {r['cpu_per_wall']:.2f}; {r['os_threads']} OS threads")
            rows.append({"tool": "hf-tokenizers", "threads": t, "seconds": r["seconds"],
                         "tokens": r["tokens"], "rss": rss, "cpu": r["cpu_per_wall"] * r["seconds"]})

    if not args.skip_mlmprep:
        if mlmprep is None:
            log(f"\nerror: cannot run mlmprep: {mlmprep_error}")
            failed = True
        else:
            for t in threads:
                outdir = tempfile.mkdtemp(prefix=f"mlmprep-bench-t{t}-")
                argv = [mlmprep, "tokenize", corpus, "--vocab", vocab, "-o", outdir,
                        "--threads", str(t), "--quiet", "--overwrite"] + (["--cased"] if args.cased else [])
                log(f"\n$ {show_cmd(argv)}")
                wall, code, rss, cpu, out, err = run_measured(argv)
                if code != 0:
                    log(err.decode("utf-8", "replace")[-3000:])
                    log(f"error: mlmprep failed (exit {code})")
                    failed = True
                    shutil.rmtree(outdir, ignore_errors=True)
                    continue
                tokens = None
                try:
                    with open(os.path.join(outdir, "manifest.json")) as f:
                        tokens = json.load(f)["counts"]["tokens"]
                except (OSError, ValueError, KeyError, TypeError) as e:
                    log(f"  warning: no counts.tokens in {outdir}/manifest.json ({e})")
                store = sum(os.path.getsize(os.path.join(dp, n)) for dp, _, fs in os.walk(outdir) for n in fs)
                log(f"  {tokens} tokens; wall {wall:.2f} s; store {store / 1e6:.1f} MB"
                    + (f" (kept in {outdir})" if args.keep_output else ""))
                if not args.keep_output:
                    shutil.rmtree(outdir, ignore_errors=True)
                rows.append({"tool": "mlmprep", "threads": t, "seconds": wall, "tokens": tokens,
                             "rss": rss, "cpu": cpu})

    if rows:
        log("")
        log(f"{'tool':14s} {'threads':>7s} {'seconds':>9s} {'MB/s':>8s} {'tokens/s':>12s} "
            f"{'peak RSS MiB':>13s} {'CPU s':>7s} {'MB/CPU-s':>8s} {'tokens':>12s}")
        for r in rows:
            tps = r["tokens"] / r["seconds"] if r["tokens"] and r["seconds"] else 0
            rss = f"{r['rss']:.1f}" if r["rss"] is not None else "?"
            tokens = str(r["tokens"]) if r["tokens"] is not None else "?"
            cpu = f"{r['cpu']:.2f}" if r["cpu"] else "?"
            per_cpu = f"{size / 1e6 / r['cpu']:.2f}" if r["cpu"] else "?"
            log(f"{r['tool']:14s} {r['threads']:7d} {r['seconds']:9.2f} {size / 1e6 / r['seconds']:8.2f} "
                f"{tps:12,.0f} {rss:>13s} {cpu:>7s} {per_cpu:>8s} {tokens:>12s}")
        log("(HF: encode_batch_fast time only, corpus already in memory; mlmprep: whole command incl. "
            "reading and writing zstd shards.  CPU s = user + system CPU time of that span; "
            "MB/CPU-s is less sensitive to other load on the machine than MB/s)")
        by = {(r["tool"], r["threads"]): r for r in rows}
        for t in threads:
            h, m = by.get(("hf-tokenizers", t)), by.get(("mlmprep", t))
            if h and m:
                log(f"threads {t}: mlmprep/HF speed ratio {h['seconds'] / m['seconds']:.2f} "
                    f"(>1: mlmprep faster); tokens HF {h['tokens']} mlmprep {m['tokens']}")
                if h["tokens"] != m["tokens"]:
                    log(f"WARNING: token counts differ at {t} thread(s): HF {h['tokens']} vs "
                        f"mlmprep {m['tokens']} (diff {(m['tokens'] or 0) - h['tokens']:+d})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
