"""``mlmprep pmi`` (PMI n-gram tables), its scale-out rounds and ``mlmprep mask --strategy pmi``, checked against
the independent reference tools/pmi/reference_pmi.py, a hand-computed corpus and the masked batches.

Run by tools/test.sh with ``MLMPREP_BIN`` and ``MLMPREP_BERT_VOCAB`` set. The definitions are those of the issue
"PMI n-gram tables and PMI masking" (also in reference_pmi.py's docstring): words from word-start flags, segments
(documents or sentences), ll(x) = log count(x) - log T_|x|, best/maxseg over splits, pmi = ll - maxseg,
pmi-freq = 2 ll - maxseg, per-length quotas floor(size * mix_n / 100) with the rest to bigrams, ranked by score,
count (both descending) and text (ascending).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import zstandard
from safetensors.numpy import save as st_save
from tokenizers import BertWordPieceTokenizer

import mlmprep_reader

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"
sys.path.insert(0, str(REPO / "tools" / "pmi"))

import reference_pmi  # noqa: E402
from reference_pmi import Settings  # noqa: E402

TIMEOUT = 600

# ----------------------------------------------------------------------------------------------------
# Running mlmprep


def run(mlmprep_bin: str, *args, expect: int | None = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([mlmprep_bin, *map(str, args)], capture_output=True, timeout=TIMEOUT)
    if expect is not None:
        assert result.returncode == expect, (
            f"mlmprep {' '.join(map(str, args))}\nexit {result.returncode}, expected {expect}\n"
            f"stderr:\n{result.stderr.decode(errors='replace')[-4000:]}")
    return result


def tokenize(mlmprep_bin, files, vocab, out: Path, *extra) -> Path:
    run(mlmprep_bin, "tokenize", *files, "--vocab", vocab, "-o", out, "--quiet", *extra)
    return out


def settings_args(s: Settings, *, mix_given: bool = True) -> list[str]:
    args = ["--max-n", s.max_n, "--within", s.within, "--min-count", s.min_count, "--size", s.size,
            "--score", s.score]
    if mix_given:
        args += ["--mix", ",".join(f"{m:g}" for m in s.mix)]
    return [str(a) for a in args]


def pmi_table(mlmprep_bin, store: Path, out: Path, s: Settings, *extra, mix_given: bool = True) -> Path:
    run(mlmprep_bin, "pmi", store, "-o", out, *settings_args(s, mix_given=mix_given), "--quiet", *extra)
    return out


def assert_matches_reference(store: Path, table: Path, s: Settings, what: str = ""):
    ref = reference_pmi.reference_table(store, s)
    got = reference_pmi.read_table(table)
    problems = reference_pmi.compare(ref, got)
    assert not problems, (f"{what} {s}: mlmprep table {table} differs from the reference:\n  "
                          + "\n  ".join(problems))
    return ref, got


# ----------------------------------------------------------------------------------------------------
# Synthetic corpora: several scripts, Zipf-distributed words, planted collocations, documents of 0..N sentences


def _lexicon(rng, script: str, size: int) -> list[str]:
    if script == "latin":
        first, second, syllables = list("bcdfghjklmnprstvwz"), list("aeiouyéà"), (1, 4)
    elif script == "cyrillic":
        first, second, syllables = list("бвгджзклмнпрстфхцчшщ"), list("аеёиоуыэюя"), (1, 4)
    elif script == "cjk":  # ideographs are words of their own (BERT isolates them): 1-2 "words" per entry
        first, second, syllables = [chr(c) for c in range(0x4E00, 0x4E00 + 400)], [""], (1, 2)
    elif script == "arabic":
        letters = [chr(c) for c in range(0x0627, 0x063B)] + [chr(c) for c in range(0x0641, 0x064B)]
        first, second, syllables = letters, letters, (1, 4)
    else:
        raise ValueError(script)
    words, seen = [], set()
    while len(words) < size:
        k = int(rng.integers(*syllables, endpoint=True))
        a, b = rng.integers(0, len(first), size=k), rng.integers(0, len(second), size=k)
        w = "".join(first[i] + second[j] for i, j in zip(a, b))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


SCRIPTS = {"latin": (" ", ".", 0.5), "cyrillic": (" ", ".", 0.2), "cjk": ("", "。", 0.15),
           "arabic": (" ", "؟", 0.15)}  # joiner, sentence end, share of documents


def synthetic_corpus(seed: int, documents: int, lexicon_size: int = 1500) -> str:
    """BERT layout text: one sentence per line, a blank line after each document. Words are drawn from a Zipf
    law per script; 15 planted collocations of 2-5 words per script recur; documents have 0..12 sentences (0:
    an empty document), some are a single word, some a line of white space only."""
    rng = np.random.default_rng(seed)
    lexicons = {s: _lexicon(rng, s, lexicon_size) for s in SCRIPTS}
    cdf = np.cumsum(1.0 / np.arange(1, lexicon_size + 1) ** 1.05)
    cdf /= cdf[-1]
    zipf = lambda k: np.minimum(np.searchsorted(cdf, rng.random(k)), lexicon_size - 1)
    phrases = {s: [[lexicons[s][i] for i in rng.integers(20, 400, size=rng.integers(2, 6))] for _ in range(15)]
               for s in SCRIPTS}
    punctuation = [",", ";", "-", "(", ")", "«", "»", ":"]
    names = list(SCRIPTS)
    shares = np.cumsum([SCRIPTS[s][2] for s in names])
    out = []
    for _ in range(documents):
        kind = rng.random()
        if kind < 0.03:
            out.append("\n")  # an empty document (two blank lines in a row)
            continue
        if kind < 0.04:
            out.append("   \t \n\n")  # white space only
            continue
        script = names[int(np.searchsorted(shares, rng.random() * shares[-1]))]
        joiner, end, _ = SCRIPTS[script]
        lex = lexicons[script]
        if kind < 0.08:
            out.append(lex[int(zipf(1)[0])] + "\n\n")  # a one-word document
            continue
        for _ in range(int(rng.integers(1, 13))):
            length = int(rng.geometric(0.12))
            kinds, picks, others = rng.random(length), zipf(length), rng.integers(0, 15, size=length)
            words = []
            for r, w, o in zip(kinds, picks, others):
                if r < 0.12:
                    words.extend(phrases[script][o])
                elif r < 0.17:
                    words.append(punctuation[o % len(punctuation)])
                else:
                    words.append(lex[w])
            if script != "latin" and rng.random() < 0.05:  # code-switching
                words.append(lexicons["latin"][int(zipf(1)[0])])
            out.append(joiner.join(words) + end + "\n")
        out.append("\n")
    return "".join(out)


def train_vocab(files, directory: Path, vocab_size: int) -> Path:
    tokenizer = BertWordPieceTokenizer(lowercase=True)
    tokenizer.train([str(f) for f in files], vocab_size=vocab_size, limit_alphabet=1000, show_progress=False)
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save_model(str(directory))
    return directory / "vocab.txt"


# ----------------------------------------------------------------------------------------------------
# A store re-cut into many records and two shards (mlmprep tokenize writes ~1 MiB of text per record)


def write_shard(path: Path, records: list[bytes]) -> dict:
    compressor = zstandard.ZstdCompressor(level=3, write_checksum=True, write_content_size=True)
    frames = [compressor.compress(r) for r in records]
    table = b"".join(len(f).to_bytes(4, "little") + len(r).to_bytes(4, "little") for f, r in zip(frames, records))
    footer = len(frames).to_bytes(4, "little") + b"\x00" + (0x8F92EAB1).to_bytes(4, "little")
    seek = (0x184D2A5E).to_bytes(4, "little") + (len(table) + 9).to_bytes(4, "little") + table + footer
    data = b"".join(frames) + seek
    path.write_bytes(data)
    return {"file": path.name, "records": len(records), "compressed_bytes": len(data),
            "raw_bytes": sum(len(r) for r in records), "sha256": hashlib.sha256(data).hexdigest()}


def recut_store(store: Path, out: Path, record_docs: list, shard_records: list[int]) -> Path:
    """Copy a tokenized store with its documents cut into records of record_docs[i] documents (the last record,
    None, takes the rest) and the records spread over shards of shard_records[j] records."""
    docs = list(mlmprep_reader.iter_documents(store))
    manifest = mlmprep_reader.load_manifest(store)
    dtype = docs[0][0].dtype
    records, start = [], 0
    for i, k in enumerate(record_docs):
        part = docs[start:] if i == len(record_docs) - 1 else docs[start:start + k]
        start += k or 0
        assert part, "recut_store: fewer documents than records"
        offsets = np.cumsum([0] + [len(d[0]) for d in part]).astype("<i8")
        records.append((st_save({"ids": np.concatenate([d[0] for d in part]).astype(dtype),
                                 "flags": np.concatenate([d[1] for d in part]).astype("u1"),
                                 "doc_offsets": offsets}), len(part)))
    assert sum(shard_records) == len(records)
    out.mkdir(parents=True)
    shutil.copyfile(store / "vocab.txt", out / "vocab.txt")
    shards, r = [], 0
    for j, k in enumerate(shard_records):
        entry = write_shard(out / f"shard-{j:05d}.mlmb.zst", [rec for rec, _ in records[r:r + k]])
        entry["sequences"] = sum(n for _, n in records[r:r + k])
        shards.append({key: entry[key] for key in ("file", "records", "sequences", "compressed_bytes",
                                                   "raw_bytes", "sha256")})
        r += k
    manifest["shards"] = shards
    manifest["counts"]["records"] = len(records)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    again = list(mlmprep_reader.iter_documents(out))
    assert len(again) == len(docs) and all((a[0] == b[0]).all() and (a[1] == b[1]).all()
                                           for a, b in zip(again, docs))
    return out


# ----------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def bert_vocab() -> Path:
    vocab = os.environ.get("MLMPREP_BERT_VOCAB")
    assert vocab and Path(vocab).is_file(), "MLMPREP_BERT_VOCAB must name bert-base-uncased vocab.txt"
    return Path(vocab)


@pytest.fixture(scope="module")
def corpora_stores(mlmprep_bin, bert_vocab, tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("pmi-corpora")
    return {
        "en": tokenize(mlmprep_bin, [CORPORA / "en.txt"], bert_vocab, base / "en"),
        "multilingual": tokenize(mlmprep_bin, [CORPORA / "multilingual.txt"], bert_vocab, base / "multi"),
        "jsonl": tokenize(mlmprep_bin, [CORPORA / "sample.jsonl"], bert_vocab, base / "jsonl", "--format", "jsonl"),
        "concat": tokenize(mlmprep_bin, [CORPORA / "en.txt", CORPORA / "multilingual.txt", CORPORA / "sample.jsonl"],
                           bert_vocab, base / "concat"),
    }


@pytest.fixture(scope="module")
def synthetic(mlmprep_bin, tmp_path_factory) -> dict[str, Path]:
    """A small synthetic store (reference checks, scale-out), the same documents re-cut into 7 records in 2
    shards, and a large one (>= 200k tokens) for masking; one vocab trained on both texts."""
    base = tmp_path_factory.mktemp("pmi-synthetic")
    small_txt, big_txt = base / "small.txt", base / "big.txt"
    small_txt.write_text(synthetic_corpus(20261123, 700), encoding="utf-8")
    big_txt.write_text(synthetic_corpus(7, 3000), encoding="utf-8")
    vocab = train_vocab([small_txt, big_txt], base / "vocab", 3000)
    small = tokenize(mlmprep_bin, [small_txt], vocab, base / "small")
    big = tokenize(mlmprep_bin, [big_txt], vocab, base / "big")
    documents = mlmprep_reader.load_manifest(small)["counts"]["documents_written"]
    cut = [documents // 10, documents // 4, 7, 1, documents // 6, documents // 5, None]  # uneven; the last: the rest
    multi = recut_store(small, base / "small-7-records", cut, [4, 3])
    run(mlmprep_bin, "verify", multi)
    return {"small": small, "big": big, "multi": multi, "vocab": vocab, "small_txt": small_txt}


# ----------------------------------------------------------------------------------------------------
# The reference tool itself (no mlmprep needed)


def test_reference_compare_cli_detects_differences(tmp_path, bert_vocab):
    """reference_pmi.py --compare: exit 0 on its own table, 1 with a diff on a changed count or order."""
    store = tmp_path / "store"
    documents = [[("the", 1 | 2), ("cat", 1), ("sat", 1)], [("the", 1 | 2), ("cat", 1), ("sat", 1), ("down", 1)],
                 [("the", 3), ("cat", 1), ("sat", 1), ("down", 1)]]
    vocab = [line for line in Path(bert_vocab).read_text(encoding="utf-8").split("\n")[:-1]]
    index = {t: i for i, t in enumerate(vocab)}
    ids = np.array([index[t] for d in documents for t, _ in d], "<u2")
    flags = np.array([f for d in documents for _, f in d], "u1")
    offsets = np.cumsum([0] + [len(d) for d in documents]).astype("<i8")
    store.mkdir()
    shutil.copyfile(bert_vocab, store / "vocab.txt")
    entry = write_shard(store / "shard-00000.mlmb.zst", [st_save({"ids": ids, "flags": flags, "doc_offsets": offsets})])
    entry["sequences"] = 3
    digest = hashlib.sha256(Path(bert_vocab).read_bytes()).hexdigest()
    (store / "manifest.json").write_text(json.dumps({
        "format": "mlmprep.tokens", "format_version": 1, "tokenizer": {"vocab_sha256": digest, "vocab_size": len(vocab)},
        "counts": {"documents_written": 3, "tokens": len(ids), "records": 1}, "shards": [entry]}))
    tool = [sys.executable, str(REPO / "tools" / "pmi" / "reference_pmi.py"), str(store)]
    table = tmp_path / "t.zst"
    args = ["--min-count", "1", "--max-n", "3", "--size", "10"]
    subprocess.run(tool + args + ["-o", table], check=True)
    ok = subprocess.run(tool + ["--compare", table], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    text = zstandard.ZstdDecompressor().decompress(table.read_bytes()).decode()
    lines = text.split("\n")
    assert lines[0].startswith("# mlmprep.pmi {") and json.loads(lines[0][14:])["totals"] == [11, 8, 5]
    assert "the cat\t3\t" in text and "cat sat down\t2\t" in text
    changed = lines[:1] + [lines[2], lines[1]] + lines[3:]  # two entries swapped
    (tmp_path / "swapped.zst").write_bytes(zstandard.ZstdCompressor().compress("\n".join(changed).encode()))
    bad = subprocess.run(tool + ["--compare", tmp_path / "swapped.zst"], capture_output=True, text=True)
    assert bad.returncode == 1 and "MISMATCH" in bad.stderr and "entry 0" in bad.stderr, bad.stderr
    recounted = text.replace("the cat\t3\t", "the cat\t4\t")
    (tmp_path / "recounted.zst").write_bytes(zstandard.ZstdCompressor().compress(recounted.encode()))
    bad = subprocess.run(tool + ["--compare", tmp_path / "recounted.zst"], capture_output=True, text=True)
    assert bad.returncode == 1 and "count 4" in bad.stderr, bad.stderr


# ----------------------------------------------------------------------------------------------------
# A corpus computed by hand


TINY_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "a", "mat", "##s"]
# Documents (one sentence per line): "the cat sat / the cats sat", "the cat sat on a mat", "zebra" ([UNK]).
TINY_TEXT = "the cat sat\nthe cats sat\n\nthe cat sat on a mat\n\nzebra\n"


@pytest.fixture(scope="module")
def tiny_store(mlmprep_bin, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("pmi-tiny")
    (base / "vocab.txt").write_text("\n".join(TINY_VOCAB) + "\n", encoding="utf-8")
    (base / "tiny.txt").write_text(TINY_TEXT, encoding="utf-8")
    store = tokenize(mlmprep_bin, [base / "tiny.txt"], base / "vocab.txt", base / "store")
    docs = [ids.tolist() for ids, _ in mlmprep_reader.iter_documents(store)]
    assert docs == [[5, 6, 7, 5, 6, 11, 7], [5, 6, 7, 8, 9, 10], [1]]  # "cats" = cat ##s, zebra = [UNK]
    return store


def tiny_table(mlmprep_bin, store, tmp_path, *args) -> tuple[dict, list[tuple[str, int, float]]]:
    out = tmp_path / ("tiny-" + "-".join(a.strip("-") for a in args) + ".pmi")
    run(mlmprep_bin, "pmi", store, "-o", out, "--quiet", *args)
    table = reference_pmi.read_table(out)
    return table.header, [(e.text, e.count, e.score) for e in table.entries]


def test_hand_computed_min_count_2(mlmprep_bin, tiny_store, tmp_path):
    # Words per document: the cat sat the cats sat (6) | the cat sat on a mat (6) | [UNK] (1).
    # T_1 = 13, T_2 = 5 + 5 = 10, T_3 = 4 + 4 = 8. count: the 3, cat 2, sat 3; "the cat" 2, "cat sat" 2 (every
    # other bigram once); "the cat sat" 2 (every other trigram once).
    header, rows = tiny_table(mlmprep_bin, tiny_store, tmp_path, "--min-count", "2", "--max-n", "3",
                              "--size", "10", "--mix", "50,50")
    assert header["totals"] == [13, 10, 8]
    assert header["candidates"] == [3, 2, 1]
    assert header["kept"] == [2, 1]  # q_3 = floor(10 * 50 / 100) = 5, q_2 = 5: fewer candidates than that
    assert header["max_n"] == 3 and header["min_count"] == 2 and header["size"] == 10 and header["score"] == "pmi"
    assert header["within"] == "document" and [float(m) for m in header["mix"]] == [50, 50]
    assert header["format"] == "mlmprep.pmi" and header["version"] == 1
    assert header["vocab_sha256"] == hashlib.sha256((tiny_store / "vocab.txt").read_bytes()).hexdigest()
    # ll(the cat) = log(2/10); maxseg = ll(the) + ll(cat) = log(3/13) + log(2/13): pmi = log(2*169 / (10*6)).
    # "cat sat" has the same score (the same terms, added in another order) and count: text decides.
    # the cat sat: ll = log(2/8); best(the) + best(cat sat) = log(3/13) + log(2/10) (log(2/10) > ll(cat)+ll(sat)),
    # best(the cat) + best(sat) = the same; pmi = log((2/8) / ((3/13) * (2/10))) = log(65/12).
    assert [(t, c) for t, c, _ in rows] == [("cat sat", 2), ("the cat", 2), ("the cat sat", 2)]
    for (_, _, got), want in zip(rows, [math.log(338 / 60), math.log(338 / 60), math.log(65 / 12)]):
        assert abs(got - want) < 1e-9, (rows, want)
    assert rows[0][2] == rows[1][2], "equal sums in another order must give the same double"

    # pmi-freq = 2 ll - maxseg: the cat: log(0.04 * 169 / 6); the cat sat: log(0.0625 * 13 / 0.6).
    header, rows = tiny_table(mlmprep_bin, tiny_store, tmp_path, "--min-count", "2", "--max-n", "3",
                              "--size", "10", "--mix", "50,50", "--score", "pmi-freq")
    assert header["score"] == "pmi-freq"
    assert [(t, c) for t, c, _ in rows] == [("cat sat", 2), ("the cat", 2), ("the cat sat", 2)]
    for (_, _, got), want in zip(rows, [math.log(6.76 / 6), math.log(6.76 / 6), math.log(0.8125 / 0.6)]):
        assert abs(got - want) < 1e-9, (rows, want)


def test_hand_computed_within_sentence(mlmprep_bin, tiny_store, tmp_path):
    # Sentences: the cat sat | the cats sat | the cat sat on a mat | [UNK]: T_1 = 13, T_2 = 2 + 2 + 5 = 9,
    # T_3 = 1 + 1 + 4 = 6 ("sat the" and the trigrams across the first line break are gone).
    header, rows = tiny_table(mlmprep_bin, tiny_store, tmp_path, "--min-count", "2", "--max-n", "3",
                              "--within", "sentence", "--size", "10", "--mix", "50,50")
    assert header["totals"] == [13, 9, 6] and header["candidates"] == [3, 2, 1] and header["within"] == "sentence"
    # the cat: log(2/9) - log(3/13) - log(2/13) = log(338/54); the cat sat: log(2/6) - log(3/13) - log(2/9)
    # = log(117/18).
    assert [(t, c) for t, c, _ in rows] == [("cat sat", 2), ("the cat", 2), ("the cat sat", 2)]
    for (_, _, got), want in zip(rows, [math.log(338 / 54), math.log(338 / 54), math.log(117 / 18)]):
        assert abs(got - want) < 1e-9, (rows, want)


def test_hand_computed_min_count_1_quotas(mlmprep_bin, tiny_store, tmp_path):
    # min-count 1: 8 distinct words, 8 distinct bigrams, 7 distinct trigrams. --size 4 --mix 50,50: q_3 = 2,
    # q_2 = 2. Bigram pmi = log(c_xy * 169 / (10 c_x c_y)): "on a" and "a mat" log(16.9) (the top, tied: text
    # order), then the cat / cat sat / the cats / cats sat / sat on log(169/30), sat the log(169/90).
    # Trigrams: on a mat: log((1/8) / ((1/13) (1/10))) = log(16.25); cat sat on: log((1/8) / ((2/13) (1/10)))
    # = log(8.125); then four at log(65/12) and cat sat the at log(65/24).
    header, rows = tiny_table(mlmprep_bin, tiny_store, tmp_path, "--min-count", "1", "--max-n", "3",
                              "--size", "4", "--mix", "50,50")
    assert header["totals"] == [13, 10, 8] and header["candidates"] == [8, 8, 7] and header["kept"] == [2, 2]
    assert [(t, c) for t, c, _ in rows] == [("a mat", 1), ("on a", 1), ("on a mat", 1), ("cat sat on", 1)]
    for (_, _, got), want in zip(rows, [math.log(16.9), math.log(16.9), math.log(16.25), math.log(8.125)]):
        assert abs(got - want) < 1e-9, (rows, want)
    # Everything kept: word texts join "##" pieces ("cats"), [UNK] is a word like any other (only a unigram here).
    header, rows = tiny_table(mlmprep_bin, tiny_store, tmp_path, "--min-count", "1", "--max-n", "3",
                              "--size", "100", "--mix", "50,50")
    assert header["kept"] == [8, 7] and len(rows) == 15
    found = {t: (c, s) for t, c, s in rows}
    assert found["the cats"][0] == 1 and abs(found["the cats"][1] - math.log(169 / 30)) < 1e-9
    assert found["sat the"][0] == 1 and abs(found["sat the"][1] - math.log(169 / 90)) < 1e-9
    assert found["cat sat the"][0] == 1 and abs(found["cat sat the"][1] - math.log(65 / 24)) < 1e-9
    assert found["the cat sat"][0] == 2 and abs(found["the cat sat"][1] - math.log(65 / 12)) < 1e-9
    assert not any("##" in t or "[UNK]" in t for t in found)


def test_word_text_joins_pieces_that_start_with_a_combining_mark(mlmprep_bin, bert_vocab, tmp_path):
    """Word text drops the "##" of every piece after the first, also when the piece is "##" + a combining mark
    (Devanagari vowel signs: "##ी", "##ा"), where "#" + the mark is one grapheme cluster."""
    text = "भारत की राजधानी दिल्ली है\n\n" * 2
    (tmp_path / "hi.txt").write_text(text, encoding="utf-8")
    store = tokenize(mlmprep_bin, [tmp_path / "hi.txt"], bert_vocab, tmp_path / "store")
    vocab = mlmprep_reader.load_vocab(store)
    ids = next(mlmprep_reader.iter_documents(store))[0].tolist()
    assert "##ी" in [vocab[i] for i in ids]
    s = Settings(2, "document", 2, 100, [100], "pmi")
    table = pmi_table(mlmprep_bin, store, tmp_path / "t.pmi", s)
    texts = [e.text for e in reference_pmi.read_table(table).entries]
    assert "की राजधानी" in texts and not any("##" in t for t in texts), texts
    assert_matches_reference(store, table, s, "Devanagari")


# ----------------------------------------------------------------------------------------------------
# Equality with the reference


CORPORA_CASES = [
    ("en", Settings(5, "document", 2, 60, [50, 25, 12.5, 12.5], "pmi")),
    ("en", Settings(5, "sentence", 3, 40, [50, 25, 12.5, 12.5], "pmi-freq")),
    ("en", Settings(3, "document", 2, 33, [33.3, 66.7], "pmi")),
    ("multilingual", Settings(3, "document", 2, 30, [50, 50], "pmi")),
    ("multilingual", Settings(2, "sentence", 2, 25, [100], "pmi")),
    ("jsonl", Settings(4, "document", 2, 50, [40, 30, 30], "pmi-freq")),
    ("jsonl", Settings(5, "sentence", 3, 1000, [50, 25, 12.5, 12.5], "pmi")),
    ("concat", Settings(5, "document", 2, 500, [30, 30, 20, 20], "pmi")),
    ("concat", Settings(4, "sentence", 3, 100, [50, 25, 25], "pmi-freq")),
    ("concat", Settings(2, "document", 3, 7, [100], "pmi-freq")),
    # q_3 = floor(100 * 29 / 100) = 29 (100 * (29 / 100) would give 28.999999999999996 -> 28)
    ("concat", Settings(3, "document", 2, 100, [71, 29], "pmi")),
    # q_3 = floor(375 * 18.4 / 100) = 68 in doubles, as the definition says (exact decimals would give 69)
    ("concat", Settings(3, "sentence", 2, 375, [81.6, 18.4], "pmi")),
]


@pytest.mark.parametrize("name, settings", CORPORA_CASES,
                         ids=[f"{n}-{s.within}-{s.score}-n{s.max_n}-c{s.min_count}-s{s.size}" for n, s in CORPORA_CASES])
def test_corpora_match_reference(mlmprep_bin, corpora_stores, tmp_path, name, settings):
    table = pmi_table(mlmprep_bin, corpora_stores[name], tmp_path / "t.pmi", settings)
    ref, _ = assert_matches_reference(corpora_stores[name], table, settings, name)
    assert sum(ref.header["kept"]) > 0


SYNTHETIC_CASES = [
    ("small", Settings(5, "document", 3, 2000, [50, 25, 12.5, 12.5], "pmi")),
    ("small", Settings(5, "sentence", 2, 3000, [50, 25, 12.5, 12.5], "pmi-freq")),
    ("small", Settings(3, "document", 5, 500, [70, 30], "pmi-freq")),
    ("multi", Settings(4, "sentence", 2, 800, [50, 25, 25], "pmi")),
]


@pytest.mark.parametrize("name, settings", SYNTHETIC_CASES,
                         ids=[f"{n}-{s.within}-{s.score}-n{s.max_n}-c{s.min_count}-s{s.size}" for n, s in SYNTHETIC_CASES])
def test_synthetic_matches_reference(mlmprep_bin, synthetic, tmp_path, name, settings):
    table = pmi_table(mlmprep_bin, synthetic[name], tmp_path / "t.pmi", settings)
    ref, _ = assert_matches_reference(synthetic[name], table, settings, name)
    # The quota binds for some length, so the cut-off and the tie-breaks are exercised.
    assert any(k < c for k, c in zip(ref.header["kept"], ref.header["candidates"][1:])), ref.header


@pytest.mark.parametrize("max_n", [2, 3, 4, 5])
def test_default_mix_per_max_n(mlmprep_bin, corpora_stores, tmp_path, max_n):
    """Without --mix: 100 (max-n 2), 50,50 (3), 50,25,25 (4), 50,25,12.5,12.5 (5)."""
    s = Settings(max_n, "document", 2, 300, reference_pmi.default_mix(max_n), "pmi")
    table = pmi_table(mlmprep_bin, corpora_stores["concat"], tmp_path / "t.pmi", s, mix_given=False)
    assert_matches_reference(corpora_stores["concat"], table, s, f"default mix, max-n {max_n}")


def test_defaults_match_reference(mlmprep_bin, synthetic, tmp_path):
    """No settings given: --max-n 5 --within document --min-count 10 --size 800000 --mix 50,25,12.5,12.5 --score pmi."""
    table = tmp_path / "default.pmi"
    run(mlmprep_bin, "pmi", synthetic["big"], "-o", table, "--quiet")
    ref, got = assert_matches_reference(synthetic["big"], table, Settings(), "defaults")
    assert got.header["max_n"] == 5 and got.header["min_count"] == 10 and got.header["size"] == 800000
    assert ref.header["candidates"][4] > 0, "the big synthetic corpus should have frequent 5-grams"


def test_threads_give_identical_tables(mlmprep_bin, synthetic, tmp_path):
    s = Settings(5, "document", 2, 5000, [50, 25, 12.5, 12.5], "pmi")
    for name in ("multi", "big"):
        one = pmi_table(mlmprep_bin, synthetic[name], tmp_path / f"{name}-1.pmi", s, "--threads", "1")
        two = pmi_table(mlmprep_bin, synthetic[name], tmp_path / f"{name}-2.pmi", s, "--threads", "2")
        assert one.read_bytes() == two.read_bytes(), f"{name}: --threads 1 and 2 differ"


def test_stats_json_and_overwrite(mlmprep_bin, synthetic, tmp_path):
    s = Settings(3, "document", 3, 100, [50, 50], "pmi")
    table, stats = tmp_path / "t.pmi", tmp_path / "stats.json"
    pmi_table(mlmprep_bin, synthetic["small"], table, s, "--stats-json", stats)
    assert isinstance(json.loads(stats.read_text()), dict)
    again = run(mlmprep_bin, "pmi", synthetic["small"], "-o", table, *settings_args(s), "--quiet", expect=None)
    assert again.returncode != 0, "an existing table must not be replaced without --overwrite"
    pmi_table(mlmprep_bin, synthetic["small"], table, s, "--overwrite")


# ----------------------------------------------------------------------------------------------------
# Scale-out in rounds


def scale_out(mlmprep_bin, store: Path, work: Path, workers: int, s: Settings, order=sorted) -> Path:
    """Round 1: count with --worker I/N, merge with --min-count; rounds 2..max_n: count --after the previous
    merge and merge --after it; the last merge writes the table (--size --mix --score). `order` orders the part
    files given to merge."""
    work.mkdir(parents=True, exist_ok=True)
    after = None
    for level in range(1, s.max_n + 1):
        parts = []
        for i in range(workers):
            part = work / f"part{level}.{i}"
            extra = ["--within", s.within, "--max-n", s.max_n] if level == 1 else ["--after", after]
            run(mlmprep_bin, "pmi", "count", store, "--worker", f"{i}/{workers}", *extra, "-o", part, "--quiet")
            parts.append(part)
        out = work / (f"counts{level}" if level < s.max_n else "table.pmi")
        extra = ["--min-count", s.min_count] if level == 1 else ["--after", after]
        if level == s.max_n:
            extra += ["--size", s.size, "--mix", ",".join(f"{m:g}" for m in s.mix), "--score", s.score]
        run(mlmprep_bin, "pmi", "merge", *order(parts), "-o", out, *extra, "--quiet")
        after = out
    return after


@pytest.mark.parametrize("workers, settings", [
    (3, Settings(5, "document", 2, 3000, [40, 30, 20, 10], "pmi")),
    (3, Settings(4, "sentence", 3, 500, [50, 25, 25], "pmi-freq")),
    (1, Settings(3, "document", 2, 800, [50, 50], "pmi")),
    (10, Settings(3, "sentence", 2, 800, [60, 40], "pmi-freq")),  # more workers than the store's 7 records
], ids=["3-workers-n5", "3-workers-n4-sentence", "1-worker", "10-workers"])
def test_scale_out_equals_single_run(mlmprep_bin, synthetic, tmp_path, workers, settings):
    store = synthetic["multi"]
    single = pmi_table(mlmprep_bin, store, tmp_path / "single.pmi", settings)
    merged = scale_out(mlmprep_bin, store, tmp_path / "rounds", workers, settings,
                       order=lambda parts: sorted(parts, key=str))  # part1.10 before part1.2, as a shell glob
    assert merged.read_bytes() == single.read_bytes(), f"{workers} workers: the merged table differs"
    assert_matches_reference(store, merged, settings, f"{workers} workers")


def test_scale_out_parts_in_any_order(mlmprep_bin, synthetic, tmp_path):
    s = Settings(3, "document", 2, 400, [50, 50], "pmi")
    single = pmi_table(mlmprep_bin, synthetic["multi"], tmp_path / "single.pmi", s)
    merged = scale_out(mlmprep_bin, synthetic["multi"], tmp_path / "rounds", 3, s,
                       order=lambda parts: list(reversed(parts)))
    assert merged.read_bytes() == single.read_bytes()


# ----------------------------------------------------------------------------------------------------
# pmi show


def test_show_lists_the_top_entries(mlmprep_bin, synthetic, tmp_path):
    s = Settings(4, "document", 3, 600, [50, 25, 25], "pmi")
    table = pmi_table(mlmprep_bin, synthetic["small"], tmp_path / "t.pmi", s)
    entries = reference_pmi.read_table(table).entries
    for n, top in ((2, 5), (3, 4), (4, 3)):
        shown = run(mlmprep_bin, "pmi", "show", table, "--n", n, "--top", top).stdout.decode()
        lines = [line for line in shown.splitlines() if line.strip()]
        want = [e for e in entries if e.n == n][:top]
        assert len(want) == top
        position = -1
        for e in want:  # in table order, each on a line of its own with its count and score
            hits = [i for i, line in enumerate(lines) if i > position and _shows(line, e)]
            assert hits, f"--n {n} --top {top}: {e.text!r} count {e.count} score {e.score} not shown " \
                         f"(after line {position}):\n{shown}"
            position = hits[0]
    shown = run(mlmprep_bin, "pmi", "show", table).stdout.decode()
    assert entries[0].text in shown


def _shows(line: str, e) -> bool:
    """The line holds the n-gram's text, its count as a number of its own and its score (maybe rounded)."""
    if e.text not in line:
        return False
    words = line.replace(e.text, " ", 1).replace("\t", " ").split()
    numbers = []
    for w in words:
        try:
            numbers.append(float(w.strip("(),;:=")))
        except ValueError:
            pass
    return str(e.count) in [w.strip("(),;:=") for w in words] and any(abs(x - e.score) <= 0.051 for x in numbers)


# ----------------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("args, words", [
    (["--mix", "50,25,12.5"], "--mix"),                  # 3 numbers for --max-n 5
    (["--mix", "50,25,12.5,10"], "--mix"),               # sums to 97.5
    (["--max-n", "3", "--mix", "60,50"], "--mix"),       # sums to 110
    (["--min-count", "0"], "--min-count"),
    (["--max-n", "1"], "--max-n"),
])
def test_bad_settings_exit_2(mlmprep_bin, synthetic, tmp_path, args, words):
    result = run(mlmprep_bin, "pmi", synthetic["small"], "-o", tmp_path / "t.pmi", *args, expect=2)
    assert words in result.stderr.decode(), result.stderr.decode()
    assert not (tmp_path / "t.pmi").exists()


def _count(mlmprep_bin, store, out, worker, *extra):
    run(mlmprep_bin, "pmi", "count", store, "--worker", worker, *extra, "-o", out, "--quiet")
    return out


def _failed_merge(mlmprep_bin, out, *parts_and_args, says: str):
    """A merge that must fail with exit 1 and one line naming the offending part and saying ``says`` (a regex)."""
    result = run(mlmprep_bin, "pmi", "merge", *parts_and_args, "-o", out, "--quiet", expect=1)
    message = result.stderr.decode().strip()
    assert len(message.splitlines()) == 1, message
    assert re.fullmatch(rf"mlmprep: error: \S+: {says}", message), f"expected {says!r}, got {message!r}"
    assert not out.exists(), "a failed merge must not leave an output"
    return message


def test_merge_with_a_missing_worker_part(mlmprep_bin, synthetic, tmp_path):
    store = synthetic["multi"]
    parts = [_count(mlmprep_bin, store, tmp_path / f"part1.{i}", f"{i}/3", "--max-n", "3") for i in range(3)]
    _failed_merge(mlmprep_bin, tmp_path / "counts1", parts[0], parts[2], "--min-count", "2",
                  says=r"the part of worker 1/3 in round 1 is missing; count it with `mlmprep pmi count STORE "
                       r"--worker 1/3`")
    _failed_merge(mlmprep_bin, tmp_path / "counts1", parts[0], parts[1], parts[1], parts[2], "--min-count", "2",
                  says=rf"worker 1/3 is given twice \(also {re.escape(str(parts[1]))}\)")
    counts1 = tmp_path / "counts1"
    run(mlmprep_bin, "pmi", "merge", *parts, "-o", counts1, "--min-count", "2", "--quiet")
    # the same in a later round
    later = [_count(mlmprep_bin, store, tmp_path / f"part2.{i}", f"{i}/3", "--after", counts1) for i in range(3)]
    _failed_merge(mlmprep_bin, tmp_path / "counts2", later[1], later[2], "--after", counts1,
                  says=r"the part of worker 0/3 in round 2 is missing; count it with `mlmprep pmi count STORE "
                       r"--worker 0/3 --after …`")


def test_merge_refuses_parts_of_different_stores_or_settings(mlmprep_bin, synthetic, tmp_path):
    a, b = synthetic["multi"], synthetic["big"]
    p0 = _count(mlmprep_bin, a, tmp_path / "a.0", "0/2", "--max-n", "3")
    p1_other_store = _count(mlmprep_bin, b, tmp_path / "b.1", "1/2", "--max-n", "3")
    p1_sentence = _count(mlmprep_bin, a, tmp_path / "s.1", "1/2", "--max-n", "3", "--within", "sentence")
    p1_max_n = _count(mlmprep_bin, a, tmp_path / "m.1", "1/2", "--max-n", "4")
    p1_of_3 = _count(mlmprep_bin, a, tmp_path / "w.1", "1/3", "--max-n", "3")
    one_round = rf" in {re.escape(str(p0))}; merge the parts of one round only"
    for other, says in ((p1_other_store, r"the store [0-9a-f]{12}… differs from [0-9a-f]{12}…"),
                        (p1_sentence, r"the settings 3/sentence differs from 3/document"),
                        (p1_max_n, r"the settings 4/document differs from 3/document"),
                        (p1_of_3, r"the worker count 3 differs from 2")):
        message = _failed_merge(mlmprep_bin, tmp_path / "counts1", p0, other, "--min-count", "2",
                                says=says + one_round)
        assert str(other) in message


def test_merge_refuses_mixed_levels(mlmprep_bin, synthetic, tmp_path):
    store = synthetic["multi"]
    level1 = [_count(mlmprep_bin, store, tmp_path / f"part1.{i}", f"{i}/2", "--max-n", "4") for i in range(2)]
    counts1 = tmp_path / "counts1"
    run(mlmprep_bin, "pmi", "merge", *level1, "-o", counts1, "--min-count", "2", "--quiet")
    level2 = [_count(mlmprep_bin, store, tmp_path / f"part2.{i}", f"{i}/2", "--after", counts1) for i in range(2)]
    def other_round(mine, theirs, first):
        return rf"round {mine} differs from {theirs} in {re.escape(str(first))}; merge the parts of one round only"
    _failed_merge(mlmprep_bin, tmp_path / "mixed", level1[0], level2[1], "--after", counts1,
                  says=other_round(2, 1, level1[0]))
    _failed_merge(mlmprep_bin, tmp_path / "mixed", level2[0], level1[1], "--after", counts1,
                  says=other_round(1, 2, level2[0]))
    _failed_merge(mlmprep_bin, tmp_path / "mixed", level2[0], level1[1], "--min-count", "2",
                  says=other_round(1, 2, level2[0]))
    # Parts counted after different merges (another --min-count in round 1) do not belong together, and parts
    # merged --after a count file other than the one they were counted with are refused.
    counts1b = tmp_path / "counts1b"
    run(mlmprep_bin, "pmi", "merge", *level1, "-o", counts1b, "--min-count", "3", "--quiet")
    other = _count(mlmprep_bin, store, tmp_path / "other2.1", "1/2", "--after", counts1b)
    other_after = rf"the --after file +differs from the one in {re.escape(str(level2[0]))}; merge the parts of one round only"
    _failed_merge(mlmprep_bin, tmp_path / "mixed", level2[0], other, "--after", counts1, says=other_after)
    _failed_merge(mlmprep_bin, tmp_path / "mixed", level2[0], other, "--after", counts1b, says=other_after)
    _failed_merge(mlmprep_bin, tmp_path / "mixed", *level2, "--after", counts1b,
                  says=r"the parts were counted with another --after file than this one; give the same file")
    # counting round 3 needs the merged round-2 counts: a round-1 part or a finished table are not count files
    run(mlmprep_bin, "pmi", "merge", *level2, "-o", tmp_path / "counts2", "--after", counts1, "--quiet")
    bad = run(mlmprep_bin, "pmi", "count", store, "--worker", "0/2", "--after", level1[0], "-o", tmp_path / "x",
              "--quiet", expect=None)
    assert bad.returncode == 1 and not (tmp_path / "x").exists(), bad
    assert bad.stderr.decode().strip() == (f"mlmprep: error: {level1[0]}: --after needs a count file written by "
                                           "mlmprep pmi merge, not a part file"), bad.stderr


def test_mask_refuses_a_table_of_another_vocab(mlmprep_bin, synthetic, corpora_stores, tmp_path):
    table = pmi_table(mlmprep_bin, corpora_stores["en"], tmp_path / "en.pmi",
                      Settings(3, "document", 2, 100, [50, 50], "pmi"))
    out = tmp_path / "masked"
    result = run(mlmprep_bin, "mask", synthetic["small"], "--strategy", "pmi", "--pmi", table, "-o", out,
                 "--quiet", expect=1)
    assert "vocab" in result.stderr.decode().lower(), result.stderr.decode()
    assert not (out / "manifest.json").exists()


def test_pmi_strategy_needs_a_table(mlmprep_bin, synthetic, tmp_path):
    for args in (["--strategy", "pmi"], ["--preset", "pmi"]):
        result = run(mlmprep_bin, "mask", synthetic["small"], *args, "-o", tmp_path / "x", "--quiet", expect=2)
        assert "--pmi" in result.stderr.decode(), result.stderr.decode()


# ----------------------------------------------------------------------------------------------------
# PMI masking


@pytest.fixture(scope="module")
def masking_table(mlmprep_bin, synthetic, tmp_path_factory) -> Path:
    # --within sentence: no table n-gram spans a sentence end, so no occurrence found in a packed sequence
    # crosses a sentence boundary (sentences end with a mark that never occurs inside one).
    s = Settings(5, "sentence", 5, 40000, [40, 30, 15, 15], "pmi")
    return pmi_table(mlmprep_bin, synthetic["big"], tmp_path_factory.mktemp("pmi-mask") / "big.pmi", s)


def masked_sequences(out: Path, vocab: list[str], max_batches: int | None = None):
    """Yield (original ids, predicted mask, input ids) per sequence, [CLS]/[SEP]/padding cut out: one item per
    stretch between special tokens."""
    specials = {vocab.index(t) for t in ("[CLS]", "[SEP]", "[PAD]")}
    for number, batch in enumerate(mlmprep_reader.iter_batches(out)):
        if max_batches is not None and number >= max_batches:
            break
        ids, labels, attention = batch["input_ids"], batch["labels"], batch["attention_mask"]
        for row in range(ids.shape[0]):
            real = attention[row] == 1
            original = np.where(labels[row] != -100, labels[row], ids[row])[real]
            predicted = (labels[row] != -100)[real]
            given = ids[row][real].astype(np.int64)
            start = None
            for i in range(len(original) + 1):
                if i == len(original) or int(original[i]) in specials:
                    if start is not None and i > start:
                        yield original[start:i], predicted[start:i], given[start:i]
                    start = None
                elif start is None:
                    start = i


def occurrences(original, vocab, table_n: dict[str, int], max_n: int):
    """Table n-gram occurrences in a stretch of tokens: (first token, end token, n). Words: a token not starting
    with ## starts one."""
    starts = [i for i, t in enumerate(original.tolist()) if i == 0 or not vocab[t].startswith("##")]
    bounds = starts + [len(original)]
    texts = []
    for a, b in zip(bounds, bounds[1:]):
        pieces = [vocab[int(t)] for t in original[a:b]]
        texts.append(pieces[0] + "".join(p[2:] if p.startswith("##") else p for p in pieces[1:]))
    found = []
    for n in range(2, max_n + 1):
        for i in range(len(texts) - n + 1):
            if " ".join(texts[i:i + n]) in table_n:
                found.append((bounds[i], bounds[i + n], n))
    return found, starts


def check_pmi_units(out: Path, table: Path, vocab: list[str], max_batches: int | None = None) -> dict:
    """Counts over every stretch of every masked sequence:
    isolated / isolated_split: occurrences that overlap no other occurrence / of those, partly predicted;
    longest / longest_split: occurrences overlapped only by shorter ones (longest match first) / partly predicted;
    whole_predicted / mixed_replacement: such occurrences fully predicted / with [MASK] on some tokens only;
    runs / runs_not_word_aligned: maximal predicted runs / those that start or end inside a word."""
    entries = reference_pmi.read_table(table).entries
    table_n = {e.text: e.n for e in entries}
    max_n = max(table_n.values())
    mask_id = vocab.index("[MASK]")
    stats = dict(tokens=0, predicted=0, occurrences=0, isolated=0, isolated_hit=0, isolated_split=0, longest=0,
                 longest_split=0, whole_predicted=0, mixed_replacement=0, runs=0, runs_not_word_aligned=0,
                 example=None)
    for original, predicted, given in masked_sequences(out, vocab, max_batches):
        size = len(original)
        stats["tokens"] += size
        stats["predicted"] += int(predicted.sum())
        found, starts = occurrences(original, vocab, table_n, max_n)
        word_start = np.zeros(size + 1, bool)
        word_start[starts] = True
        word_start[size] = True
        edges = np.flatnonzero(np.diff(np.concatenate([[0], predicted.astype(np.int8), [0]])))
        for a, b in zip(edges[::2], edges[1::2]):
            stats["runs"] += 1
            stats["runs_not_word_aligned"] += int(not (word_start[a] and word_start[b]))
        if not found:
            continue
        stats["occurrences"] += len(found)
        # coverage[n][i]: occurrences of n or more words that cover token i
        delta = np.zeros((max_n + 2, size + 1), np.int32)
        for a, b, n in found:
            delta[n, a] += 1
            delta[n, b] -= 1
        coverage = np.cumsum(np.cumsum(delta[::-1], axis=0)[::-1], axis=1)
        for a, b, n in found:
            hit = predicted[a:b]
            partial = bool(hit.any() and not hit.all())
            if (coverage[2, a:b] == 1).all():  # no other occurrence overlaps it
                stats["isolated"] += 1
                stats["isolated_hit"] += int(hit.any())
                if partial:
                    stats["isolated_split"] += 1
                    stats["example"] = stats["example"] or (vocab_text(original[a:b], vocab), hit.tolist())
            if (coverage[n, a:b] == 1).all():  # only shorter occurrences overlap it
                stats["longest"] += 1
                stats["longest_split"] += int(partial)
                if hit.all():
                    stats["whole_predicted"] += 1
                    masked = given[a:b] == mask_id
                    stats["mixed_replacement"] += int(masked.any() and not masked.all())
    return stats


def vocab_text(ids, vocab) -> str:
    return " ".join(vocab[int(t)] for t in ids)


def mask_pmi(mlmprep_bin, store, table, out, *args):
    run(mlmprep_bin, "mask", store, "--strategy", "pmi", "--pmi", table, "-o", out, "--seq-len", "128",
        "--batch-size", "64", "--quiet", *args)
    return out


@pytest.fixture(scope="module")
def pmi_masked(mlmprep_bin, synthetic, masking_table, tmp_path_factory) -> Path:
    return mask_pmi(mlmprep_bin, synthetic["big"], masking_table, tmp_path_factory.mktemp("pmi-masked") / "out",
                    "--rate", "0.4", "--seed", "11")


def realised(out: Path, vocab: list[str]) -> tuple[int, int]:
    """(predicted, candidates): candidates are the real tokens other than [CLS] and [SEP] (--pack full puts a
    [SEP] between documents inside sequences)."""
    specials = [vocab.index("[CLS]"), vocab.index("[SEP]")]
    predicted = candidates = 0
    for batch in mlmprep_reader.iter_batches(out):
        labels = batch["labels"]
        special = np.isin(batch["input_ids"], specials) & (labels == -100)
        predicted += int((labels != -100).sum())
        candidates += int(((batch["attention_mask"] == 1) & ~special).sum())
    return predicted, candidates


def test_pmi_masking_rate(mlmprep_bin, synthetic, pmi_masked):
    manifest = json.loads((pmi_masked / "manifest.json").read_text())
    predicted, candidates = realised(pmi_masked, mlmprep_reader.load_vocab(synthetic["big"]))
    assert candidates >= 200_000, f"only {candidates} candidate tokens: make the synthetic corpus larger"
    assert predicted == manifest["counts"]["predicted"] and candidates == manifest["counts"]["candidates"]
    rate = predicted / candidates
    assert abs(rate - 0.4) <= 0.002, f"realised rate {rate:.5f} over {candidates} tokens, expected 0.4 +- 0.002"


@pytest.fixture(scope="module")
def pmi_masked_stats(synthetic, masking_table, pmi_masked) -> dict:
    return check_pmi_units(pmi_masked, masking_table, mlmprep_reader.load_vocab(synthetic["big"]))


def test_pmi_masking_keeps_table_ngrams_whole(pmi_masked_stats):
    stats = pmi_masked_stats
    assert stats["isolated"] >= 2000 and stats["isolated_hit"] >= 500, stats  # the check has material
    assert stats["isolated_split"] == 0, (
        f"{stats['isolated_split']} of {stats['isolated']} table n-gram occurrences that overlap no other occurrence "
        f"are partly predicted, e.g. {stats['example']}: {stats}")
    assert stats["runs_not_word_aligned"] == 0, f"predicted runs that cut a word: {stats}"


def test_pmi_masking_longest_match_first(pmi_masked_stats):
    """Stronger (longest first): an occurrence that overlaps only shorter occurrences is a unit, so it is
    predicted whole or not at all."""
    stats = pmi_masked_stats
    assert stats["longest"] > stats["isolated"], stats
    assert stats["longest_split"] == 0, f"longer matches do not win over shorter ones: {stats}"


def test_pmi_units_share_one_replacement(mlmprep_bin, synthetic, masking_table, tmp_path):
    """With --replace 0.5,0.5,0 drawn per unit, a table n-gram predicted as one unit is all [MASK] or all
    random; the same check on whole-word masking finds mixed n-grams (so it tells units from adjacent words)."""
    vocab = mlmprep_reader.load_vocab(synthetic["big"])
    out = mask_pmi(mlmprep_bin, synthetic["big"], masking_table, tmp_path / "r", "--rate", "0.4",
                   "--replace", "0.5,0.5,0", "--seed", "5")
    stats = check_pmi_units(out, masking_table, vocab)
    assert stats["whole_predicted"] >= 500 and stats["mixed_replacement"] == 0, stats
    words = tmp_path / "w"
    run(mlmprep_bin, "mask", synthetic["big"], "--strategy", "word", "-o", words, "--seq-len", "128",
        "--batch-size", "64", "--rate", "0.4", "--replace", "0.5,0.5,0", "--seed", "5", "--quiet")
    control = check_pmi_units(words, masking_table, vocab, max_batches=8)
    assert control["isolated_split"] > 0 and control["mixed_replacement"] > 0, control


def test_pmi_masking_is_deterministic(mlmprep_bin, synthetic, masking_table, pmi_masked, tmp_path):
    def shards(d):
        return [p.read_bytes() for p in sorted(d.glob("*.mlmb.zst"))]

    again = mask_pmi(mlmprep_bin, synthetic["big"], masking_table, tmp_path / "again", "--rate", "0.4",
                     "--seed", "11", "--threads", "1")
    assert shards(again) == shards(pmi_masked), "same seed, another run (--threads 1): different bytes"
    other = mask_pmi(mlmprep_bin, synthetic["big"], masking_table, tmp_path / "other", "--rate", "0.4",
                     "--seed", "12")
    assert shards(other) != shards(pmi_masked)


def test_pmi_preset(mlmprep_bin, synthetic, masking_table, tmp_path):
    out = tmp_path / "preset"
    run(mlmprep_bin, "mask", synthetic["big"], "--preset", "pmi", "--pmi", masking_table, "-o", out,
        "--seq-len", "128", "--batch-size", "64", "--quiet")
    predicted, candidates = realised(out, mlmprep_reader.load_vocab(synthetic["big"]))
    assert abs(predicted / candidates - 0.15) <= 0.003, predicted / candidates
    stats = check_pmi_units(out, masking_table, mlmprep_reader.load_vocab(synthetic["big"]), max_batches=12)
    assert stats["isolated_hit"] > 50 and stats["isolated_split"] == 0 and stats["runs_not_word_aligned"] == 0, stats
