#!/usr/bin/env bash
# Build a real English prose corpus (>= 100 MiB by default) from text that ships
# in Debian packages, in BERT pre-training layout: one sentence per line, a
# blank line between documents, UTF-8.  Never committed; generated on demand.
#
#   tools/corpus/build_debian_corpus.sh OUT_DIR [--size-mb N] [--jsonl] [--force] [--jobs J]
#
# Writes OUT_DIR/en-debian.txt (N MiB, default 110, cut at a document boundary),
# OUT_DIR/en-debian.meta.json (counts per source) and, with --jsonl,
# OUT_DIR/en-debian.jsonl ({"text": ...} per document, sentences joined by "\n").
# Does nothing if en-debian.txt already has the requested size.
#
# Installs the Debian packages it reads with apt-get (only those missing; needs
# root or sudo).  r-cran-janeaustenr is only downloaded and unpacked into
# OUT_DIR/.debs (installing it would pull in R).  Python: $PYTHON, else
# .venv/bin/python of the repo if it exists, else python3 (stdlib only).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

out=""
pyargs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --size-mb) pyargs+=(--size-mb "$2"); shift 2 ;;
        --size-mb=*) pyargs+=(--size-mb "${1#*=}"); shift ;;
        --jobs) pyargs+=(--jobs "$2"); shift 2 ;;
        --jsonl|--force) pyargs+=("$1"); shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
        *) if [ -n "$out" ]; then echo "only one OUT_DIR" >&2; exit 2; fi; out="$1"; shift ;;
    esac
done
if [ -z "$out" ]; then usage >&2; exit 2; fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if [ -n "${PYTHON:-}" ]; then py="$PYTHON"
elif [ -x "$repo/.venv/bin/python" ]; then py="$repo/.venv/bin/python"
else py=python3; fi

start=$(date +%s)
gen="$here/debian_corpus.py"

# Up to date already?  (also writes a missing jsonl when --jsonl is given)
if "$py" "$gen" "$out" "${pyargs[@]}" --check; then
    exit 0
fi

SUDO=""
need_root() {
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null; then SUDO="sudo"; else
            echo "error: need root (or sudo) to $1" >&2; exit 1; fi
    fi
}
export DEBIAN_FRONTEND=noninteractive

# ---- packages -------------------------------------------------------------
# Slim images tell dpkg not to unpack documentation, which is all we read.
if grep -hsE '^[[:space:]]*path-exclude[[:space:]=]+/usr/share/(doc|man)' /etc/dpkg/dpkg.cfg.d/* >/dev/null; then
    echo "warning: /etc/dpkg/dpkg.cfg.d/ excludes /usr/share/doc or /usr/share/man; packages install" \
         "without the text this corpus is made from" >&2
fi
read -r -a pkgs <<<"$("$py" "$gen" --list-packages x)"
missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
apt_updated=0
apt_update() {
    if [ "$apt_updated" = 0 ]; then
        need_root "run apt-get update"
        echo "+ apt-get update"
        $SUDO apt-get update -qq
        apt_updated=1
    fi
}
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${#missing[@]} packages: ${missing[*]}"
    need_root "install packages with apt-get"
    # the package lists may be missing or stale: update once, then retry
    if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >"$out/.apt.log" 2>&1; then
        apt_update
        if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >"$out/.apt.log" 2>&1; then
            # one by one, so that a package this release lacks costs only its text
            echo "warning: apt-get install of all packages failed; trying them one by one" >&2
            for p in "${missing[@]}"; do
                $SUDO apt-get install -y -q --no-install-recommends "$p" >>"$out/.apt.log" 2>&1 \
                    || echo "warning: could not install $p (log: $out/.apt.log); building without it" >&2
            done
        fi
    fi
    echo "packages installed in $(( $(date +%s) - start )) s"
else
    echo "all ${#pkgs[@]} source packages are installed"
fi

# ---- Jane Austen's novels: r-cran-janeaustenr, unpacked only ---------------
austen="$out/.debs/janeaustenr"
if ! ls "$austen"/usr/lib/R/site-library/*/data/Rdata.rdb >/dev/null 2>&1; then
    mkdir -p "$out/.debs"
    rm -f "$out"/.debs/r-cran-janeaustenr_*.deb
    get_austen() { (cd "$out/.debs" && apt-get download -q r-cran-janeaustenr >/dev/null 2>&1); }
    if get_austen || { apt_update; get_austen; }; then
        rm -rf "$austen"
        dpkg-deb -x "$out"/.debs/r-cran-janeaustenr_*.deb "$austen"
    else
        echo "warning: could not download r-cran-janeaustenr; building without it" >&2
    fi
fi

# ---- extract, clean, split, write -----------------------------------------
"$py" "$gen" "$out" "${pyargs[@]}" --austen-dir "$austen"
echo "corpus build took $(( $(date +%s) - start )) s"
