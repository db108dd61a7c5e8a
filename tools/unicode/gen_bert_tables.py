#!/usr/bin/env python3
"""Derive the per-code-point character tables of Hugging Face `tokenizers`'
BertNormalizer / BertPreTokenizer by probing the real library, and write them
into Sources/MLMTokenizer/Normalizers/BertCharacterTables+Data.swift.

The library's character classes come from old Rust crate tables
(unicode_categories, unicode-normalization-alignments) and Rust std, not from
ICU or Python's unicodedata, so nothing here trusts unicodedata: it is only
used as a hint (choice of probe marks) and for the difference report.

Usage:  python tools/unicode/gen_bert_tables.py [--out PATH] [--check]
        (--check: regenerate and compare with the existing file, exit 1 if it differs)

Table format (one record per line, all numbers uppercase hex without 0x):

    # comment
    R START END        removed by clean_text (c == 0, U+FFFD, "control" = crate is_other
                       minus \\t \\n \\r)
    W START END        whitespace as BertPreTokenizer splits on it (Rust char::is_whitespace);
                       clean_text maps these to ' ' unless the code point is also R
                       (R wins: it is checked first)
    V START END        only present if the normalizer's whitespace set is not W minus R
    H START END        "Chinese" code points that handle_chinese_chars surrounds with ' '
    P START END        punctuation per BertPreTokenizer (ASCII punctuation or crate P*)
    M START END        nonspacing marks (crate Mn) dropped by strip_accents after NFD
    D CP CP1 CP2 ...   full canonical decomposition (reference NFD of the single code point);
                       Hangul syllables AC00..D7A3 are NOT listed (standard algorithm)
    C CP CCC           nonzero canonical combining class as the reference NFD reorders
    L CP CP1 ...       per-char lowercase (Rust char::to_lowercase), only where it changes

Range records are maximal merged runs, sorted by START.  Record kinds appear in the
order R W [V] H P M D C L.
"""

import argparse
import datetime
import os
import sys
import time
import unicodedata

import tokenizers
from tokenizers import normalizers, pre_tokenizers

MAX_CP = 0x10FFFF
SURR_LO, SURR_HI = 0xD800, 0xDFFF
HANGUL_S_BASE, HANGUL_S_COUNT = 0xAC00, 11172
HANGUL_L_BASE, HANGUL_V_BASE, HANGUL_T_BASE = 0x1100, 0x1161, 0x11A7
HANGUL_V_COUNT, HANGUL_T_COUNT = 21, 28
HANGUL_N_COUNT = HANGUL_V_COUNT * HANGUL_T_COUNT

# Rust char::is_whitespace == Unicode White_Space (stable since Unicode 4.1).
RUST_WHITESPACE = (
    set(range(0x09, 0x0E)) | {0x20, 0x85, 0xA0, 0x1680} | set(range(0x2000, 0x200B))
    | {0x2028, 0x2029, 0x202F, 0x205F, 0x3000}
)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "Sources", "MLMTokenizer", "Normalizers", "BertCharacterTables+Data.swift")


def all_scalars():
    return [c for c in range(MAX_CP + 1) if not (SURR_LO <= c <= SURR_HI)]


def runs(cps):
    """Sorted code points -> list of maximal inclusive (start, end) runs."""
    out = []
    for c in sorted(cps):
        if out and out[-1][1] + 1 == c:
            out[-1][1] = c
        else:
            out.append([c, c])
    return [tuple(r) for r in out]


def hx(n):
    return "%X" % n


def hangul_nfd(s):
    si = s - HANGUL_S_BASE
    l = HANGUL_L_BASE + si // HANGUL_N_COUNT
    v = HANGUL_V_BASE + (si % HANGUL_N_COUNT) // HANGUL_T_COUNT
    t = HANGUL_T_BASE + si % HANGUL_T_COUNT
    return chr(l) + chr(v) + (chr(t) if t != HANGUL_T_BASE else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="compare with existing file instead of writing")
    args = ap.parse_args()

    t0 = time.time()
    cps = all_scalars()
    log = lambda *a: print(*a, file=sys.stderr, flush=True)

    clean = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    chin = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    strip = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    lower = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True)
    nfd = normalizers.NFD()
    pre = pre_tokenizers.BertPreTokenizer()
    n_clean, n_chin, n_strip, n_lower, n_nfd = (x.normalize_str for x in (clean, chin, strip, lower, nfd))
    pts = pre.pre_tokenize_str

    R, Vn, H, P, Wp, M = set(), set(), set(), set(), set(), set()
    D, L = {}, {}
    nfd_of = {}
    odd_pre = []
    for c in cps:
        ch = chr(c)
        r = n_clean(ch)
        if r == "":
            R.add(c)
        elif r == " ":
            Vn.add(c)
        elif r != ch:
            raise AssertionError("clean_text maps U+%04X to %r" % (c, r))
        r = n_chin(ch)
        if r == " " + ch + " ":
            H.add(c)
        elif r != ch:
            raise AssertionError("handle_chinese_chars maps U+%04X to %r" % (c, r))
        pieces = [p for p, _ in pts("a" + ch + "b")]
        if pieces == ["a", ch, "b"]:
            P.add(c)
        elif pieces == ["a", "b"]:
            Wp.add(c)
        elif pieces != ["a" + ch + "b"]:
            odd_pre.append((c, pieces))
        d = n_nfd(ch)
        if d != ch:
            nfd_of[c] = d
            if not (HANGUL_S_BASE <= c < HANGUL_S_BASE + HANGUL_S_COUNT):
                D[c] = d
        lo = n_lower(ch)
        if lo != ch:
            L[c] = lo
    log("pass 1 (clean/chinese/pre-tokenizer/NFD/lower): %.1fs" % (time.time() - t0))
    assert not odd_pre, "unexpected pre-tokenizer splits: %r" % odd_pre[:10]

    # --- whitespace sets -------------------------------------------------------------
    assert Wp == RUST_WHITESPACE, "pre-tokenizer whitespace != Rust char::is_whitespace: %s" % (
        sorted(hx(c) for c in Wp ^ RUST_WHITESPACE))
    assert 0x20 in Vn
    emit_V = Vn != (Wp - R)
    log("whitespace: pre-tokenizer set == Rust is_whitespace (%d cps); normalizer ' '-set has %d cps;"
        " W∩R = %s; normalizer set %s W minus R"
        % (len(Wp), len(Vn), " ".join("U+%04X" % c for c in sorted(Wp & R)), "!=" if emit_V else "=="))

    # --- Hangul -------------------------------------------------------------------------
    for s in range(HANGUL_S_BASE, HANGUL_S_BASE + HANGUL_S_COUNT):
        assert nfd_of.get(s) == hangul_nfd(s), "Hangul U+%04X: %r" % (s, nfd_of.get(s))
    log("Hangul: all %d syllables decompose algorithmically" % HANGUL_S_COUNT)

    # D outputs must be NFD-stable (so one lookup is a full decomposition)
    for c, d in nfd_of.items():
        for x in d:
            assert ord(x) not in nfd_of, "NFD(U+%04X) contains decomposable U+%04X" % (c, ord(x))

    # --- nonspacing marks -----------------------------------------------------------------
    t1 = time.time()
    for c in cps:
        if c in nfd_of:
            continue
        if n_strip(chr(c)) == "":
            M.add(c)
    bad = []
    for c in cps:
        ch = chr(c)
        exp = "".join(x for x in nfd_of.get(c, ch) if ord(x) not in M)
        if n_strip(ch) != exp:
            bad.append(c)
    assert not bad, "strip != NFD minus M for %s" % [hx(c) for c in bad[:20]]
    log("marks: %d M code points; strip(c) == NFD(c) minus M verified for all (%.1fs)" % (len(M), time.time() - t1))

    # --- canonical combining classes --------------------------------------------------------
    t1 = time.time()
    stable = [c for c in cps if c not in nfd_of]
    M_HI, M_LO = "\u0345", "\u0334"  # ccc 240 and ccc 1 (both from Unicode 1.1)
    nonzero = set()
    for c in stable:
        ch = chr(c)
        s1 = M_HI + ch
        s2 = ch + M_LO
        if n_nfd(s1) != s1 or n_nfd(s2) != s2:
            nonzero.add(c)
    for m in (0x345, 0x334):
        nonzero.add(m)  # they swap with each other: 345+334 -> 334+345
    assert n_nfd(M_HI + M_LO) == M_LO + M_HI

    def swaps(a, b):
        s = chr(a) + chr(b)
        r = n_nfd(s)
        if r == s:
            return False
        assert r == chr(b) + chr(a), (hx(a), hx(b), r)
        return True

    # representatives: lowest code point per Python ccc value among the reference's nonzero set
    reps = {}
    for c in sorted(nonzero):
        v = unicodedata.combining(chr(c))
        if v and v not in reps:
            reps[v] = c
    rep_items = sorted(reps.items())
    for i, (va, a) in enumerate(rep_items):
        for vb, b in rep_items[i + 1:]:
            assert swaps(b, a) and not swaps(a, b), "reps U+%04X(%d) U+%04X(%d) inconsistent" % (a, va, b, vb)
    CCC = {}
    between = []
    for c in sorted(nonzero):
        lo_bound, hi_bound, eq = 0, 256, None
        for v, r in rep_items:
            gt, lt = swaps(c, r), swaps(r, c)
            assert not (gt and lt)
            if gt:
                lo_bound = max(lo_bound, v)
            elif lt:
                hi_bound = min(hi_bound, v)
            else:
                eq = v if eq is None else eq
                if eq != v:
                    raise AssertionError("U+%04X ties with two classes" % c)
        if eq is not None:
            assert lo_bound < eq < hi_bound
            CCC[c] = eq
        else:
            between.append((c, lo_bound, hi_bound))
    assert not between, "ccc strictly between representative classes: %r" % between
    py_nonzero = {c for c in cps if unicodedata.combining(chr(c))}
    only_ref = sorted(c for c in CCC if c not in py_nonzero)
    only_py = sorted(c for c in py_nonzero if c not in CCC)
    val_diff = sorted(c for c in CCC if c in py_nonzero and unicodedata.combining(chr(c)) != CCC[c])
    log("ccc: %d nonzero in reference (%.1fs); Python unicodedata %s has %d; only-reference %d, "
        "only-Python %d (of which %d decompose in reference), value differences %d"
        % (len(CCC), time.time() - t1, unicodedata.unidata_version, len(py_nonzero), len(only_ref), len(only_py),
           sum(1 for c in only_py if c in nfd_of), len(val_diff)))
    if only_ref:
        log("  only-reference ccc: " + " ".join("U+%04X" % c for c in only_ref[:40]))
    if val_diff:
        log("  value differences: " + " ".join("U+%04X" % c for c in val_diff[:40]))

    # --- sanity: properties of lowercase output ---------------------------------------------------
    lower_out = {ord(x) for v in L.values() for x in v}
    log("lowercase: %d changed, %d expand to >1 char; outputs in P: %d, W: %d, R: %d, M: %d, D: %d, H: %d"
        % (len(L), sum(1 for v in L.values() if len(v) > 1),
           len(lower_out & P), len(lower_out & Wp), len(lower_out & R), len(lower_out & M),
           len([c for c in lower_out if c in nfd_of]), len(lower_out & H)))
    d_out = {ord(x) for v in nfd_of.values() for x in v}
    log("NFD outputs: in P: %d (from non-P inputs: %s), W: %d, R: %d, H: %d (from non-H inputs: %d)"
        % (len(d_out & P), " ".join("U+%04X" % c for c, v in sorted(nfd_of.items())
                                     if c not in P and any(ord(x) in P for x in v)),
           len(d_out & Wp), len(d_out & R),
           len(d_out & H), sum(1 for c, v in nfd_of.items() if c not in H and any(ord(x) in H for x in v))))

    # python comparison report for other sets
    def cat_set(pred):
        return {c for c in cps if pred(unicodedata.category(chr(c)))}
    py_mn = cat_set(lambda k: k == "Mn")
    py_p = cat_set(lambda k: k[0] == "P") | {c for c in range(0x80) if chr(c) in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"}
    log("vs Python unicodedata %s: M %d/%d (only-ref %d, only-py %d); P %d/%d (only-ref %d, only-py %d); "
        "D %d/%d differ" % (
            unicodedata.unidata_version, len(M), len(py_mn), len(M - py_mn), len(py_mn - M),
            len(P), len(py_p), len(P - py_p), len(py_p - P),
            sum(1 for c in cps if unicodedata.normalize("NFD", chr(c)) != nfd_of.get(c, chr(c))),
            len(nfd_of)))

    # --- emit -------------------------------------------------------------------------------
    lines = [
        "# BertNormalizer/BertPreTokenizer character tables probed from Hugging Face tokenizers %s"
        % tokenizers.__version__,
        "# generated %s by tools/unicode/gen_bert_tables.py; numbers are uppercase hex"
        % datetime.date.today().isoformat(),
        "# R/W/H/P/M START END = inclusive ranges; D CP DECOMP...; C CP CCC; L CP LOWER...",
        "# Hangul syllables AC00-D7A3 decompose algorithmically and are not listed under D",
    ]
    range_sets = [("R", R), ("W", Wp)] + ([("V", Vn)] if emit_V else []) + [("H", H), ("P", P), ("M", M)]
    counts = {}
    for k, s in range_sets:
        rs = runs(s)
        counts[k] = (len(rs), len(s))
        lines += ["%s %s %s" % (k, hx(a), hx(b)) for a, b in rs]
    for c in sorted(D):
        lines.append("D %s %s" % (hx(c), " ".join(hx(ord(x)) for x in D[c])))
    for c in sorted(CCC):
        lines.append("C %s %s" % (hx(c), hx(CCC[c])))
    for c in sorted(L):
        lines.append("L %s %s" % (hx(c), " ".join(hx(ord(x)) for x in L[c])))
    counts["D"], counts["C"], counts["L"] = len(D), len(CCC), len(L)

    swift = (
        "// Generated by tools/unicode/gen_bert_tables.py from Hugging Face tokenizers %s. Do not edit.\n"
        "\n"
        "extension BertCharacterTables {\n"
        "    /// The probed character tables, one record per line (see tools/unicode/gen_bert_tables.py for the format).\n"
        "    static let generatedData: String = #\"\"\"\n" % tokenizers.__version__
        + "".join("    " + l + "\n" for l in lines)
        + "    \"\"\"#\n}\n"
    )
    if emit_V:
        log("NOTE: emitted V records (normalizer whitespace set differs from W minus R)")
    for k, v in counts.items():
        print("%s: %s" % (k, "%d runs / %d code points" % v if isinstance(v, tuple) else "%d records" % v))
    if args.check:
        old = open(args.out, encoding="utf-8").read()
        strip_date = lambda s: "\n".join(l for l in s.splitlines() if "# generated " not in l)
        same = strip_date(old) == strip_date(swift)
        print("check: %s" % ("identical (ignoring date)" if same else "DIFFERENT"))
        sys.exit(0 if same else 1)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(swift)
    print("wrote %s (%d lines, %d bytes) in %.1fs" % (args.out, len(lines), len(swift.encode()), time.time() - t0))


if __name__ == "__main__":
    main()
