#!/usr/bin/env python3
"""Independent pure-Python model of Hugging Face `tokenizers`' BertWordPieceTokenizer
(BertNormalizer + BertPreTokenizer + WordPiece, special tokens matched first).

It uses ONLY the probed tables from
Sources/MLMTokenizer/Normalizers/BertCharacterTables+Data.swift (parsed back from the
Swift source) plus a vocab; it never imports `tokenizers` or `unicodedata`.  This is the
executable specification of what the Swift implementation must do.

Algorithm (per text):

 0. Special tokens: the special-token strings present in the vocab ([PAD] [UNK] [CLS]
    [SEP] [MASK]) are matched in the RAW text, case-sensitively, leftmost-longest,
    non-overlapping.  Each match yields its own id; every text segment between matches
    is processed independently by steps 1-5 (so nothing - not even canonical
    reordering - crosses a special token).
 1. clean_text + handle_chinese_chars, per INPUT char c:
      c in R           -> dropped (R is checked first: U+000B/000C/0085 are W and R,
                          they are dropped, not spaces)
      c in W           -> ' '
      c in H           -> ' ' c ' '     (the check is on the input char, pre-NFD)
      else             -> c
 2. if strip_accents (None means: = lowercase):
      a. decompose every char: D table, Hangul syllables AC00..D7A3 algorithmically,
         everything else maps to itself (D results are already full decompositions);
      b. canonical ordering: every maximal run of consecutive chars with nonzero C
         (ccc) is stably sorted by ccc.  Runs are broken by any ccc-0 char, including
         the ' ' produced in step 1 and ccc-0 chars that step 2c drops (e.g. U+034F,
         U+FE0F); R chars were already removed in step 1, so marks on both sides of a
         removed control/format char DO reorder together;
      c. drop every char in M.
    (Since 2b only happens when 2c follows, the only observable effect of reordering is
    the relative order of the nonzero-ccc chars that are NOT in M - 83 code points:
    viramas/nuktas of ccc 7/9, U+302E/302F, musical U+1D165.., U+08D4..08E1, U+1DFB,
    Glagolitic U+1E000..; ccc-0 chars never move.)
 3. if lowercase: replace each char by its L mapping (may be several chars;
    only U+0130 -> 0069 0307 expands).  No reordering or stripping happens after this.
 4. pre-tokenize the normalized string: W chars are separators (removed); each P char
    is a word of its own; maximal runs of other chars are words.  P/W are checked on
    the NORMALIZED chars (e.g. with strip_accents U+2260 '≠' -> '=' U+0338 -> '=',
    which is P; U+1FEF -> '`', which is P).
 5. WordPiece per word: if the word has more than 100 chars (code points, counted after
    normalization) -> [UNK]; else greedy longest-match-first from the left, pieces
    after the first prefixed with '##'; if some position has no match, the whole
    word is a single [UNK].
"""

import os
import re

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_TABLES = os.path.join(REPO, "Sources", "MLMTokenizer", "Normalizers", "BertCharacterTables+Data.swift")

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_INPUT_CHARS_PER_WORD = 100
HANGUL_S_BASE, HANGUL_S_COUNT = 0xAC00, 11172


class Tables:
    def __init__(self, path=DEFAULT_TABLES):
        text = open(path, encoding="utf-8").read()
        start = text.index('#"""\n') + 5
        end = text.index('\n    """#', start)
        self.ranges = {k: [] for k in "RWVHPM"}
        self.D, self.C, self.L = {}, {}, {}
        for line in text[start:end].split("\n"):
            assert line.startswith("    "), repr(line)
            line = line[4:]
            if not line or line.startswith("#"):
                continue
            kind, *nums = line.split(" ")
            n = [int(x, 16) for x in nums]
            if kind in self.ranges:
                assert len(n) == 2 and n[0] <= n[1]
                self.ranges[kind].append((n[0], n[1]))
            elif kind == "D":
                self.D[n[0]] = n[1:]
            elif kind == "C":
                assert len(n) == 2 and n[1] > 0
                self.C[n[0]] = n[1]
            elif kind == "L":
                self.L[n[0]] = n[1:]
            else:
                raise ValueError("unknown record %r" % line)
        self.sets = {k: frozenset(c for a, b in rs for c in range(a, b + 1)) for k, rs in self.ranges.items()}

    def in_set(self, kind, cp):
        return cp in self.sets[kind]


def hangul_decompose(s):
    si = s - HANGUL_S_BASE
    l, v, t = 0x1100 + si // 588, 0x1161 + (si % 588) // 28, 0x11A7 + si % 28
    return chr(l) + chr(v) + (chr(t) if t != 0x11A7 else "")


_RUN_RE = re.compile("\x00{2,}")


class BertModel:
    """Model of BertWordPieceTokenizer(vocab, lowercase=..., strip_accents=...)."""

    def __init__(self, tables, vocab, lowercase=True, strip_accents=None, unk_token="[UNK]", prefix="##"):
        self.t = tables
        self.vocab = vocab
        self.lowercase = lowercase
        self.strip = lowercase if strip_accents is None else strip_accents
        self.unk_id = vocab[unk_token]
        self.prefix = prefix
        S = tables.sets
        # step 1 as a translate table: R wins over W (checked first)
        t1 = {c: " " + chr(c) + " " for c in S["H"]}
        t1.update({c: " " for c in S["W"]})
        t1.update({c: None for c in S["R"]})
        self.step1 = t1
        # step 2a / 2c / 3
        dec = {c: "".join(map(chr, d)) for c, d in tables.D.items()}
        dec.update({s: hangul_decompose(s) for s in range(HANGUL_S_BASE, HANGUL_S_BASE + HANGUL_S_COUNT)})
        self.decomp = dec
        self.ccc = {chr(c): v for c, v in tables.C.items()}
        # nonzero-ccc chars -> U+0000 (never present at this point: it is R), to find runs fast
        self.ccc_mark = {c: "\x00" for c in tables.C}
        self.drop_m = {c: None for c in S["M"]}
        self.lower = {c: "".join(map(chr, l)) for c, l in tables.L.items()}
        # step 4: W -> ' ', P -> ' ' P ' ', then split on ' '
        pt = {c: " " + chr(c) + " " for c in S["P"]}
        pt.update({c: " " for c in S["W"]})
        self.pretok = pt
        self.specials = [s for s in SPECIAL_TOKENS if s in vocab]
        self.special_re = (re.compile("|".join(re.escape(s) for s in sorted(self.specials, key=len, reverse=True)))
                           if self.specials else None)
        self.max_tok_chars = max(len(k) for k in vocab)
        self._cache = {}

    # --- steps 1-3 -----------------------------------------------------------------------
    def _canonical_order(self, s):
        """Stable-sort every maximal run of >= 2 consecutive nonzero-ccc chars by ccc."""
        marked = s.translate(self.ccc_mark)
        if "\x00\x00" not in marked:
            return s
        ccc = self.ccc
        out = []
        pos = 0
        for m in _RUN_RE.finditer(marked):
            a, b = m.span()
            out.append(s[pos:a])
            out.append("".join(sorted(s[a:b], key=ccc.__getitem__)))  # sorted() is stable
            pos = b
        out.append(s[pos:])
        return "".join(out)

    def normalize(self, segment):
        s = segment.translate(self.step1)
        if self.strip:
            s = s.translate(self.decomp)
            s = self._canonical_order(s)
            s = s.translate(self.drop_m)
        if self.lowercase:
            s = s.translate(self.lower)
        return s

    # --- step 4 ------------------------------------------------------------------------------
    def pre_tokenize(self, normalized):
        return [w for w in normalized.translate(self.pretok).split(" ") if w]

    # --- step 5 ------------------------------------------------------------------------------
    def wordpiece(self, word):
        r = self._cache.get(word)
        if r is not None:
            return r
        n = len(word)
        if n > MAX_INPUT_CHARS_PER_WORD:
            r = [self.unk_id]
        else:
            out = []
            start = 0
            vocab, prefix = self.vocab, self.prefix
            while start < n:
                end = min(n, start + self.max_tok_chars)
                found = None
                while start < end:
                    sub = word[start:end] if start == 0 else prefix + word[start:end]
                    found = vocab.get(sub)
                    if found is not None:
                        break
                    end -= 1
                if found is None:
                    out = [self.unk_id]
                    break
                out.append(found)
                start = end
            r = out
        if len(self._cache) < 500000:
            self._cache[word] = r
        return r

    # --- step 0 + everything ---------------------------------------------------------------------
    def segments(self, text):
        """Split on special tokens: yields (is_special, string)."""
        if self.special_re is None:
            yield False, text
            return
        pos = 0
        for m in self.special_re.finditer(text):
            if m.start() > pos:
                yield False, text[pos:m.start()]
            yield True, m.group(0)
            pos = m.end()
        if pos < len(text):
            yield False, text[pos:]

    def words(self, text):
        """Pre-tokenized words of a text (special tokens appear as themselves, marked)."""
        out = []
        for special, seg in self.segments(text):
            if special:
                out.append((True, seg))
            else:
                out.extend((False, w) for w in self.pre_tokenize(self.normalize(seg)))
        return out

    def ids_from_words(self, words):
        ids = []
        for special, w in words:
            if special:
                ids.append(self.vocab[w])
            else:
                ids.extend(self.wordpiece(w))
        return ids

    def encode(self, text):
        return self.ids_from_words(self.words(text))


# Rust char::is_whitespace (Unicode White_Space); used only to mimic the vocab file reader.
_RUST_WS = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


def load_vocab(path):
    """Read a vocab.txt like tokenizers' WordPiece::read_file: one token per line (Rust
    BufRead::lines, i.e. split on '\\n' and drop one trailing '\\r'), trailing whitespace
    trimmed, id = line index, a repeated token keeps its LAST index."""
    vocab = {}
    data = open(path, encoding="utf-8").read()
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        if line.endswith("\r"):
            line = line[:-1]
        vocab[line.rstrip(_RUST_WS)] = i
    return vocab
