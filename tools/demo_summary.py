"""The summary that tools/demo.sh prints last: what went in, what came out, how fast, and where it is.

Usage: python tools/demo_summary.py OUT_DIR CORPUS_NOTE   (OUT_DIR as tools/demo.sh leaves it)
"""

import json
import sys
from pathlib import Path

from mlmprep_reader import load_manifest
from mlmprep_reader.report_data import pmi_report


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


def main(out: Path, note: str) -> None:
    store, batches = load_manifest(out / "store"), load_manifest(out / "batches")
    sc, bc = store["counts"], batches["counts"]
    text = sc["bytes_read"]
    vocab_lines = (out / "vocab.txt").read_text(encoding="utf-8").count("\n")
    pmi = pmi_report(out / "pmi.table")
    print("\n== summary")
    print(f"corpus      {note}: {text / 1e6:.1f} MB of text, {sc['documents_written']:,} documents, "
          f"{sc['sentences']:,} sentences")
    print(f"vocab       {vocab_lines:,} WordPiece tokens trained by mlmprep vocab")
    print(f"store       {sc['tokens']:,} tokens, {sc['unknown_rate'] * 100:.4f}% [UNK], {sc['records']} records")
    kept = pmi["header"]["kept"]
    print(f"pmi table   {sum(kept):,} n-grams (" + ", ".join(f"n={n + 2}: {k:,}" for n, k in enumerate(kept)) + ")")
    for n, rows in pmi["top"].items():
        print(f"  top {n}-grams: " + "; ".join(f"{w} ({c:,}, {s:.2f})" for w, c, s in rows[:4]))
    print(f"batches     {bc['sequences']:,} sequences of {batches['packing']['seq_len']} in {bc['batches']:,} "
          f"batches; predicted {bc['realised_predict_rate']:.4f}, corrupted {bc['realised_corrupt_rate']:.4f} "
          f"(setting {batches['masking']['predict_rate']:g}); [MASK] {bc['masked_with_mask']:,}, random "
          f"{bc['random_replaced']:,}, kept {bc['kept_but_predicted']:,}")
    print("throughput  MB of text per second (2 threads): " + ", ".join(
        f"{stage} {text / seconds / 1e6:.1f} MB/s ({seconds:.1f} s)" for stage, seconds in stages(out)))
    print(f"output      store {size(out / 'store') / 1e6:.1f} MB, batches {size(out / 'batches') / 1e6:.1f} MB, "
          f"pmi table {size(out / 'pmi.table') / 1e6:.2f} MB, report {size(out / 'report.html') / 1e6:.2f} MB")
    corpus = "corpus/ (the text), " if (out / "corpus").is_dir() else ""
    print(f"where       {out}/: {corpus}vocab.txt + tokenizer.json, store/, pmi.table, batches/, "
          f"stats/ (--stats-json per stage), report.html (open it in a browser: file://{out.resolve()}/report.html)")


def stages(out: Path):
    for stage in ("vocab", "tokenize", "pmi", "mask", "verify"):
        seconds = json.loads((out / "stats" / f"{stage}.json").read_text())["seconds"]
        if seconds > 0:
            yield stage, seconds


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
