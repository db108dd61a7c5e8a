#!/usr/bin/env python3
"""Reference PMI n-gram table for a tokenized store: a plain, independent implementation of the definitions
that `mlmprep pmi` implements (issue "PMI n-gram tables and PMI masking", docs/design.md §3.4), for small corpora.

    reference_pmi.py STORE [-o TABLE.txt|TABLE.zst] [--max-n 5] [--within document|sentence]
                     [--min-count 10] [--size 800000] [--mix 50,25,12.5,12.5] [--score pmi|pmi-freq]
                     [--no-header]
    reference_pmi.py STORE --compare TABLE [settings]     # exit 1 and a diff when TABLE differs

Every n-gram of every length is counted with plain dicts (no pruning), so memory grows with the corpus: use
it on test corpora, not on the 100 MB benchmark corpus (tools/bench/pmi_baseline.py is the pruned one).
With --compare, settings not given on the command line are taken from the table's header, then from the
defaults; settings given explicitly must equal the header's.

Definitions (both sides):
- A word is the ids from one word-start token (flag bit 0) up to the next word-start token or the end of the
  document. Segments: documents (--within document) or sentences (--within sentence: a new segment at every
  token with flag bit 1 and at every document start). N-grams never cross a segment; every word counts.
- count(g): occurrences of the word n-gram g; T_n = sum over segments of max(0, words - n + 1).
- ll(x) = log(count(x)) - log(T_len(x)); best(x) = ll(x) for one word, else
  max(ll(x), max_i best(x[:i]) + best(x[i:])); maxseg(g) = max_i best(g[:i]) + best(g[i:]).
- score pmi = ll(g) - maxseg(g); pmi-freq = 2 ll(g) - maxseg(g).
- Candidates of length n (2..max_n): count >= min_count. q_n = floor(size * mix_n / 100) for n >= 3, q_2 the
  rest. Per length: score descending, count descending, text ascending (Python str order); first q_n kept.
- Word text: the word's vocab tokens concatenated, a leading "##" removed from every token after the first;
  an n-gram's text is its words' texts joined by single spaces.
- Table (zstd text): "# mlmprep.pmi {json}" then "text\\tcount\\tscore\\n" per kept n-gram, n ascending.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mlmprep_reader import iter_documents, load_manifest, load_vocab  # pip install ./tools/python

FORMAT = "mlmprep.pmi"
HEADER_PREFIX = "# " + FORMAT + " "
DEFAULT_MIX = {2: [100], 3: [50, 50], 4: [50, 25, 25], 5: [50, 25, 12.5, 12.5]}
DEFAULTS = {"max_n": 5, "within": "document", "min_count": 10, "size": 800000, "score": "pmi"}
SCORE_TOLERANCE = 1e-9


# ----------------------------------------------------------------------------------------------------
# Settings


@dataclass
class Settings:
    max_n: int = 5
    within: str = "document"
    min_count: int = 10
    size: int = 800000
    mix: list = field(default_factory=lambda: list(DEFAULT_MIX[5]))
    score: str = "pmi"

    def check(self):
        if self.max_n < 2:
            raise ValueError(f"max_n must be at least 2, got {self.max_n}")
        if self.within not in ("document", "sentence"):
            raise ValueError(f"within must be document or sentence, got {self.within!r}")
        if self.min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {self.min_count}")
        if self.size < 0:
            raise ValueError(f"size must not be negative, got {self.size}")
        if self.score not in ("pmi", "pmi-freq"):
            raise ValueError(f"score must be pmi or pmi-freq, got {self.score!r}")
        if len(self.mix) != self.max_n - 1:
            raise ValueError(f"mix needs {self.max_n - 1} numbers (n = 2..{self.max_n}), got {self.mix}")
        if any(m < 0 for m in self.mix) or abs(sum(self.mix) - 100) > 1e-9:
            raise ValueError(f"mix must be non-negative and sum to 100, got {self.mix}")
        return self


def default_mix(max_n: int) -> list:
    if max_n not in DEFAULT_MIX:
        raise ValueError(f"no default mix for max_n {max_n}: give one")
    return list(DEFAULT_MIX[max_n])


def quotas(settings: Settings) -> dict[int, int]:
    """q_n for n = 2..max_n: floor(size * mix_n / 100) for n >= 3, the rest for bigrams."""
    q = {n: math.floor(settings.size * settings.mix[n - 2] / 100) for n in range(3, settings.max_n + 1)}
    q[2] = settings.size - sum(q.values())
    return q


# ----------------------------------------------------------------------------------------------------
# Words and segments


def segments(store, within: str):
    """Yield each segment as a list of words, a word being a tuple of token ids."""
    for ids, flags in iter_documents(store):
        ids, flags = ids.tolist(), flags.tolist()
        segment, word = [], []
        for i, (token, flag) in enumerate(zip(ids, flags)):
            new_segment = i == 0 or (within == "sentence" and flag & 2)
            if new_segment and i > 0:
                segment.append(tuple(word))
                yield segment
                segment, word = [], []
            elif (flag & 1) and word:
                segment.append(tuple(word))
                word = []
            word.append(token)
        if word:
            segment.append(tuple(word))
        if segment:
            yield segment


def word_text(word: tuple, vocab: list[str]) -> str:
    tokens = [vocab[word[0]]]
    for token in word[1:]:
        piece = vocab[token]
        tokens.append(piece[2:] if piece.startswith("##") else piece)
    return "".join(tokens)


# ----------------------------------------------------------------------------------------------------
# Counting, scoring, selection


@dataclass
class Counts:
    """counts[n]: n-gram (tuple of word numbers) -> count; words[k] is word number k as a tuple of ids."""
    max_n: int
    counts: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)
    words: list = field(default_factory=list)


def count_store(store, max_n: int, within: str) -> Counts:
    number: dict[tuple, int] = {}
    result = Counts(max_n, {n: Counter() for n in range(1, max_n + 1)}, {n: 0 for n in range(1, max_n + 1)})
    for segment in segments(store, within):
        seq = []
        for word in segment:
            k = number.get(word)
            if k is None:
                k = number[word] = len(result.words)
                result.words.append(word)
            seq.append(k)
        for n in range(1, max_n + 1):
            positions = len(seq) - n + 1
            if positions <= 0:
                break
            result.totals[n] += positions
            counter = result.counts[n]
            for i in range(positions):
                counter[tuple(seq[i:i + n])] += 1
    return result


class Scorer:
    def __init__(self, counts: dict, totals: dict):
        self.counts, self.totals = counts, totals
        self._ll, self._best = {}, {}

    def ll(self, x: tuple) -> float:
        v = self._ll.get(x)
        if v is None:
            v = self._ll[x] = math.log(self.counts[len(x)][x]) - math.log(self.totals[len(x)])
        return v

    def best(self, x: tuple) -> float:
        v = self._best.get(x)
        if v is None:
            v = self.ll(x) if len(x) == 1 else max(self.ll(x), self.maxseg(x))
            self._best[x] = v
        return v

    def maxseg(self, g: tuple) -> float:
        return max(self.best(g[:i]) + self.best(g[i:]) for i in range(1, len(g)))

    def score(self, g: tuple, kind: str) -> float:
        if kind == "pmi":
            return self.ll(g) - self.maxseg(g)
        return 2 * self.ll(g) - self.maxseg(g)


@dataclass
class Entry:
    n: int
    text: str
    count: int
    score: float

    def line(self) -> str:
        return f"{self.text}\t{self.count}\t{self.score!r}\n"


@dataclass
class Table:
    header: dict
    entries: list  # of Entry, in file order


def select(counts: Counts, settings: Settings, vocab: list[str], vocab_sha256: str = "") -> Table:
    """Score and select from counts (which must hold at least every n-gram with count >= min_count)."""
    settings.check()
    scorer = Scorer(counts.counts, counts.totals)
    q = quotas(settings)
    texts: dict[int, str] = {}

    def text(g):
        parts = []
        for k in g:
            t = texts.get(k)
            if t is None:
                t = texts[k] = word_text(counts.words[k], vocab)
            parts.append(t)
        return " ".join(parts)

    candidates, kept, entries = [], [], []
    for n in range(1, settings.max_n + 1):
        frequent = [(g, c) for g, c in counts.counts[n].items() if c >= settings.min_count]
        candidates.append(len(frequent))
        if n == 1:
            continue
        ranked = sorted(((scorer.score(g, settings.score), c, text(g)) for g, c in frequent),
                        key=lambda e: (-e[0], -e[1], e[2]))
        chosen = ranked[:max(0, q[n])]
        kept.append(len(chosen))
        entries.extend(Entry(n, t, c, s) for s, c, t in chosen)
    header = {
        "format": FORMAT, "version": 1, "score": settings.score, "max_n": settings.max_n,
        "within": settings.within, "min_count": settings.min_count, "size": settings.size,
        "mix": settings.mix, "vocab_sha256": vocab_sha256,
        "totals": [counts.totals[n] for n in range(1, settings.max_n + 1)],
        "candidates": candidates, "kept": kept,
    }
    return Table(header, entries)


def store_vocab_sha256(store) -> str:
    return hashlib.sha256((Path(store) / "vocab.txt").read_bytes()).hexdigest()


def reference_table(store, settings: Settings) -> Table:
    counts = count_store(store, settings.max_n, settings.within)
    return select(counts, settings, load_vocab(store), store_vocab_sha256(store))


def table_text(table: Table, header: bool = True) -> str:
    out = io.StringIO()
    if header:
        out.write(HEADER_PREFIX + json.dumps(table.header, ensure_ascii=False, separators=(",", ":")) + "\n")
    for e in table.entries:
        out.write(e.line())
    return out.getvalue()


# ----------------------------------------------------------------------------------------------------
# Reading and comparing an mlmprep table


class TableFormatError(Exception):
    pass


def read_table(path) -> Table:
    """Parse an mlmprep PMI table (zstd-compressed text). Raises TableFormatError on a malformed file."""
    import zstandard

    raw = Path(path).read_bytes()
    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw), read_across_frames=True) as r:
            data = r.read()
    except zstandard.ZstdError as e:
        raise TableFormatError(f"{path}: not a zstd file: {e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TableFormatError(f"{path}: not UTF-8: {e}") from None
    if text and not text.endswith("\n"):
        raise TableFormatError(f"{path}: the last line does not end with a newline")
    lines = text.split("\n")[:-1]
    if not lines or not lines[0].startswith(HEADER_PREFIX):
        raise TableFormatError(f"{path}: line 1 does not start with {HEADER_PREFIX!r}: {lines[:1]!r}")
    try:
        header = json.loads(lines[0][len(HEADER_PREFIX):])
    except ValueError as e:
        raise TableFormatError(f"{path}: line 1 is not '# mlmprep.pmi' + one JSON object: {e}") from None
    if not isinstance(header, dict):
        raise TableFormatError(f"{path}: the header is not a JSON object")
    entries = []
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) != 3:
            raise TableFormatError(f"{path}:{number}: expected text<TAB>count<TAB>score, got {line!r}")
        t, c, s = parts
        try:
            count, score = int(c), float(s)
        except ValueError:
            raise TableFormatError(f"{path}:{number}: bad count or score in {line!r}") from None
        if str(count) != c:
            raise TableFormatError(f"{path}:{number}: count {c!r} is not a plain decimal integer")
        entries.append(Entry(t.count(" ") + 1, t, count, score))
        entries[-1].score_text = s
    return Table(header, entries)


def _significant_digits(s: str) -> int:
    mantissa = s.lower().split("e")[0].lstrip("+-").replace(".", "").lstrip("0").rstrip("0")
    return len(mantissa)


def compare(ref: Table, got: Table, limit: int = 10) -> list[str]:
    """Differences between the reference table and mlmprep's (empty when they agree)."""
    problems = []
    h, r = got.header, ref.header
    for key in ("format", "version", "score", "max_n", "within", "min_count", "size", "vocab_sha256",
                "totals", "candidates", "kept"):
        if key not in h:
            problems.append(f"header: key {key!r} is missing (reference: {r[key]!r})")
        elif h[key] != r[key]:
            problems.append(f"header: {key} = {h[key]!r}, reference {r[key]!r}")
    if "mix" not in h:
        problems.append("header: key 'mix' is missing")
    elif (not isinstance(h["mix"], list) or len(h["mix"]) != len(r["mix"])
          or any(abs(float(a) - float(b)) > 1e-12 for a, b in zip(h["mix"], r["mix"]))):
        problems.append(f"header: mix = {h['mix']!r}, reference {r['mix']!r}")

    def show(e):
        return "-" if e is None else f"n={e.n} {e.text!r} count {e.count} score {e.score!r}"

    mismatches = 0
    for i in range(max(len(ref.entries), len(got.entries))):
        a = ref.entries[i] if i < len(ref.entries) else None
        b = got.entries[i] if i < len(got.entries) else None
        if a is not None and b is not None and a.text == b.text and a.count == b.count \
                and abs(a.score - b.score) <= SCORE_TOLERANCE:
            continue
        mismatches += 1
        if mismatches <= limit:
            problems.append(f"entry {i} (table line {i + 2}): mlmprep {show(b)}\n"
                            f"{'':{len(str(i)) + 24}}reference {show(a)}")
    if mismatches > limit:
        problems.append(f"... {mismatches - limit} more entries differ ({mismatches} in all)")
    if mismatches:
        for n in range(2, ref.header["max_n"] + 1):
            rl = [(e.text, e.count) for e in ref.entries if e.n == n]
            gl = [(e.text, e.count) for e in got.entries if e.n == n]
            rs, gs = set(rl), set(gl)
            if rl == gl:
                continue
            if rs == gs:
                problems.append(f"n={n}: the same {len(rs)} n-grams and counts, in a different order")
            else:
                problems.append(f"n={n}: {len(gs - rs)} (text, count) pairs only in mlmprep "
                                f"{sorted(gs - rs)[:3]}, {len(rs - gs)} only in the reference {sorted(rs - gs)[:3]}")
    long = [e.score_text for e in got.entries
            if hasattr(e, "score_text") and _significant_digits(e.score_text) > _significant_digits(repr(e.score))]
    if long:
        problems.append(f"{len(long)} scores are not printed as the shortest round-trip decimal, e.g. {long[0]!r}")
    return problems


def exact_scores(ref: Table, got: Table) -> int:
    return sum(1 for a, b in zip(ref.entries, got.entries) if a.text == b.text and a.score == b.score)


# ----------------------------------------------------------------------------------------------------
# CLI


def parse_mix(text: str) -> list:
    values = []
    for part in text.split(","):
        v = float(part)
        values.append(int(v) if v.is_integer() and "." not in part else v)
    return values


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", help="a tokenized store (mlmprep tokenize)")
    ap.add_argument("-o", "--output", help="write the reference table here (.zst: compressed; - stdout)")
    ap.add_argument("--compare", metavar="TABLE", help="compare with this mlmprep table; exit 1 if it differs")
    ap.add_argument("--max-n", type=int)
    ap.add_argument("--within", choices=["document", "sentence"])
    ap.add_argument("--min-count", type=int)
    ap.add_argument("--size", type=int)
    ap.add_argument("--mix", type=parse_mix, help="percentages for n = 2..max-n, e.g. 50,25,12.5,12.5")
    ap.add_argument("--score", choices=["pmi", "pmi-freq"])
    ap.add_argument("--no-header", action="store_true", help="write the entries only")
    ap.add_argument("--limit", type=int, default=10, help="differences to show (default 10)")
    args = ap.parse_args(argv)
    if not args.output and not args.compare:
        args.output = "-"

    got = None
    if args.compare:
        try:
            got = read_table(args.compare)
        except (OSError, TableFormatError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    given = {k: getattr(args, k) for k in ("max_n", "within", "min_count", "size", "mix", "score")}
    values = {}
    for key, value in given.items():
        if value is None and got is not None and key in got.header:
            value = got.header[key]
        if value is None:
            value = default_mix(values["max_n"]) if key == "mix" else DEFAULTS[key]
        values[key] = value
    try:
        settings = Settings(**values).check()
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    manifest = load_manifest(args.store)
    digest = store_vocab_sha256(args.store)
    recorded = manifest.get("tokenizer", {}).get("vocab_sha256")
    if recorded != digest:
        print(f"warning: the store's vocab.txt has sha256 {digest}, its manifest says {recorded}", file=sys.stderr)
    ref = reference_table(args.store, settings)

    if args.output:
        text = table_text(ref, header=not args.no_header)
        if args.output == "-":
            sys.stdout.write(text)
        elif args.output.endswith(".zst"):
            import zstandard
            Path(args.output).write_bytes(zstandard.ZstdCompressor(level=3).compress(text.encode("utf-8")))
        else:
            Path(args.output).write_text(text, encoding="utf-8")
    if got is None:
        return 0
    problems = compare(ref, got, args.limit)
    kept = ref.header["kept"]
    summary = (f"{len(ref.entries)} reference entries (kept {kept} for n=2..{settings.max_n}; totals "
               f"{ref.header['totals']}; candidates {ref.header['candidates']}), {len(got.entries)} in {args.compare}")
    if problems:
        print(f"MISMATCH: {summary}", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"OK: {summary}; {exact_scores(ref, got)} scores bit-identical, all within {SCORE_TOLERANCE:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
