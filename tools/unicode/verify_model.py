#!/usr/bin/env python3
"""Verify tools/unicode/model_tokenizer.py (tables parsed from the Swift data file) against
the real Hugging Face `tokenizers.BertWordPieceTokenizer(vocab, lowercase=.., strip_accents=..)`.

Inputs, in every mode lowercase in {True, False} x strip_accents in {True, False}:
  (a) every Unicode scalar value c (surrogates excluded), as chr(c) alone and as "x"+chr(c)+"y";
  (b) N random strings (default 200000, --quick 20000) mixing ASCII words, multilingual
      words, random code points from all planes, combining-mark sequences interleaved with
      removed (R) / whitespace / ccc-0 mark / CJK chars, controls, CJK, Hangul syllables and
      jamo, emoji ZWJ/VS sequences, punctuation, special-token strings and near misses, words
      around the 100-char limit (counted after normalization);
  (c) DIRECTED: hand-picked cases for the subtle points.
Compared: the ids of encode(text, add_special_tokens=False), and (vocab independent) the
words after normalization + pre-tokenization (for (a): the normalized string; see
check_batched).  strip_accents=None modes: the model runs on 10% of (a) and (b) plus all of
(c), and the reference's None tokenizer is checked against its explicit
strip_accents=lowercase tokenizer's normalizer on all inputs.

The vocab (8000 tokens) is trained once with BertWordPieceTokenizer().train_from_iterator on
generated multilingual text and cached in --workdir.  Mismatches are printed (ascii repr of
the input, reference and model results, first 8 per mode) and the exit status is 1.

Usage: python tools/unicode/verify_model.py [--quick] [--n N] [--seed S] [--jobs J]
                                             [--workdir DIR] [--tables SWIFT_FILE]
Runtime (2 cores, 2 worker processes): ~2.5 min CPU-bound (~250 s CPU), --quick ~30 s.
"""

import argparse
import gc
import os
import random
import sys
import time
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model_tokenizer as mt  # noqa: E402

import tokenizers  # noqa: E402
from tokenizers import BertWordPieceTokenizer, normalizers  # noqa: E402

MODES = [(True, True), (True, False), (False, True), (False, False), (True, None), (False, None)]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# hand-picked cases for the subtle points (checked in every mode, words and ids)
DIRECTED = [
    "x\U0001E000\u302E",            # two kept (non-M) marks, ccc 230 then 224: reordered under strip
    "x\U0001E000\u200B\u302E",      # ... across a removed (R) char: still reordered (R goes before NFD)
    "x\U0001E000\x00\u302E",
    "x\U0001E000\u00AD\u302E",
    "x\U0001E000 \u302E",            # ... across whitespace: not reordered (' ' has ccc 0)
    "x\U0001E000\u034F\u302E",      # ... across a ccc-0 M char (CGJ): not reordered, CGJ then dropped
    "x\U0001E000\uFE0F\u302E",      # ... across VS16 (ccc 0, M)
    "x\u302E\u0301\U0001E000",      # nonzero-ccc M char inside the run
    "x\U0001E000\u4E00\u302E",      # ... across a CJK char (spaces inserted)
    "x\u0F73\u0F71", "\u0344\u0316a", "a\u0301\u0316\U0001D16D\U0001D165",
    "a\u2260b", "a\u226Eb", "a\u226Fb", "a\u1FEFb", "a\u037Eb", "a\u0387b",  # NFD creates punctuation
    "\u0130stanbul", "\u212A\u212B\u2126", "a\uF900b\U0002F800c", "\uD55C\uAE00",
    "\u039F\u0394\u039F\u03A3", "\u13A0\uAB70",
    "a\x85b", "a\x0bb", "a\x0cb", "a\x1cb", "a\ufffdb", "a\U000E0001b", "a\U000E0002b", "a\u0378b",
    "a\uFFFEb\uFFFF", "a\u2028b\u2029c\u3000d\u00A0e\u1680f\u202Fg\u205Fh",
    "[CLS]a[SEP]", "[cls]", "x[MASK]\u0301", "\u0301[SEP]\u0316", "[UNK][UNK]", "[[PAD]]",
    "a" * 100, "a" * 101, "\u00e9" * 100, "e\u0301" * 50, "e\u0301" * 51, "\u0130" * 51, "\u0130" * 50,
    "\u2260" * 60, "\u1FEF" * 101,
]


def rng_chars(rng, lo, hi, k):
    return "".join(chr(rng.randint(lo, hi)) for _ in range(k))


# --------------------------------------------------------------------------------------------
# multilingual word generator (training corpus and test strings)
LATIN_ACC = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿāăąćčďđēĕėęěğģīįıķĺļľłńņňōőœŕřśşšţťũūůűųŵŷźżžșțḃḋḟṁṗṡṫẁẃẅỳ" \
            "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỵỷỹßþð"
SCRIPTS = {
    "latin": "abcdefghijklmnopqrstuvwxyz" * 6 + LATIN_ACC,
    "greek": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",
    "cyr": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
    "arab": "".join(map(chr, range(0x621, 0x64B))) * 3 + "".join(map(chr, range(0x64B, 0x653))),
    "hebr": "".join(map(chr, range(0x5D0, 0x5EB))) * 2 + "".join(map(chr, range(0x5B0, 0x5BD))),
    "deva": "".join(map(chr, range(0x905, 0x93A))) + "".join(map(chr, range(0x93E, 0x94E))) + "\u093c",
    "thai": "".join(map(chr, range(0xE01, 0xE2F))) + "".join(map(chr, range(0xE31, 0xE3B))) + "\u0e48\u0e49",
    "kana": "".join(map(chr, range(0x3041, 0x3097))) + "".join(map(chr, range(0x30A1, 0x30FB))),
    "armn": "".join(map(chr, range(0x531, 0x557))) + "".join(map(chr, range(0x561, 0x588))),
    "geor": "".join(map(chr, range(0x10A0, 0x10C6))) + "".join(map(chr, range(0x10D0, 0x10FB))),
    "cher": "".join(map(chr, range(0x13A0, 0x13F6))) + "".join(map(chr, range(0xAB70, 0xABC0))),
    "dsrt": "".join(map(chr, range(0x10400, 0x10450))),
    "fullw": "".join(map(chr, range(0xFF21, 0xFF3B))) + "".join(map(chr, range(0xFF41, 0xFF5B))),
    "tibt": "".join(map(chr, range(0xF40, 0xF6A))) + "\u0f71\u0f72\u0f74\u0f7a\u0f7c\u0f80\u0f73\u0f75\u0f81",
}
HANGUL_COMMON = [chr(0xAC00 + i * 37 % 11172) for i in range(600)]
CJK_COMMON = [chr(0x4E00 + i * 97 % 0x5200) for i in range(800)] + [chr(0xF900 + i) for i in range(0, 0x10A, 7)] \
    + [chr(0x20000 + i * 131) for i in range(50)] + [chr(0x3400 + i * 13) for i in range(60)] \
    + [chr(0x2F800 + i * 11) for i in range(20)]
EMOJI = [chr(c) for c in range(0x1F600, 0x1F650)] + [chr(c) for c in range(0x1F466, 0x1F46A)] + ["\u2764", "\u263a"]
SKIN = [chr(c) for c in range(0x1F3FB, 0x1F400)]


def word_from(rng, script):
    if script == "hangul":
        return "".join(rng.choice(HANGUL_COMMON) for _ in range(rng.randint(1, 4)))
    if script == "cjk":
        return rng.choice(CJK_COMMON)
    if script == "emoji":
        return emoji_seq(rng)
    alpha = SCRIPTS[script]
    w = "".join(rng.choice(alpha) for _ in range(rng.randint(1, 9)))
    r = rng.random()
    if r < 0.15:
        w = w.upper()
    elif r < 0.35:
        w = w[:1].upper() + w[1:]
    return w


def emoji_seq(rng):
    parts = []
    for _ in range(rng.randint(1, 4)):
        e = rng.choice(EMOJI)
        if rng.random() < 0.3:
            e += "\ufe0f"
        if rng.random() < 0.2:
            e += rng.choice(SKIN)
        parts.append(e)
    return "\u200d".join(parts) if rng.random() < 0.6 else "".join(parts)


ALL_SCRIPTS = list(SCRIPTS) + ["hangul", "cjk", "emoji"]


def training_corpus(seed, n_lines=60000):
    rng = random.Random(seed)
    nfd = normalizers.NFD()
    strip = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    asciiw = ["the", "and", "token", "model", "prepare", "unicode", "mask", "language", "data", "shard",
              "normal", "ization", "word", "piece", "char", "acter", "text", "input", "output", "hello", "world"]
    for _ in range(n_lines):
        ws = []
        for _ in range(rng.randint(3, 14)):
            r = rng.random()
            if r < 0.25:
                w = rng.choice(asciiw)
                ws.append(w.capitalize() if rng.random() < 0.3 else w)
            else:
                ws.append(word_from(rng, rng.choice(ALL_SCRIPTS)))
            if rng.random() < 0.1:
                ws.append(rng.choice(".,;:!?()[]\"'-«»。、！？"))
        line = " ".join(ws)
        yield line
        # make decomposed / stripped / lowercased pieces (and jamo) exist in the vocab
        yield nfd.normalize_str(line)
        yield strip.normalize_str(line).lower()


def train_vocab(workdir, seed):
    path = os.path.join(workdir, "vocab.txt")
    if os.path.exists(path):
        return path
    os.makedirs(workdir, exist_ok=True)
    tok = BertWordPieceTokenizer(lowercase=False, strip_accents=False)
    tok.train_from_iterator(training_corpus(seed), vocab_size=8000, min_frequency=2, limit_alphabet=3500,
                            show_progress=False)
    tok.save_model(workdir)
    return path


# --------------------------------------------------------------------------------------------
# random test strings
def build_pools(tables):
    S = tables.sets
    interesting = set()
    for k in "RWHPM":
        for a, b in tables.ranges[k]:
            interesting.update({a, b, max(a - 1, 0), min(b + 1, 0x10FFFF)})
    interesting |= set(tables.D) | set(tables.C) | set(tables.L)
    interesting |= {c for L in tables.L.values() for c in L} | {c for d in tables.D.values() for c in d}
    for c in range(0x30000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        cat = unicodedata.category(chr(c))
        if cat in ("Mn", "Mc", "Me", "Cf", "Cc", "Zs", "Zl", "Zp", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sk",
                   "Sm", "Lt") or (cat == "Cn" and c % 97 == 0):
            interesting.add(c)
    interesting = sorted(c for c in interesting if not 0xD800 <= c <= 0xDFFF)
    # Pools are the union of what the tables under test say and what Python's unicodedata
    # says, so that a code point missing from a table is still exercised.
    py_ccc = {c: unicodedata.combining(chr(c)) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
              and unicodedata.combining(chr(c))}
    py_mn = {c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) == "Mn"}
    marks = sorted(S["M"] | set(tables.C) | set(py_ccc) | py_mn)
    # decomposable chars whose decomposition starts with / contains a non-starter
    dec_nonstarter = sorted(c for c, d in tables.D.items() if any(x in tables.C for x in d))
    ccc0_marks = sorted(c for c in S["M"] | py_mn if c not in tables.C and c not in py_ccc)
    # nonzero ccc chars that strip_accents keeps (not Mn for the crate): only their relative order
    # is observable, so canonical reordering is really tested by these
    kept_marks = sorted(c for c in set(tables.C) | set(py_ccc)
                        if c not in S["M"] or unicodedata.category(chr(c)) != "Mn")
    kept_by_ccc = {}
    for c in kept_marks:
        kept_by_ccc.setdefault(tables.C.get(c) or py_ccc.get(c), []).append(c)
    return {
        "kept_marks": kept_marks,
        "kept_by_ccc": [kept_by_ccc[k] for k in sorted(kept_by_ccc)],
        "interesting": interesting,
        "marks": marks,
        "dec_nonstarter": dec_nonstarter,
        "ccc0_marks": ccc0_marks,
        "R": sorted(S["R"] - set(range(0xE000, 0xF900)) - set(range(0xF0000, 0x110000))) + [0xE000, 0xF8FF, 0xF0000,
                                                                                             0x10FFFD],
        "W": sorted(S["W"]),
        "P": sorted(S["P"]),
    }


def random_scalar(rng):
    c = rng.randint(0, 0x10FFFF - 0x800)
    return c + 0x800 if c >= 0xD800 else c


def random_piece(rng, pools):
    r = rng.random()
    ch = lambda pool: chr(rng.choice(pools[pool]))
    if r < 0.18:
        w = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 10)))
        return w.upper() if rng.random() < 0.2 else w
    if r < 0.36:
        return word_from(rng, rng.choice(ALL_SCRIPTS))
    if r < 0.44:
        return "".join(chr(random_scalar(rng)) for _ in range(rng.randint(1, 3)))
    if r < 0.54:
        return "".join(ch("interesting") for _ in range(rng.randint(1, 4)))
    if r < 0.70:  # combining sequences
        base = rng.choice([rng.choice("aeiouAEIOUnN"), rng.choice(LATIN_ACC), rng.choice(HANGUL_COMMON),
                           rng.choice(CJK_COMMON), ch("dec_nonstarter"), ch("marks"), " ", "", "x"])
        s = base
        for _ in range(rng.randint(1, 6)):
            q = rng.random()
            if q < 0.35:
                s += ch("marks")
            elif q < 0.45:
                s += ch("kept_marks")
            elif q < 0.55:  # uniform over the ccc classes of the marks strip_accents keeps
                s += chr(rng.choice(rng.choice(pools["kept_by_ccc"])))
            elif q < 0.68:
                s += ch("dec_nonstarter")
            elif q < 0.78:
                s += ch("R")
            elif q < 0.84:
                s += ch("ccc0_marks")
            elif q < 0.89:
                s += ch("W")
            elif q < 0.94:
                s += rng.choice(CJK_COMMON)
            else:
                s += rng.choice(LATIN_ACC)
        return s
    if r < 0.76:
        return "".join(rng.choice([ch("W"), ch("R"), "\t", "\n", "\r", "\x00", "\ufffd", " "])
                       for _ in range(rng.randint(1, 4)))
    if r < 0.80:
        return "".join(rng.choice(CJK_COMMON + HANGUL_COMMON) for _ in range(rng.randint(1, 5)))
    if r < 0.83:
        # Hangul jamo sequences (conjoining), some invalid
        return "".join(chr(rng.choice([rng.randint(0x1100, 0x1112), rng.randint(0x1161, 0x1175),
                                       rng.randint(0x11A8, 0x11C2), rng.randint(0x1100, 0x11FF)]))
                       for _ in range(rng.randint(1, 5)))
    if r < 0.87:
        return emoji_seq(rng)
    if r < 0.90:
        return "".join(ch("P") for _ in range(rng.randint(1, 3)))
    if r < 0.93:
        return rng.choice(SPECIALS + ["[cls]", "[MASK", "[[SEP]]", "[UNK][UNK]", "[Pad]", "[CLS]\u0301",
                                      "\u0301[SEP]", "[MA\u200bSK]"])
    if r < 0.97:  # around the 100-char limit (length counted after normalization)
        unit = rng.choice(["a", "ab", "é", "e\u0301", "İ", "ǅ", "\u00e0\u0316", "가", "x\u0345\u0334", "ß",
                           word_from(rng, "latin"), "\u0130a"])
        n = rng.choice([25, 33, 34, 49, 50, 51, 99, 100, 101, 102]) // len(unit) + rng.randint(-1, 1)
        return unit * max(n, 1)
    return "".join(chr(random_scalar(rng)) for _ in range(rng.randint(5, 20)))


def random_string(rng, pools):
    parts = []
    for _ in range(rng.randint(1, 10)):
        parts.append(random_piece(rng, pools))
        parts.append(rng.choice(["", "", " ", " ", "\t", "\u3000", "-"]))
    return "".join(parts)


# --------------------------------------------------------------------------------------------
def ref_words(tok, model, text):
    """Reference normalization + pre-tokenization, segment by segment (special-token split
    taken from the model; the id comparison validates that split independently)."""
    n, p = tok.normalizer, tok.pre_tokenizer
    out = []
    for special, seg in model.segments(text):
        if special:
            out.append((True, seg))
        else:
            out.extend((False, w) for w, _ in p.pre_tokenize_str(n.normalize_str(seg)))
    return out


class Checker:
    def __init__(self, max_show=8):
        self.mismatches = 0
        self.shown = 0
        self.max_show = max_show
        self.by_label = {}
        self.messages = []

    def fail(self, label, text, kind, expected, got):
        self.mismatches += 1
        self.by_label[label] = self.by_label.get(label, 0) + 1
        if self.shown < self.max_show:
            self.shown += 1
            self.messages.append("MISMATCH [%s] %s input=%s\n   reference=%s\n   model    =%s"
                                 % (label, kind, ascii(text), ascii(expected), ascii(got)))


def check_texts(label, texts, tok, model, checker, check_words=True, stats=None):
    """One encode per text (no batching assumptions) for the ids; words per text too.
    stats (a dict) collects how many texts are tokenized without [UNK] and how many have a
    word over the 100-char limit."""
    encs = tok.encode_batch(texts, add_special_tokens=False)
    unk = model.unk_id
    for text, enc in zip(texts, encs):
        words = model.words(text)
        got = model.ids_from_words(words)
        if stats is not None:
            stats["unk_free"] = stats.get("unk_free", 0) + (unk not in got)
            stats["long"] = stats.get("long", 0) + any(len(w) > 100 for _, w in words)
        if enc.ids != got:
            checker.fail(label, text, "ids", enc.ids, got)
            continue
        if check_words:
            a = ref_words(tok, model, text)
            if a != words:
                checker.fail(label, text, "words", a, words)


def check_randoms(label, texts, tok, model, checker, stats, chunk=2000):
    """Like check_texts, but the (vocab independent) word comparison is done in bulk: the
    reference normalizer + pre-tokenizer and the model's normalize + pre_tokenize run on
    chunk-sized " ".join(texts) strings (' ' has ccc 0 and is a separator, so texts cannot
    interact; special-token strings are ordinary text for a bare normalizer, and the
    special-token split is covered by the per-text ids).  Chunks that differ are re-checked
    text by text."""
    n, p = tok.normalizer, tok.pre_tokenizer
    check_texts(label, texts, tok, model, checker, check_words=False, stats=stats)
    for start in range(0, len(texts), chunk):
        c = texts[start:start + chunk]
        joined = " ".join(c)
        if [w for w, _ in p.pre_tokenize_str(n.normalize_str(joined))] != model.pre_tokenize(model.normalize(joined)):
            before = checker.mismatches
            for t in c:
                a = [w for w, _ in p.pre_tokenize_str(n.normalize_str(t))]
                b = model.pre_tokenize(model.normalize(t))
                if a != b:
                    checker.fail(label, t, "words (no special-token split)", a, b)
            if checker.mismatches == before:
                checker.fail(label, c[:3], "batch-only", "chunk differs", "but no single text does")


ITEM_SEP = " !#! "  # model-side separator: three P words no single item can produce in a row


def split_items(words, n_items):
    out = [[]]
    i, n = 0, len(words)
    while i < n:
        if words[i] == "!" and i + 2 < n and words[i + 1] == "#" and words[i + 2] == "!":
            out.append([])
            i += 3
        else:
            out[-1].append(words[i])
            i += 1
    assert len(out) == n_items, (len(out), n_items)
    return out


def check_batched(label, items, tok, model, checker, chunk=4096):
    """Fast path for the ~1.1M code-point inputs.

    Reference ids: one encode per item (encode_batch per chunk).  Reference normalization:
    the chunk's items joined with ITEM_SEP, normalized as one string (every item is bounded
    by ccc-0 chars, so nothing interacts across items).  Model: the same joined string
    normalized and pre-tokenized in bulk, words split back per item, WordPiece per word -
    if any item influenced another, its ids would differ from the reference's per-item ids.
    (Pre-tokenization of arbitrary normalized text is compared word by word on the random
    strings.)  Mismatching items are re-checked one by one to report them."""
    n = tok.normalizer
    wp = model.wordpiece
    for start in range(0, len(items), chunk):
        c = items[start:start + chunk]
        encs = tok.encode_batch(c, add_special_tokens=False)
        joined = ITEM_SEP.join(c)
        normalized = model.normalize(joined)
        bad = set()
        if n.normalize_str(joined) != normalized:
            bad.update(range(len(c)))
        else:
            for k, ws in enumerate(split_items(model.pre_tokenize(normalized), len(c))):
                if [t for w in ws for t in wp(w)] != encs[k].ids:
                    bad.add(k)
        if bad:
            before = checker.mismatches
            check_texts(label, [c[k] for k in sorted(bad)], tok, model, checker)
            if checker.mismatches == before:
                checker.fail(label, c[:3], "batch-only", "chunk differs", "but no single item does")


def check_same_normalizer(label, texts, tok, tok_explicit, checker, chunk=4096):
    """Exhaustive reference-vs-reference check that strip_accents=None behaves exactly like
    strip_accents=lowercase (the two tokenizers differ only in their normalizer)."""
    a, b = tok.normalizer, tok_explicit.normalizer
    for start in range(0, len(texts), chunk):
        joined = ITEM_SEP.join(texts[start:start + chunk])
        if a.normalize_str(joined) != b.normalize_str(joined):
            for t in texts[start:start + chunk]:
                if a.normalize_str(t) != b.normalize_str(t):
                    checker.fail(label, t, "None != explicit", b.normalize_str(t), a.normalize_str(t))


_SHARED = {}  # inputs generated once in main() and inherited by the forked workers


def make_inputs(tables_path, n_random, cp_step, seed):
    tables = mt.Tables(tables_path)
    cps = [c for c in range(0, 0x110000, cp_step) if not 0xD800 <= c <= 0xDFFF]
    rng = random.Random(seed + 1)
    pools = build_pools(tables)
    _SHARED.update(
        tables=tables,
        cps=cps,
        singles=[chr(c) for c in cps],
        framed=["x" + chr(c) + "y" for c in cps],
        randoms=[random_string(rng, pools) for _ in range(n_random)],
    )


def run_mode(job):
    """One mode.  strip_accents=None modes: the model runs on every 10th code point and the
    first 10% of the random strings; in addition, the reference's own None-normalizer is
    checked against its explicit strip_accents=lowercase normalizer on ALL inputs (so by
    transitivity the model matches on all of them, its None simply meaning lowercase)."""
    lc, sa, vocab_path = job
    t1 = time.time()
    tables, singles, framed, randoms = (_SHARED[k] for k in ("tables", "singles", "framed", "randoms"))
    vocab = mt.load_vocab(vocab_path)
    label = "lowercase=%s strip_accents=%s" % (lc, sa)
    tok = BertWordPieceTokenizer(vocab_path, lowercase=lc, strip_accents=sa)
    model = mt.BertModel(tables, vocab, lowercase=lc, strip_accents=sa)
    gc.collect()
    gc.freeze()  # the big tables are permanent: keep the cyclic GC from rescanning them
    checker = Checker()
    step = 1
    if sa is None:
        tok_explicit = BertWordPieceTokenizer(vocab_path, lowercase=lc, strip_accents=lc)
        check_same_normalizer(label + " vs explicit", singles + framed + randoms, tok, tok_explicit, checker)
        step = 10
    m_singles, m_framed, m_randoms = singles[::step], framed[::step], randoms[:len(randoms) // step]
    check_batched(label + " single", m_singles, tok, model, checker)
    check_batched(label + " framed", m_framed, tok, model, checker)
    check_texts(label + " unbatched sample", singles[::97] + framed[::89], tok, model, checker)  # words too
    stats = {}
    check_randoms(label + " random", m_randoms, tok, model, checker, stats)
    check_texts(label + " directed", DIRECTED, tok, model, checker)
    none_note = ("; reference None == explicit on all %d inputs" % (len(singles) * 2 + len(randoms))
                 if sa is None else "")
    summary = ("%-38s %s  (model: %d code points x2, %d random strings, %d%% of them UNK-free, %d with a"
               " >100-char word%s; %.1fs)"
               % (label, "OK" if not checker.mismatches else "%d MISMATCHES" % checker.mismatches,
                  len(m_singles), len(m_randoms), stats.get("unk_free", 0) * 100 // max(1, len(m_randoms)),
                  stats.get("long", 0), none_note, time.time() - t1))
    return summary, checker.mismatches, checker.messages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="20k random strings, every 7th code point")
    ap.add_argument("--n", type=int, default=None, help="number of random strings (default 200000)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--jobs", type=int, default=min(6, len(os.sched_getaffinity(0))),
                    help="worker processes (modes run in parallel; default: CPUs, at most 6)")
    ap.add_argument("--workdir", default="/tmp/mlmprep_bert_verify", help="where the trained vocab is cached")
    ap.add_argument("--tables", default=mt.DEFAULT_TABLES)
    args = ap.parse_args()
    n_random = args.n if args.n is not None else (20000 if args.quick else 200000)
    cp_step = 7 if args.quick else 1

    t0 = time.time()
    vocab_path = train_vocab(args.workdir, args.seed)
    vocab = mt.load_vocab(vocab_path)
    print("tokenizers %s; vocab %s (%d tokens); tables %s" % (tokenizers.__version__, vocab_path, len(vocab),
                                                               os.path.relpath(args.tables)))
    print("vocab has %d pieces with U+0300..036F marks, %d with Hangul jamo, %d with precomposed accents,"
          " %d CJK" % (sum(1 for k in vocab if any(0x300 <= ord(c) < 0x370 for c in k)),
                       sum(1 for k in vocab if any(0x1100 <= ord(c) < 0x1200 for c in k)),
                       sum(1 for k in vocab if any(c in LATIN_ACC for c in k)),
                       sum(1 for k in vocab if any(0x4E00 <= ord(c) <= 0x9FFF for c in k))), flush=True)
    make_inputs(args.tables, n_random, cp_step, args.seed)
    gc.collect()
    gc.freeze()
    print("inputs: %d code points (alone and as x{c}y), %d random strings, %d directed; %.1fs"
          % (len(_SHARED["cps"]), n_random, len(DIRECTED), time.time() - t0), flush=True)
    jobs = [(lc, sa, vocab_path) for lc, sa in MODES]
    total = 0
    if args.jobs > 1:
        import multiprocessing
        # one single-threaded tokenizers per worker process instead of oversubscribed thread pools
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = pool.imap(run_mode, jobs)
            for summary, mism, messages in results:
                print(summary, flush=True)
                for m in messages:
                    print(m)
                total += mism
    else:
        for job in jobs:
            summary, mism, messages = run_mode(job)
            print(summary, flush=True)
            for m in messages:
                print(m)
            total += mism
    print("total %.1fs" % (time.time() - t0))
    if total:
        print("FAILED: %d mismatches" % total)
        sys.exit(1)
    print("PASSED: 0 mismatches in all %d modes" % len(MODES))


if __name__ == "__main__":
    main()
