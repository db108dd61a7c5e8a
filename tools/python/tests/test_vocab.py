"""``mlmprep vocab`` against Hugging Face ``tokenizers``' ``BertWordPieceTokenizer.train`` (same corpus, same
settings): the vocabularies must be equal, token for token and id for id.

``tokenizers`` leaves two choices to chance (its word counts live in a hash map seeded per process): which of
several equally frequent characters ``limit_alphabet`` drops, and the ids of the ``##c`` continuation
characters -- and, through ties broken by pair ids, the order of equal-count merges. Two runs of
``tokenizers`` on the same input therefore give different vocabularies (``test_reference_is_not_deterministic``
shows it). So each comparison hands ``mlmprep vocab`` the reference's own draw (``--alphabet-like``: its alphabet
and its ``##c`` order, checked to be a valid cut of this corpus) and then requires every other token -- the
merges, which are most of the vocabulary -- to be equal.
"""

import json
import random
import subprocess
from pathlib import Path

import pytest
from tokenizers import BertWordPieceTokenizer, Tokenizer

CORPORA = Path(__file__).resolve().parents[3] / "corpora"
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# Scripts for the synthetic corpus: a few letters each, so that words share pieces and merges recur.
SCRIPTS = [
    "etaoinshrdlucmfwypvbgkqjxz" + "éèêàçñöüß",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह" + "ािीुूेैोौं्",
    "가나다라마바사아자차카타파하각난달람맙밧상앙잦찿캌탙팦핳",
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
    "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศสหอฮะาิีึืุู",
    "אבגדהוזחטיכלמנסעפצקרשת",
    "😀😂🙂🚀🌍✨",
]
PUNCTUATION = list(".,;:!?()[]\"'-«»…、。")


def synthetic_lines(seed: int, lines: int) -> list[str]:
    """Zipf-distributed words from a fixed lexicon of many scripts, with case, punctuation and accents."""
    rng = random.Random(seed)
    lexicon = []
    for _ in range(2500):
        letters = rng.choice(SCRIPTS)
        word = "".join(rng.choice(letters) for _ in range(rng.randint(1, 9)))
        if rng.random() < 0.3:
            word = word.capitalize()
        lexicon.append(word)
    weights = [1.0 / (rank + 1) for rank in range(len(lexicon))]
    out = []
    for _ in range(lines):
        words = rng.choices(lexicon, weights, k=rng.randint(1, 14))
        line = " ".join(w + (rng.choice(PUNCTUATION) if rng.random() < 0.1 else "") for w in words)
        out.append(line)
        if rng.random() < 0.15:
            out.append("")
    return out


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[str, tuple[list[Path], Path]]:
    """Training files and a held-out file per corpus."""
    root = tmp_path_factory.mktemp("vocab-corpora")
    english = (CORPORA / "en.txt").read_text(encoding="utf-8").split("\n")
    en_train = write(root / "en-train.txt", [l for i, l in enumerate(english) if i % 5 != 4])
    adversarial = (CORPORA / "adversarial.txt").read_bytes().decode("utf-8", "replace").split("\n")
    en_held = write(root / "en-held.txt", [l for i, l in enumerate(english) if i % 5 == 4 and l] + adversarial
                    + synthetic_lines(11, 1200))
    multi = (CORPORA / "multilingual.txt").read_text(encoding="utf-8").split("\n")
    multi_train = write(root / "multi-train.txt", synthetic_lines(20261204, 5000) + multi[: len(multi) * 3 // 4])
    multi_held = write(root / "multi-held.txt", [l for l in synthetic_lines(7, 1500) + multi[len(multi) * 3 // 4:] if l])
    # adversarial.txt: special-token texts, invalid-looking marks, controls, every kind of white space.
    return {"en": ([en_train], en_held),
            "multi": ([multi_train, CORPORA / "en.txt", CORPORA / "adversarial.txt"], multi_held)}


def train_reference(files: list[Path], lowercase: bool, size: int, min_frequency: int, limit: int, out: Path) -> Path:
    tokenizer = BertWordPieceTokenizer(lowercase=lowercase)
    tokenizer.train([str(f) for f in files], vocab_size=size, min_frequency=min_frequency, limit_alphabet=limit,
                    special_tokens=SPECIALS, show_progress=False)
    vocab = sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
    assert [i for _, i in vocab] == list(range(len(vocab)))
    out.write_text("".join(token + "\n" for token, _ in vocab), encoding="utf-8")
    return out


def train_ours(mlmprep_bin: str, files: list[Path], lowercase: bool, size: int, min_frequency: int, limit: int,
               out: Path, reference: Path | None = None, extra: list[str] | None = None) -> Path:
    args = [mlmprep_bin, "vocab", *map(str, files), "-o", str(out), "--size", str(size), "--min-frequency",
            str(min_frequency), "--limit-alphabet", str(limit), "--quiet", *(extra or [])]
    if not lowercase:
        args.append("--cased")
    if reference is not None:
        args += ["--alphabet-like", str(reference)]
    result = subprocess.run(args, capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    return out


def tokens(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return text[:-1].split("\n")


def assert_equal_vocabularies(ours: list[str], reference: list[str], label: str) -> None:
    differing = [i for i in range(max(len(ours), len(reference)))
                 if i >= len(ours) or i >= len(reference) or ours[i] != reference[i]]
    if differing:
        shown = [f"  id {i}: ours {ours[i] if i < len(ours) else None!r}, "
                 f"tokenizers {reference[i] if i < len(reference) else None!r}" for i in differing[:20]]
        print(f"{label}: {len(differing)} of {len(reference)} entries differ\n" + "\n".join(shown))
    assert len(differing) <= len(reference) // 1000, f"{label}: {len(differing)} of {len(reference)} entries differ"


CASES = [
    # (corpus, lowercase, size, min_frequency, limit_alphabet)
    ("en", True, 1, 2, 1000),        # smaller than the special tokens: nothing is cut, nothing merged
    ("en", True, 60, 2, 1000),       # below alphabet + ##c
    ("en", True, 500, 2, 1000),
    ("en", True, 30522, 2, 1000),    # merging stops on min_frequency
    ("en", False, 800, 2, 1000),
    ("en", True, 800, 0, 1000),
    ("en", True, 800, 1, 1000),
    ("en", True, 800, 5, 1000),
    ("en", True, 800, 2, 10),        # alphabet cut with ties
    ("en", False, 300, 3, 20),
    ("multi", True, 5, 2, 1000),
    ("multi", True, 600, 2, 1000),   # below the alphabet
    ("multi", True, 4000, 2, 1000),
    ("multi", False, 4000, 2, 1000),
    ("multi", True, 30522, 2, 1000),
    ("multi", True, 3000, 2, 150),
    ("multi", False, 3000, 0, 300),
    ("multi", True, 2000, 1, 40),
    ("multi", False, 2500, 7, 1000),
    ("multi", True, 100, 2, 0),      # no alphabet at all: the special tokens only
]


@pytest.mark.parametrize("corpus,lowercase,size,min_frequency,limit", CASES)
def test_equal_to_tokenizers(mlmprep_bin, corpora, tmp_path, corpus, lowercase, size, min_frequency, limit):
    files, _ = corpora[corpus]
    reference = train_reference(files, lowercase, size, min_frequency, limit, tmp_path / "reference.txt")
    ours = train_ours(mlmprep_bin, files, lowercase, size, min_frequency, limit, tmp_path / "ours.txt", reference)
    expected = tokens(reference)
    got = tokens(ours)
    assert got[:len(SPECIALS)] == SPECIALS
    assert_equal_vocabularies(got, expected, f"{corpus} lowercase={lowercase} size={size} min={min_frequency} "
                                             f"limit={limit}")
    # Without the reference's draw: the same special tokens, alphabet and ##c tokens (in code-point order), and
    # merges that differ only where tokenizers broke a tie by its random ids.
    free = tokens(train_ours(mlmprep_bin, files, lowercase, size, min_frequency, limit, tmp_path / "free.txt"))
    initial = [t for t in expected if len(t) == 1 or (t.startswith("##") and len(t) == 3)]
    if sum(1 for t in initial if len(t) == 1) < limit:  # no alphabet cut, so no tie at the cut either
        assert [t for t in free if len(t) == 1 or (t.startswith("##") and len(t) == 3)] == sorted(
            (t for t in initial if len(t) == 1), key=ord) + sorted((t for t in initial if len(t) == 3), key=lambda t: ord(t[2]))
    common = len(set(free) & set(expected))
    print(f"without the reference's draw: {common} of {len(expected)} tokens in common")


@pytest.mark.parametrize("corpus,lowercase", [("en", True), ("multi", False), ("multi", True)])
def test_held_out_ids(mlmprep_bin, corpora, tmp_path, corpus, lowercase):
    """Held-out text: tokenizers with its own vocab and mlmprep encode with mlmprep's give the same ids."""
    files, held = corpora[corpus]
    reference = train_reference(files, lowercase, 3000, 2, 1000, tmp_path / "reference.txt")
    ours = train_ours(mlmprep_bin, files, lowercase, 3000, 2, 1000, tmp_path / "ours.txt", reference)
    lines = [l.rstrip("\r") for l in held.read_bytes().decode("utf-8", "replace").split("\n")[:-1]]
    expected = BertWordPieceTokenizer(str(reference), lowercase=lowercase).encode_batch(lines, add_special_tokens=False)
    args = [mlmprep_bin, "encode", "--file", str(held), "--show", "ids", "--vocab", str(ours)]
    result = subprocess.run(args + ([] if lowercase else ["--cased"]), capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    got = result.stdout.decode().split("\n")[:-1]
    assert len(got) == len(lines)
    same = sum(1 for want, line in zip(expected, got) if want.ids == [int(x) for x in line.split()])
    assert len(lines) > 1000
    assert same >= 0.999 * len(lines), f"{len(lines) - same} of {len(lines)} held-out lines differ"


@pytest.mark.parametrize("lowercase", [True, False])
def test_tokenizer_json_round_trip(mlmprep_bin, corpora, tmp_path, lowercase):
    """The tokenizer.json loads in tokenizers, equals what BertWordPieceTokenizer saves for the same vocab, and
    gives mlmprep's ids on the adversarial sample (with and without [CLS]/[SEP])."""
    files, _ = corpora["multi"]
    tokenizer_json = tmp_path / "tokenizer.json"
    vocab = train_ours(mlmprep_bin, files, lowercase, 2500, 2, 1000, tmp_path / "vocab.txt",
                       extra=["--tokenizer-json", str(tokenizer_json)])
    loaded = Tokenizer.from_file(str(tokenizer_json))
    assert loaded.get_vocab() == {t: i for i, t in enumerate(tokens(vocab))}
    saved = json.loads(BertWordPieceTokenizer(str(vocab), lowercase=lowercase).to_str())
    ours = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    saved["added_tokens"].sort(key=lambda t: t["id"])
    assert ours == saved
    adversarial = CORPORA / "adversarial.txt"
    lines = [l[:-1] if l.endswith(b"\r") else l for l in adversarial.read_bytes().split(b"\n")]
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [l.decode("utf-8", "replace") for l in lines]
    for source in (["--tokenizer", str(tokenizer_json)], ["--vocab", str(vocab)] + ([] if lowercase else ["--cased"])):
        result = subprocess.run([mlmprep_bin, "encode", "--file", str(adversarial), "--show", "ids", *source],
                                capture_output=True, timeout=600)
        assert result.returncode == 0, result.stderr.decode()
        got = [[int(x) for x in line.split()] for line in result.stdout.decode().split("\n")[:-1]]
        expected = loaded.encode_batch(lines, add_special_tokens=False)
        assert len(got) == len(lines)
        bad = [i for i, (want, ids) in enumerate(zip(expected, got)) if want.ids != ids]
        assert not bad, f"{len(bad)} adversarial lines differ, first line {bad[0] + 1}"
    cls, sep = loaded.token_to_id("[CLS]"), loaded.token_to_id("[SEP]")
    assert loaded.encode("hello world").ids == [cls] + loaded.encode("hello world", add_special_tokens=False).ids + [sep]


def test_reference_is_not_deterministic(corpora, tmp_path):
    """Why the comparisons pin the reference's draw: tokenizers itself differs from run to run (in a fresh process
    each time, as its hash seed is per process). Prints what differs; asserts only that each run is well formed."""
    files, _ = corpora["en"]
    runs = []
    for number in range(3):
        out = tmp_path / f"run{number}.txt"
        script = ("import sys; from tokenizers import BertWordPieceTokenizer as B; t = B(); "
                  f"t.train({[str(f) for f in files]!r}, vocab_size=800, show_progress=False); "
                  "v = sorted(t.get_vocab().items(), key=lambda x: x[1]); "
                  f"open({str(out)!r}, 'w').write(''.join(k + chr(10) for k, _ in v))")
        subprocess.run([__import__("sys").executable, "-c", script], check=True, timeout=300)
        runs.append(tokens(out))
        assert runs[-1][:len(SPECIALS)] == SPECIALS
    differing = sum(1 for a, b in zip(runs[0], runs[1]) if a != b)
    print(f"tokenizers run 1 vs run 2: {differing} of {len(runs[0])} ids hold different tokens; "
          f"{len(set(runs[0]) ^ set(runs[1]))} tokens are in only one of them")


def test_deterministic_across_threads(mlmprep_bin, corpora, tmp_path):
    files, _ = corpora["multi"]
    outputs = []
    for threads in (1, 2, 3):
        out = train_ours(mlmprep_bin, files, True, 3000, 2, 1000, tmp_path / f"t{threads}.txt",
                         extra=["--threads", str(threads), "--tokenizer-json", str(tmp_path / f"t{threads}.json")])
        outputs.append((out.read_bytes(), (tmp_path / f"t{threads}.json").read_bytes()))
    assert outputs[0] == outputs[1] == outputs[2]


def run(mlmprep_bin, *args, stdin=None):
    return subprocess.run([mlmprep_bin, "vocab", *args], capture_output=True, timeout=120, input=stdin)


def test_bad_usage_and_input(mlmprep_bin, tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("hello world\n", encoding="utf-8")
    out = str(tmp_path / "v.txt")
    for args, needle in [
        ([str(text), "-o", out, "--size", "0"], "--size"),
        ([str(text), "-o", out, "--min-frequency", "-1"], "--min-frequency"),
        ([str(text), "-o", out, "--special-tokens", "[PAD],[CLS]"], "[UNK]"),
        ([str(text), "-o", out, "--special-tokens", "[UNK],[UNK]"], "twice"),
        ([str(text), "-o", out, "--special-tokens", "[UNK],,[CLS]"], "empty"),
        (["-o", out], "input"),
        ([str(text)], "--output"),
    ]:
        result = run(mlmprep_bin, *args)
        assert result.returncode == 2, (args, result.stderr.decode())
        assert needle in result.stderr.decode(), (args, result.stderr.decode())
    missing = tmp_path / "missing.txt"
    result = run(mlmprep_bin, str(missing), "-o", out)
    assert result.returncode == 1 and str(missing) in result.stderr.decode()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n\n  \n")
    result = run(mlmprep_bin, str(empty), "-o", out)
    assert result.returncode == 1 and "no words" in result.stderr.decode(), result.stderr.decode()
    assert not Path(out).exists()
    result = run(mlmprep_bin, str(text), "-o", str(tmp_path / "no" / "such" / "dir" / "v.txt"))
    assert result.returncode == 1 and "no/such/dir" in result.stderr.decode(), result.stderr.decode()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"good words\nbroken \xff\xfe bytes here\n")
    result = run(mlmprep_bin, str(bad), "-o", out, "--size", "40", "--min-frequency", "1")
    assert result.returncode == 0, result.stderr.decode()
    assert "bad.txt:2" in result.stderr.decode() and "UTF-8" in result.stderr.decode()
    assert set("godwrsbkenyth") <= set(tokens(Path(out)))  # the words around the bad bytes are counted
    result = run(mlmprep_bin, "-", "-o", out, "--size", "40", stdin=b"from standard input\n")
    assert result.returncode == 0, result.stderr.decode()
    assert set("fromstandipu") <= set(tokens(Path(out)))
