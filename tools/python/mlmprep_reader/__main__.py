"""Command line: ``python -m mlmprep_reader {info,head,verify,dump} PATH`` (also installed as ``mlmprep-reader``).

    info PATH      manifest summary of a directory; records of a shard file or stream
    head PATH      the first sequences of masked batches or documents of a store (-n N, --vocab FILE)
    verify PATH    every record read and checked (against the manifest for a directory, sha256 included)
    dump PATH      tensor names, dtypes, shapes and first values of records (--record I, --limit N)

PATH is an output directory, a shard file, any file of concatenated frames, or ``-`` for stdin.
Exit status: 0 ok, 1 damaged, missing or unreadable input (the message names the file, record and byte
offset, and what to do), 2 bad usage.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from pathlib import Path

import numpy as np

from . import MLMBError, iter_records, load_manifest, read_record, seek_table
from .cli_head import cmd_head
from .cli_verify import cmd_verify
from .shards import MANIFEST_NAME, SHARD_SUFFIX, _has_seek_table_footer


def _human(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _is_seekable_file(path: Path) -> bool:
    with open(path, "rb") as f:
        return _has_seek_table_footer(f) or path.name.endswith(SHARD_SUFFIX)


def _source(arg: str):
    return sys.stdin.buffer if arg == "-" else arg


def _tensor_line(name: str, array: np.ndarray, values: int) -> str:
    flat = array.reshape(-1)
    shown = " ".join(str(v) for v in flat[:values].tolist())
    more = " ..." if flat.size > values else ""
    return f"  {name:<24} {str(array.dtype):<8} {str(list(array.shape)):<14} [{shown}{more}]"


def _print_record(record, values: int) -> None:
    print(f"record {record.index} of {record.source}")
    if record.metadata:
        print(f"  __metadata__ {json.dumps(record.metadata, ensure_ascii=False, sort_keys=True)}")
    for name, array in record.items():
        print(_tensor_line(name, array, values))


def cmd_info(args) -> int:
    if args.path != "-" and Path(args.path).is_dir():
        directory = Path(args.path)
        if not (directory / MANIFEST_NAME).exists() and args.allow_incomplete:
            print(f"{directory}: no {MANIFEST_NAME} (incomplete run); shards present:")
            n = 0
            for path in sorted(p for p in directory.iterdir() if p.name.endswith(SHARD_SUFFIX)):
                try:
                    records = sum(1 for e in seek_table(path) if e[2] > 0)
                    print(f"  {path.name}  {records} records")
                    n += records
                except MLMBError as e:
                    print(f"  {path.name}  damaged: {e.reason}")
            print(f"records: {n}")
            return 0
        manifest = load_manifest(directory)
        shards = manifest["shards"]
        print(f"directory:      {directory}")
        print(f"format:         {manifest['format']} v{manifest['format_version']}")
        if "tool" in manifest:
            print(f"tool:           {manifest['tool']}")
        total = lambda key: sum(s.get(key, 0) or 0 for s in shards)  # noqa: E731
        print(f"shards:         {len(shards)}")
        print(f"records:        {total('records')}")
        if any("sequences" in s for s in shards):
            print(f"sequences:      {total('sequences')}")
        print(f"compressed:     {_human(total('compressed_bytes'))} ({total('compressed_bytes')} bytes)")
        print(f"raw:            {_human(total('raw_bytes'))} ({total('raw_bytes')} bytes)")
        for key, value in manifest.items():
            if key in ("format", "format_version", "tool", "shards"):
                continue
            print(f"{key + ':':<15} {json.dumps(value, ensure_ascii=False, sort_keys=True)}")
        for s in shards:
            print(f"  {s['file']}  records={s['records']} sequences={s.get('sequences', '?')} "
                  f"compressed={s.get('compressed_bytes', '?')} raw={s.get('raw_bytes', '?')}")
        return 0
    if args.path != "-" and _is_seekable_file(Path(args.path)):
        table = seek_table(args.path)
        records = [e for e in table if e[2] > 0]
        print(f"shard:          {args.path}")
        print(f"records:        {len(records)}")
        print(f"frames:         {len(table)} (+ seek table)")
        print(f"compressed:     {sum(e[1] for e in table)} bytes in frames, "
              f"{os.path.getsize(args.path)} bytes in the file")
        print(f"raw:            {sum(e[2] for e in table)} bytes")
        if records:
            first = read_record(args.path, 0)
            print("first record:")
            for name, array in first.items():
                print(f"  {name:<24} {str(array.dtype):<8} {list(array.shape)}")
        return 0
    n, raw, first = 0, 0, None
    for record in iter_records(_source(args.path)):
        if first is None:
            first = record
        raw += sum(a.nbytes for a in record.values())
        n += 1
    print(f"stream:         {'<stdin>' if args.path == '-' else args.path}")
    print(f"records:        {n}")
    print(f"tensor bytes:   {raw}")
    if first is not None:
        print("first record:")
        for name, array in first.items():
            print(f"  {name:<24} {str(array.dtype):<8} {list(array.shape)}")
    return 0


def cmd_dump(args) -> int:
    path = args.path
    if args.record is not None:
        if path != "-" and Path(path).is_file() and _is_seekable_file(Path(path)):
            _print_record(read_record(path, args.record), args.values)
            return 0
        if path != "-" and Path(path).is_dir() and args.record >= 0:
            # Jump to the right shard using the manifest's record counts.
            directory = Path(path)
            manifest = load_manifest(directory)
            i = args.record
            for s in manifest["shards"]:
                if i < s["records"]:
                    _print_record(read_record(directory / s["file"], i), args.values)
                    return 0
                i -= s["records"]
            print(f"{PROG} dump: error: record {args.record} out of range "
                  f"({args.record - i} records in {path})", file=sys.stderr)
            return 1
        if args.record < 0:
            print(f"{PROG} dump: error: a negative --record needs a shard file", file=sys.stderr)
            return 2
        record = next(itertools.islice(iter_records(_source(path)), args.record, None), None)
        if record is None:
            print(f"{PROG} dump: error: record {args.record} out of range", file=sys.stderr)
            return 1
        _print_record(record, args.values)
        return 0
    records = iter_records(_source(path), allow_incomplete=args.allow_incomplete)
    if args.limit is not None:
        records = itertools.islice(records, args.limit)
    for record in records:
        _print_record(record, args.values)
    return 0


PROG = "python -m mlmprep_reader"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Inspect and check mlmprep output: directories, shard files, pipes ('-').",
        epilog="Exit status: 0 ok, 1 damaged, missing or unreadable input, 2 bad usage.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{info,head,verify,dump}")
    p = sub.add_parser("info", help="manifest summary of a directory, or record count of a shard or stream")
    p.add_argument("path", help="output directory, shard file, or - for stdin")
    p.add_argument("--allow-incomplete", action="store_true", help="list shards of a directory without manifest")
    p.set_defaults(func=cmd_info)
    p = sub.add_parser("head", help="the first sequences (batches) or documents (store), as tokens or ids")
    p.add_argument("path", help="output directory, shard file, or - for stdin")
    p.add_argument("-n", type=_count, default=3, help="how many sequences or documents (default 3)")
    p.add_argument("--vocab", help="vocab.txt to show tokens (default: the store's, when it can be found)")
    p.add_argument("--values", type=_count, default=64, help="tokens shown per line, 0 for all (default 64)")
    p.add_argument("--allow-incomplete", action="store_true", help="read a directory without manifest")
    p.set_defaults(func=cmd_head)
    p = sub.add_parser("verify", help="read and check every record, against the manifest for a directory")
    p.add_argument("path", help="output directory, shard file, or - for stdin")
    p.add_argument("--no-hashes", action="store_true", help="skip the sha256 of each shard (directories)")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("dump", help="tensor names, dtypes, shapes and first values of records")
    p.add_argument("path", help="output directory, shard file, or - for stdin")
    p.add_argument("--record", type=int, help="only this record (index across the whole directory)")
    p.add_argument("--limit", type=_count, help="at most this many records")
    p.add_argument("--values", type=_count, default=16, help="values shown per tensor (default 16)")
    p.add_argument("--allow-incomplete", action="store_true", help="read a directory without manifest")
    p.set_defaults(func=cmd_dump)
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def advice(error: MLMBError) -> str | None:
    """What to do about ``error``, when its message does not already say."""
    reason = error.reason
    if any(hint in reason for hint in ("resume", "update mlmprep_reader", "mlmprep mask", "--vocab", "vocabulary")):
        return None
    if error.source == "<stdin>" or error.source == "<stream>":
        return ("the stream is damaged or was cut short: check that the writer (e.g. `mlmprep mask --stdout`) "
                "ended with status 0, and read the whole stream")
    if "not a masked batch" in reason or "format is" in reason or "a batch in" in reason or "store record" in reason:
        return "this is not the kind of output the command expected: check the path"
    return ("this output is damaged or was changed after mlmprep wrote it: write it again (for a directory, "
            "`mlmprep tokenize`/`mask ... --resume` rewrites damaged shards) or copy it again from its source; "
            "`mlmprep verify DIR` reports the first damage too")


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.func in (cmd_head, cmd_verify):
            return args.func(args, sys.stdin.buffer)
        return args.func(args)
    except MLMBError as e:
        print(f"{PROG} {args.command}: error: {e}", file=sys.stderr)
        hint = advice(e)
        if hint:
            print(f"  what to do: {hint}", file=sys.stderr)
        return 1
    except IndexError as e:
        print(f"{PROG} {args.command}: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        if isinstance(e, BrokenPipeError):
            raise
        where = f"{e.filename}: " if e.filename else ""
        print(f"{PROG} {args.command}: error: {where}{e.strerror or e}", file=sys.stderr)
        if isinstance(e, FileNotFoundError):
            print("  what to do: check the path (an output directory of mlmprep, a shard file, or - for stdin)",
                  file=sys.stderr)
        return 1


def run() -> None:
    """Console entry point (``mlmprep-reader``) and ``python -m mlmprep_reader``."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of our stdout went away (e.g. `| head`): end quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    run()
