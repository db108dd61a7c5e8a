#!/usr/bin/env python3
"""Generate corpora/sample.jsonl, the .zst copies and the small bad inputs in corpora/bad/.

Written for the mlmprep project; the script and its output are CC0 (public domain).
Needs the `zstd` command-line tool. Run from anywhere: ``python3 corpora/make_samples.py``.
Prints the byte offsets of the invalid sequences in bad/invalid_utf8.txt (documented in README.md).
"""

import json
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"


def documents(path: Path) -> list[str]:
    """Documents of a BERT-layout text file, each as its sentence lines joined with "\\n"."""
    docs, current = [], []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            docs.append("\n".join(current))
            current = []
    if current:
        docs.append("\n".join(current))
    return docs


def sample_jsonl() -> bytes:
    texts = documents(HERE / "en.txt")[:24] + documents(HERE / "multilingual.txt")[:20]
    texts += [
        "Caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade and a smile \U0001f600 in one line.",
        "Tabs\tand \"quotes\" and a back\\slash and a slash / survive JSON escaping.",
        "Windows line endings\r\ninside a JSON string\r\nare just text.",
        "Line one\n\nLine three after an empty line inside the text.",
        "",
        "   \n\t  ",
        "Special tokens in data: [CLS] [SEP] [MASK] stay text.",
        "Emoji outside the BMP: \U0001f469\u200d\U0001f4bb \U0001f1ef\U0001f1f5 \U00020bb7",
    ]
    lines = []
    for k, text in enumerate(texts):
        record = {"id": k, "text": text} if k % 2 == 0 else {"text": text, "id": f"doc-{k}"}
        # Alternate pure-ASCII escaping (\u00e9, surrogate pairs \ud83d\ude00) and raw UTF-8.
        lines.append(json.dumps(record, ensure_ascii=(k % 3 != 1)))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    assert b"\\ud83d\\ude00" in data and b"\\u00e9" in data and b"\\n" in data
    return data


def zstd19(src: Path, dst: Path) -> bytes:
    subprocess.run(["zstd", "-q", "-19", "-f", "--no-progress", str(src), "-o", str(dst)], check=True)
    return dst.read_bytes()


def invalid_utf8() -> tuple[bytes, list[tuple[int, int, str]]]:
    """Lines with invalid UTF-8; returns the bytes and (line, byte offset, description) of each bad sequence."""
    parts = [
        (b"This first line is valid UTF-8: caf\xc3\xa9.\n", None),
        (b"A stray byte ", None), (b"\xff", "0xFF, never valid in UTF-8"), (b" in the middle.\n", None),
        (b"A lone continuation byte ", None), (b"\x80", "0x80, continuation byte without a lead byte"),
        (b" here.\n", None),
        (b"A truncated euro sign ", None), (b"\xe2\x82", "E2 82, 3-byte sequence missing its last byte"),
        (b" before a space.\n", None),
        (b"An overlong slash ", None), (b"\xc0\xaf", "C0 AF, overlong encoding of '/'"), (b" is invalid.\n", None),
        (b"An encoded surrogate ", None), (b"\xed\xa0\x80", "ED A0 80, UTF-16 surrogate U+D800 (CESU-8)"),
        (b" is invalid.\n", None),
        (b"Beyond U+10FFFF ", None), (b"\xf4\x90\x80\x80", "F4 90 80 80, code point above U+10FFFF"),
        (b" is invalid.\n", None),
        (b"Valid again: \xe4\xb8\xad\xe6\x96\x87 and \xf0\x9f\x98\x80.\n", None),
        (b"\n", None),
        (b"A new document whose last line has no newline and ends in a cut sequence ", None),
        (b"\xe4\xb8", "E4 B8, 3-byte sequence cut by the end of the file"),
    ]
    data, found, line = b"", [], 1
    for chunk, description in parts:
        if description:
            found.append((line, len(data), description))
        data += chunk
        line += chunk.count(b"\n")
    return data, found


def main() -> None:
    BAD.mkdir(exist_ok=True)
    (HERE / "sample.jsonl").write_bytes(sample_jsonl())
    zstd19(HERE / "sample.jsonl", HERE / "sample.jsonl.zst")
    zstd19(HERE / "en.txt", HERE / "en.txt.zst")

    whole = zstd19(HERE / "en.txt", BAD / "truncated.txt.zst")
    (BAD / "truncated.txt.zst").write_bytes(whole[: len(whole) // 2])

    (BAD / "malformed.jsonl").write_text(
        '{"id": 1, "text": "The first line is fine."}\n'
        '{"id": 2, "text": "So is the second."}\n'
        '{"id": 3, "text": "This one is cut off\n'
        '{"id": 4, "text": "The fourth line is fine again."}\n', encoding="utf-8")
    (BAD / "missing_field.jsonl").write_text(
        '{"id": 1, "text": "This line has the text field."}\n'
        '{"id": 2, "body": "This line calls it body instead."}\n'
        '{"id": 3, "text": "This line is fine."}\n', encoding="utf-8")
    (BAD / "wrong_type.jsonl").write_text(
        '{"id": 1, "text": "A normal line."}\n'
        '{"id": 2, "text": 42}\n'
        '{"id": 3, "text": "Another normal line."}\n', encoding="utf-8")

    data, found = invalid_utf8()
    (BAD / "invalid_utf8.txt").write_bytes(data)
    for line, offset, description in found:
        print(f"invalid_utf8.txt line {line}, byte offset {offset}: {description}")

    (BAD / "no_unk_vocab.txt").write_text(
        "\n".join(["[PAD]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "of", "and", "to", "in", "is", "##s",
                   "##ing", "##ed", ".", ",", "lighthouse", "bread"]) + "\n", encoding="utf-8")
    (BAD / "empty.txt").write_bytes(b"")


if __name__ == "__main__":
    main()
