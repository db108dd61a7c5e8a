#!/usr/bin/env bash
# The whole pipeline on real text, from a fresh clone: set up (tools/setup.sh), build mlmprep (release), build an
# English corpus from text shipped in Debian packages (tools/corpus/build_debian_corpus.sh), train a WordPiece
# vocabulary on it (mlmprep vocab), tokenize it, count PMI n-grams, mask at 0.4 with PMI masking into shards,
# verify them, show three masked sequences, write the HTML report, and print one summary.
# Everything goes into one folder, work-data/demo/ (git ignores work-data/).
#
# Usage: tools/demo.sh              a 30 MiB cut of the Debian corpus (DEMO_MB=N for another size)
#        tools/demo.sh --samples    the small hand-written samples in corpora/ (seconds; no Debian packages)
# Where the Debian packages cannot be installed (no root, no apt), it falls back to corpora/ and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

out=work-data/demo
mb=${DEMO_MB:-30}
tools/setup.sh
echo "== building mlmprep (release)"
swift build -c release 2>&1 | tail -n 1
bin=$PWD/.build/release/mlmprep
mkdir -p "$out"
rm -rf "$out"/stats && mkdir -p "$out"/stats


corpus_note="Debian packages (tools/corpus/build_debian_corpus.sh, $mb MiB)"
if [ "${1:-}" = "--samples" ]; then
    inputs=(corpora/en.txt corpora/multilingual.txt corpora/sample.jsonl.zst)
    corpus_note="the samples in corpora/ (--samples)"
elif tools/corpus/build_debian_corpus.sh "$out/corpus" --size-mb "$mb" && [ -s "$out/corpus/en-debian.txt" ]; then
    inputs=("$out/corpus/en-debian.txt")
else
    echo "== NOTE: the Debian corpus could not be built (packages not installable here?); falling back to corpora/"
    inputs=(corpora/en.txt corpora/multilingual.txt corpora/sample.jsonl.zst)
    corpus_note="the samples in corpora/ (fallback: the Debian corpus could not be built)"
fi
min_count=10
[ "${inputs[0]}" = corpora/en.txt ] && min_count=2   # the samples are tiny: n-grams seen twice qualify

echo "== mlmprep vocab ${inputs[*]} --size 30522 -o $out/vocab.txt"
"$bin" vocab "${inputs[@]}" --size 30522 -o "$out/vocab.txt" --tokenizer-json "$out/tokenizer.json" \
    --stats-json "$out/stats/vocab.json"

echo "== mlmprep tokenize ${inputs[*]} --vocab $out/vocab.txt -o $out/store"
"$bin" tokenize "${inputs[@]}" --vocab "$out/vocab.txt" -o "$out/store" --overwrite \
    --stats-json "$out/stats/tokenize.json"

echo "== mlmprep pmi $out/store -o $out/pmi.table --min-count $min_count"
"$bin" pmi "$out/store" -o "$out/pmi.table" --min-count "$min_count" --overwrite --stats-json "$out/stats/pmi.json"
"$bin" pmi show "$out/pmi.table" --top 5

echo "== mlmprep mask $out/store --preset pmi --pmi $out/pmi.table --rate 0.4 --seq-len 128 -o $out/batches"
"$bin" mask "$out/store" --preset pmi --pmi "$out/pmi.table" --rate 0.4 --seq-len 128 --batch-size 64 \
    -o "$out/batches" --overwrite --stats-json "$out/stats/mask.json"

echo "== mlmprep verify $out/batches"
start=$(date +%s%N)   # verify has no --stats-json: its seconds are timed here, for the summary and the report
"$bin" verify "$out/batches"
ns=$(( $(date +%s%N) - start ))
printf '{"seconds": %d.%09d}\n' $(( ns / 1000000000 )) $(( ns % 1000000000 )) >"$out/stats/verify.json"

echo "== mlmprep inspect $out/batches --sequences 3"
"$bin" inspect "$out/batches" --sequences 3 --plain

echo "== mlmprep report $out/store $out/batches $out/pmi.table -o $out/report.html"
stats=()
for stage in vocab tokenize pmi mask verify; do stats+=(--stats "$stage=$out/stats/$stage.json"); done
"$bin" report "$out/store" "$out/batches" "$out/pmi.table" -o "$out/report.html" "${stats[@]}"

.venv/bin/python tools/demo_summary.py "$out" "$corpus_note"
