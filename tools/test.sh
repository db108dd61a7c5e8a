#!/usr/bin/env bash
# Runs every test of mlmprep: set-up (tools/setup.sh), the Swift tests, and the Python interoperability and
# parity tests that run the real reference libraries (tokenizers, safetensors, numpy, zstandard, zstd), and
# each libFuzzer harness of tools/fuzz for 15 seconds.
# Usage: tools/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
export MLMPREP_PYTHON="$PWD/.venv/bin/python"
export MLMPREP_BERT_VOCAB="$PWD/.venv/bert-base-uncased/vocab.txt"
export MLMPREP_BERT_TOKENIZER="$PWD/.venv/bert-base-uncased/tokenizer.json"

echo "== swift build"
swift build
export MLMPREP_BIN="$PWD/.build/debug/mlmprep"

echo "== swift test"
set +e
swift test 2>&1 | tee .build/swift-test.log
swift_status=${PIPESTATUS[0]}
set -e

echo "== character tables against the installed tokenizers"
.venv/bin/python tools/unicode/verify_model.py --quick

echo "== python tests (reference libraries)"
set +e
.venv/bin/python -m pytest -q tools/python/tests 2>&1 | tee .build/pytest.log
py_status=${PIPESTATUS[0]}
set -e
echo "== fuzz harnesses, 15 s each (tools/fuzz/run.sh; longer runs: tools/fuzz/run.sh --seconds 600)"
set +e
tools/fuzz/run.sh --seconds 15 --fresh-corpus 2>&1 | tee .build/fuzz.log
fuzz_status=${PIPESTATUS[0]}
set -e
swift_passed=$(grep -oE 'Test run with [0-9]+ tests' .build/swift-test.log | grep -oE '[0-9]+' | tail -n 1 || true)
py_passed=$(grep -oE '[0-9]+ passed' .build/pytest.log | grep -oE '[0-9]+' | tail -n 1 || true)
py_failed=$(grep -oE '[0-9]+ failed' .build/pytest.log | grep -oE '[0-9]+' | tail -n 1 || true)
# One test per fuzz harness: passed when it ran its time without a crash, hang or runaway allocation.
fuzz_passed=$(grep -oE '^fuzz: [0-9]+ passed' .build/fuzz.log | grep -oE '[0-9]+' | tail -n 1 || true)
fuzz_failed=$(grep -oE '^fuzz: [0-9]+ passed, [0-9]+ failed' .build/fuzz.log | grep -oE '[0-9]+ failed' \
    | grep -oE '[0-9]+' | tail -n 1 || true)
if [ "$fuzz_status" -ne 0 ] && [ "${fuzz_failed:-0}" -eq 0 ]; then fuzz_failed=1; fi
if [ "$swift_status" -ne 0 ] || [ "$py_status" -ne 0 ] || [ "$fuzz_status" -ne 0 ]; then
    echo "FAILED: swift test exit $swift_status, pytest exit $py_status, fuzz exit $fuzz_status"
    exit 1
fi
echo "tests: $(( ${swift_passed:-0} + ${py_passed:-0} + ${fuzz_passed:-0} )) passed, $(( ${py_failed:-0} + ${fuzz_failed:-0} )) failed"
