"""``python -m mlmprep_reader.report PATH… -o report.html [--stats STAGE=FILE]…``: the renderer behind
``mlmprep report``. Reads stores, batch directories and PMI tables (recognised by their manifest format or the
table's first line), computes every figure (report_data.py) and writes one self-contained HTML page
(report_page.py, charts by matplotlib as inline SVG). Exit 1 for bad input, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .report_data import ReportInputError, build


def _stats(value: str) -> tuple[str, Path]:
    stage, sep, file = value.partition("=")
    if not sep or not stage or not file:
        raise argparse.ArgumentTypeError(f"--stats wants STAGE=FILE (tokenize=tok-stats.json), not {value!r}")
    return stage, Path(file)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mlmprep report", description=__doc__.split("\n\n")[0])
    p.add_argument("paths", nargs="+", type=Path, help="stores, batch directories and PMI tables, in any mix")
    p.add_argument("-o", "--output", required=True, type=Path, help="the HTML page to write")
    p.add_argument("--stats", action="append", default=[], type=_stats, metavar="STAGE=FILE",
                   help="a --stats-json file of one stage (its seconds give the throughput chart)")
    return p


def write_atomically(path: Path, text: str) -> None:
    """Writes ``text`` to a temporary file beside ``path`` and renames it into place."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        document = build(args.paths, args.stats)
        try:
            from .report_page import page  # imports matplotlib only once the inputs were read
        except ImportError as error:
            print(f"mlmprep: error: the report renderer needs matplotlib ({error}): pip install "
                  "'./tools/python[report]' or run tools/setup.sh", file=sys.stderr)
            return 1
        write_atomically(args.output, page(document))
    except ReportInputError as error:
        print(f"mlmprep: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"mlmprep: error: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 1
    kinds = ", ".join(f"{r['kind']} {r['path']}" for r in document["inputs"])
    print(f"report: {kinds} → {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
