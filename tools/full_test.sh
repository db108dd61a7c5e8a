#!/usr/bin/env bash
# The "full mode" of the tests: everything tools/test.sh runs, then the training side with PyTorch.
#   1. tools/test.sh (set-up, swift build, swift test, the Python tests)
#   2. installs torch, transformers and accelerate (which Trainer needs) into .venv if missing (large
#      downloads, which is why this is a separate mode; the default install keeps tests torch-free)
#   3. the torch tests (tools/python/tests/test_torch_dataset.py, and test_hf_trainer.py: Trainer with
#      BertForMaskedLM on the datasets adapter's rows; here they must run, not skip), and the loader-format
#      tests with torch (test_mds_streaming.py: StreamingDataset; test_megatron_core.py: IndexedDataset and the
#      BERT dataset; megatron-core is installed for them)
#   4. the real pipeline: mlmprep tokenize corpora/en.txt corpora/multilingual.txt with the bert-base-uncased
#      vocab, mlmprep mask --stdout piped into tools/python/examples/train_tiny_bert.py --steps 300, which
#      fails unless the loss goes down; mlmprep must end with status 0 when the trainer closes the pipe.
#   5. a new venv with `pip install './tools/python[torch]'`: MLMBatchDataset from the installed package.
#
# Usage: tools/full_test.sh [--skip-base]     (--skip-base skips step 1, for re-runs)
# Environment:
#   MLMPREP_BIN           the CLI for steps 3 and 4 (default: .build/debug/mlmprep, which step 1 builds)
#   MLMPREP_TORCH_INDEX   a package index for torch, e.g. https://download.pytorch.org/whl/cpu for the
#                         CPU-only wheel. Without it torch comes from a local wheel offered through pip's
#                         find-links (PIP_FIND_LINKS) if there is one, else from PyPI (on Linux x86-64 that
#                         pulls the CUDA libraries too: several GB).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[full_test] %s\n' "$*" >&2; }

skip_base=0
for arg in "$@"; do
    case "$arg" in
        --skip-base) skip_base=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) say "unknown argument: $arg (see --help)"; exit 2 ;;
    esac
done

if [ "$skip_base" -eq 0 ]; then
    tools/test.sh
else
    say "skipping tools/test.sh (--skip-base)"
    tools/setup.sh
fi

py=.venv/bin/python
pip=(.venv/bin/pip install -q --disable-pip-version-check)

echo "== torch and transformers"
if ! "$py" -c 'import torch' >/dev/null 2>&1; then
    if [ -n "${MLMPREP_TORCH_INDEX:-}" ]; then
        say "installing torch from $MLMPREP_TORCH_INDEX"
        "${pip[@]}" --index-url "$MLMPREP_TORCH_INDEX" --extra-index-url https://pypi.org/simple torch
    elif "${pip[@]}" --no-index --no-deps torch >/dev/null 2>&1; then
        # A wheel offered locally (pip's find-links): keep that version, take its dependencies from PyPI.
        version=$("$py" -c 'import importlib.metadata as m; print(m.version("torch"))')
        say "installed torch $version from a local wheel; adding its dependencies from PyPI"
        "${pip[@]}" "torch==$version"
    else
        say "installing torch from PyPI (large download)"
        "${pip[@]}" torch
    fi
fi
if ! "$py" -c 'import transformers, accelerate' >/dev/null 2>&1; then
    # Keep the versions the parity tests were written against (tools/setup.sh pins tokenizers).
    constraints=$(mktemp)
    "$py" - >"$constraints" <<'EOF'
import importlib.metadata as m
for name in ("tokenizers", "numpy", "torch"):
    print(f"{name}=={m.version(name)}")
EOF
    say "installing transformers and accelerate from PyPI (keeping $(tr '\n' ' ' <"$constraints"))"
    "${pip[@]}" -c "$constraints" transformers accelerate
    rm -f "$constraints"
fi
"$py" -c 'import torch, transformers; print(f"torch {torch.__version__}, transformers {transformers.__version__}")'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bin="${MLMPREP_BIN:-$PWD/.build/debug/mlmprep}"
[ -x "$bin" ] || { say "no mlmprep binary at $bin (run swift build, or set MLMPREP_BIN)"; exit 1; }
export MLMPREP_BIN="$bin" MLMPREP_PYTHON="$PWD/$py" MLMPREP_BERT_VOCAB="$PWD/.venv/bert-base-uncased/vocab.txt"

echo "== torch tests"
# importorskip would hide a broken install here, so a skipped test is a failure in this mode.
set +e
"$py" -m pytest -q -rs tools/python/tests/test_torch_dataset.py tools/python/tests/test_hf_trainer.py 2>&1 | tee "$tmp/pytest.log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
    say "FAILED: torch tests (pytest exit $rc)"
    exit 1
fi
if grep -Eq '[0-9]+ skipped' "$tmp/pytest.log"; then
    say "FAILED: torch tests were skipped in full mode (torch and transformers should be installed now)"
    exit 1
fi

echo "== loader formats: StreamingDataset on mask --format mds, megatron-core on export megatron"
# megatron-core needs torch (installed above, kept); Streaming's dataset runs from the wheel tools/setup.sh fetched,
# with filelock and catalogue, its two remaining imports.
if ! "$py" -c 'import megatron.core.datasets.indexed_dataset, catalogue, filelock' >/dev/null 2>&1; then
    say "installing megatron-core catalogue filelock from PyPI"
    "${pip[@]}" megatron-core catalogue filelock
fi
set +e
MLMPREP_BIN="${MLMPREP_BIN:-$PWD/.build/debug/mlmprep}" MLMPREP_BERT_VOCAB="$PWD/.venv/bert-base-uncased/vocab.txt" \
    PYTHONPATH=tools/python "$py" -m pytest -q -rs tools/python/tests/test_mds_streaming.py \
    tools/python/tests/test_megatron_core.py 2>&1 | tee "$tmp/formats.log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ] || grep -Eq '[0-9]+ skipped' "$tmp/formats.log"; then
    say "FAILED: loader-format tests (pytest exit $rc, or skipped in full mode)"
    exit 1
fi

echo "== pipeline: tokenize | mask --stdout | train_tiny_bert.py"
if ! "$bin" mask --help 2>&1 | grep -q 'mlmprep mask'; then
    say "FAILED: $bin has no 'mask' subcommand"
    exit 1
fi
vocab=.venv/bert-base-uncased/vocab.txt
"$bin" tokenize corpora/en.txt corpora/multilingual.txt --vocab "$vocab" -o "$tmp/tok" --quiet
# ~7 batches of 16 x 64 per epoch: 100 epochs is more than 300 steps need. The trainer closes the pipe
# after its last step and mlmprep, blocked on the full pipe, must then end quietly with status 0.
set +e
"$bin" mask "$tmp/tok" --seq-len 64 --batch-size 16 --rate 0.15 --epochs 100 --stdout --quiet 2>"$tmp/mask.err" \
    | "$py" tools/python/examples/train_tiny_bert.py --vocab "$tmp/tok/vocab.txt" --steps 300
status=("${PIPESTATUS[@]}")
set -e
if [ "${status[1]}" -ne 0 ]; then
    say "FAILED: train_tiny_bert.py exited ${status[1]}"
    [ -s "$tmp/mask.err" ] && { say "mlmprep mask said:"; cat "$tmp/mask.err" >&2; }
    exit 1
fi
if [ "${status[0]}" -ne 0 ]; then
    say "FAILED: mlmprep mask exited ${status[0]} (it must end quietly with 0 when the reader closes the pipe)"
    cat "$tmp/mask.err" >&2
    exit 1
fi
if [ -s "$tmp/mask.err" ]; then
    say "note: mlmprep mask --quiet wrote to stderr (it should end quietly when the reader closes the pipe):"
    cat "$tmp/mask.err" >&2
fi
echo "== pip install './tools/python[torch]' into a new venv: MLMBatchDataset from the installed package"
venv_torch="$tmp/venv-torch"
python3 -m venv "$venv_torch"
torch_version=$("$py" -c 'import importlib.metadata as m; print(m.version("torch"))')
index=()
[ -n "${MLMPREP_TORCH_INDEX:-}" ] && index=(--index-url "$MLMPREP_TORCH_INDEX" --extra-index-url https://pypi.org/simple)
# The torch of .venv (same version, so the same wheel: a local one through find-links, or pip's cache).
"$venv_torch/bin/pip" install -q --disable-pip-version-check "${index[@]}" "./tools/python[torch]" "torch==$torch_version"
rm -rf tools/python/build tools/python/*.egg-info
"$bin" mask "$tmp/tok" --seq-len 64 --batch-size 7 -o "$tmp/batches" --quiet
(cd / && "$venv_torch/bin/python" - "$tmp/batches" "$venv_torch" <<'PY'
import sys, importlib.util
from pathlib import Path
import mlmprep_reader
from mlmprep_reader import MLMBatchDataset, iter_batches
assert Path(mlmprep_reader.__file__).resolve().is_relative_to(Path(sys.argv[2]).resolve()), mlmprep_reader.__file__
assert importlib.util.find_spec("datasets") is None, "the [torch] extra must not bring datasets"
items = list(MLMBatchDataset(sys.argv[1], split="records").dataloader(num_workers=2))
batches = list(iter_batches(sys.argv[1]))
assert len(items) == len(batches) > 0
assert all((item["labels"].numpy() == batch["labels"]).all() for item, batch in zip(items, batches))
print(f"[torch] extra: {len(items)} batches through a DataLoader with 2 workers, equal to iter_batches")
PY
)
echo "full tests passed"
