#!/usr/bin/env bash
# The main job on a default corpus: set up (tools/setup.sh), build mlmprep (release), tokenize the corpus
# into a store, print a few documents decoded from it, mask it at 40% into batches, verify and inspect them,
# build a PMI n-gram table and mask with it.
#
# Usage: tools/demo.sh            the samples in corpora/ (English, many scripts, JSON Lines, zstd)
#        tools/demo.sh --debian   a >=100 MB English corpus built from Debian packages (work-data/)
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
echo "== building mlmprep (release)"
swift build -c release 2>&1 | tail -n 1
bin=.build/release/mlmprep
vocab=.venv/bert-base-uncased/vocab.txt
mkdir -p work-data

if [ "${1:-}" = "--debian" ]; then
    tools/corpus/build_debian_corpus.sh work-data/corpus
    inputs=(work-data/corpus/en-debian.txt)
else
    inputs=(corpora/en.txt corpora/multilingual.txt corpora/sample.jsonl.zst)
fi

echo "== mlmprep tokenize ${inputs[*]} --vocab $vocab -o work-data/demo-store"
"$bin" tokenize "${inputs[@]}" --vocab "$vocab" -o work-data/demo-store --overwrite \
    --stats-json work-data/demo-stats.json

echo "== a few documents read back from the store (mlmprep_reader, installed from tools/python)"
.venv/bin/python - <<'PY'
from mlmprep_reader import iter_documents, load_vocab, load_manifest

store = "work-data/demo-store"
vocab = load_vocab(store)
counts = load_manifest(store)["counts"]
print(f"store: {counts['documents_written']} documents, {counts['tokens']} tokens, "
      f"{counts['unknown_rate'] * 100:.3f}% [UNK]")
for number, (ids, flags) in enumerate(iter_documents(store)):
    if number in (0, 31, 55):
        shown = []
        for token_id, flag in zip(ids[:40], flags[:40]):
            token = vocab[token_id]
            shown.append(("| " if flag & 2 else "") + token)
        print(f"document {number}: {len(ids)} tokens: " + " ".join(shown) + (" …" if len(ids) > 40 else ""))
PY

echo "== mlmprep mask work-data/demo-store --rate 0.4 --seq-len 128 -o work-data/demo-batches"
"$bin" mask work-data/demo-store --rate 0.4 --seq-len 128 --batch-size 64 -o work-data/demo-batches --overwrite
"$bin" verify work-data/demo-batches
"$bin" inspect work-data/demo-batches --sequences 2 --plain

# PMI-Masking: count word n-grams on the store, show the top ones, mask whole n-grams. The samples are small,
# so n-grams seen twice qualify (the default --min-count is 10); the Debian corpus uses the defaults.
min_count=2
[ "${1:-}" = "--debian" ] && min_count=10
echo "== mlmprep pmi work-data/demo-store -o work-data/demo.pmi --min-count $min_count"
"$bin" pmi work-data/demo-store -o work-data/demo.pmi --min-count "$min_count" --overwrite
"$bin" pmi show work-data/demo.pmi --top 5
echo "== mlmprep mask work-data/demo-store --preset pmi --pmi work-data/demo.pmi --rate 0.4 -o work-data/demo-pmi-batches"
"$bin" mask work-data/demo-store --preset pmi --pmi work-data/demo.pmi --rate 0.4 --seq-len 128 --batch-size 64 \
    -o work-data/demo-pmi-batches --overwrite
"$bin" inspect work-data/demo-pmi-batches --sequences 1 --plain

echo "== mlmprep encode"
"$bin" encode --vocab "$vocab" "Tokenization isn't hard: naïve café, 東京, and [MASK]!"
