#!/usr/bin/env bash
# Rebuilds the seed corpora in tools/fuzz/seeds/<harness>/ from corpora/ and from small shards written by the
# mlmprep CLI. Run from anywhere; needs zstd, python3, a built mlmprep (MLMPREP_BIN, default .build/release/mlmprep)
# and the BERT vocab (MLMPREP_BERT_VOCAB, default .venv/bert-base-uncased/vocab.txt).
# Usage: tools/fuzz/make_seeds.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bin="${MLMPREP_BIN:-$root/.build/release/mlmprep}"
vocab="${MLMPREP_BERT_VOCAB:-$root/.venv/bert-base-uncased/vocab.txt}"
seeds=tools/fuzz/seeds
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$seeds"
mkdir -p "$seeds"/{text,jsonl,tokenizer,shards,zstd}

# text: small pieces of the sample corpora, the bad inputs, and small .zst files (whole and truncated).
head -c 1500 corpora/en.txt >"$seeds/text/en-head.txt"
head -c 2000 corpora/multilingual.txt >"$seeds/text/multilingual-head.txt"
tail -c 2000 corpora/multilingual.txt >"$seeds/text/multilingual-tail.txt"
head -c 3000 corpora/adversarial.txt >"$seeds/text/adversarial-head.txt"
sed -n '60,80p' corpora/adversarial.txt | head -c 3000 >"$seeds/text/adversarial-middle.txt"
cp corpora/bad/invalid_utf8.txt corpora/bad/empty.txt "$seeds/text/"
printf 'one\r\ntwo\n\n \t\n\xe3\x80\x80\nthree' >"$seeds/text/blank-lines.txt"
zstd -q -19 -c "$seeds/text/en-head.txt" >"$seeds/text/en-head.txt.zst"
head -c 300 "$seeds/text/en-head.txt.zst" >"$seeds/text/truncated.txt.zst"

# jsonl: pieces of sample.jsonl, the bad inputs, a .zst.
python3 - "$seeds/jsonl" <<'EOF'
import sys
lines = open("corpora/sample.jsonl", "rb").read().split(b"\n")
out = sys.argv[1]
for i in range(0, 48, 8):
    open(f"{out}/sample-{i:02d}.jsonl", "wb").write(b"\n".join(lines[i:i + 8])[:3500] + b"\n")
open(f"{out}/edge.jsonl", "wb").write(
    b'{"text": "a\\ud800b\\udc00c\\ud83d\\ude00", "id": [1, {"x": null}], "text": "last"}\n'
    b'{"text": 1e400}\n{"text": "\\u00e9\\n\\r\\n\\t"}\n  \n{}\n[1]\n{"text": "\xff\xfe"}\n{"a": -0.0e-5, "text": true}\n')
EOF
cp corpora/bad/malformed.jsonl corpora/bad/missing_field.jsonl corpora/bad/wrong_type.jsonl "$seeds/jsonl/"
zstd -q -19 -c "$seeds/jsonl/sample-00.jsonl" >"$seeds/jsonl/sample-00.jsonl.zst"

# tokenizer: short lines of the corpora, one per file, and one vocabulary input (first byte 0xFF).
python3 - "$seeds/tokenizer" <<'EOF'
import sys
out = sys.argv[1]
picked = []
for name in ["corpora/adversarial.txt", "corpora/multilingual.txt"]:
    lines = [l for l in open(name, "rb").read().split(b"\n") if 0 < len(l) <= 400]
    picked += lines[:: max(1, len(lines) // 20)]
for i, line in enumerate(picked):
    open(f"{out}/line-{i:02d}.txt", "wb").write(line)
open(f"{out}/invalid.txt", "wb").write(b"caf\xc3 \xe2\x82 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf x\xffy [UNK][MASK]")
open(f"{out}/vocab.txt", "wb").write(b"\xff[PAD]\n[UNK]\n[CLS]\nthe\n##s\ncaf\n##\xc3\xa9\n\xe6\x9d\xb1\n##\n\n##\xf0\x9f\x98\x80")
EOF

# shards: a tokenized store and a masked-batch shard of a few documents, one frame, one record, one seek table.
head -c 1200 corpora/en.txt >"$work/small.txt"
"$bin" tokenize "$work/small.txt" --vocab "$vocab" -o "$work/tok" --quiet --threads 1
"$bin" mask "$work/tok" --seq-len 32 --batch-size 2 -o "$work/masked" --quiet --threads 1
cp "$work/tok/shard-00000.mlmb.zst" "$seeds/shards/store.mlmb.zst"
cp "$work/masked/shard-00000.mlmb.zst" "$seeds/shards/masked.mlmb.zst"
python3 - "$seeds" <<'EOF'
import struct, subprocess, sys
seeds = sys.argv[1]
for name in ["store", "masked"]:
    data = open(f"{seeds}/shards/{name}.mlmb.zst", "rb").read()
    count, descriptor, magic = struct.unpack("<IBI", data[-9:])
    entry = 12 if descriptor & 0x80 else 8
    table = 8 + count * entry + 9
    first = struct.unpack("<I", data[-table + 8:-table + 12])[0]
    frame = data[:first]
    open(f"{seeds}/shards/{name}-frame.zst", "wb").write(frame)
    open(f"{seeds}/zstd/{name}-frame.zst", "wb").write(frame)
    open(f"{seeds}/shards/{name}-seektable.bin", "wb").write(data[-table:])
    record = subprocess.run(["zstd", "-dc"], input=frame, capture_output=True, check=True).stdout
    open(f"{seeds}/shards/{name}-record.safetensors", "wb").write(record)
EOF
if [ "$(stat -c %s "$seeds/shards/masked.mlmb.zst")" -gt 16384 ]; then rm "$seeds/shards/masked.mlmb.zst"; fi

# zstd: small frames (with and without content size and checksum), a skippable frame, a truncated frame.
printf 'hello hello hello hello\n' | zstd -q -c >"$seeds/zstd/small.zst"
printf 'hello hello hello hello\n' | zstd -q -c --no-check >"$seeds/zstd/small-nocheck.zst"
printf 'abcabcabcabcabc' | zstd -q -c --no-content-size >"$seeds/zstd/no-content-size.zst"
head -c 12 "$seeds/zstd/small.zst" >"$seeds/zstd/truncated.zst"
printf '\x5e\x2a\x4d\x18\x04\x00\x00\x00abcd' >"$seeds/zstd/skippable.bin"
cat "$seeds/zstd/skippable.bin" "$seeds/zstd/small.zst" "$seeds/zstd/small.zst" >"$seeds/zstd/two-frames.zst"
cp "$seeds/text/en-head.txt.zst" "$seeds/zstd/"

du -sh "$seeds"/*
