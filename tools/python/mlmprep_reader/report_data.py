"""The numbers of ``mlmprep report``: one JSON-ready dict per input (a store, a batch directory, a PMI table).

Every figure is computed from the files themselves, read with this package's checked readers (the manifests are
cross-checked against the shards before a record is read), and the manifests' own counts are carried along so
that the page shows both and a test can compare them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import zstandard

from .batches import IGNORE_INDEX, iter_batches
from .errors import MLMBError
from .shards import iter_records, load_manifest
from .store import check_token_record, load_vocab, read_vocab_file

PMI_MAGIC = "# mlmprep.pmi "
TOP_PMI = 15
FREQUENCY_POINTS = 400


class ReportInputError(Exception):
    """An input that is none of the three kinds, or unreadable; the message names it and says what to do."""


def classify(path: Path) -> str:
    """``"store"``, ``"batches"`` or ``"pmi"``, from the manifest's format or the table's first line."""
    if path.is_dir():
        manifest = path / "manifest.json"
        if not manifest.is_file():
            raise ReportInputError(f"{path}: no manifest.json, so neither a finished tokenized store nor a batch "
                                   "directory (an unfinished run ends with the same command and --resume)")
        try:
            fmt = json.loads(manifest.read_text(encoding="utf-8")).get("format")
        except (ValueError, UnicodeDecodeError) as error:
            raise ReportInputError(f"{manifest}: not JSON ({error})") from None
        kinds = {"mlmprep.tokens": "store", "mlmprep.batches": "batches"}
        if fmt not in kinds:
            raise ReportInputError(f"{path}: manifest format {fmt!r} is neither mlmprep.tokens (a store) nor "
                                   "mlmprep.batches (a batch directory)")
        return kinds[fmt]
    if path.is_file():
        if _pmi_header_line(path) is None:
            raise ReportInputError(f"{path}: not a PMI table (its first line is not '{PMI_MAGIC.strip()} …'); "
                                   "give a store directory, a batch directory or a table from mlmprep pmi")
        return "pmi"
    raise ReportInputError(f"{path}: no such file or directory")


def _pmi_header_line(path: Path) -> str | None:
    with open(path, "rb") as f:
        if f.read(4) != b"\x28\xb5\x2f\xfd":
            return None
        f.seek(0)
        try:
            with zstandard.ZstdDecompressor().stream_reader(f, read_across_frames=True) as raw:
                head = raw.read(1 << 16)
        except zstandard.ZstdError:
            return None
    line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    return line if line.startswith(PMI_MAGIC) else None


def store_report(path: Path) -> dict:
    """Document lengths, token frequencies and [UNK] figures of a tokenized store."""
    manifest = load_manifest(path)
    vocab = load_vocab(path)
    counts = manifest["counts"]
    frequency = np.zeros(len(vocab), dtype=np.int64)
    lengths = []
    for record in iter_records(path):
        ids, _flags, offsets = check_token_record(record)
        lengths.append(np.diff(offsets))
        frequency += np.bincount(ids, minlength=len(vocab))[: len(vocab)]
    lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    unk = manifest["tokenizer"]["unk_token"]
    inputs = manifest["settings"]["inputs"]
    order = np.argsort(-frequency, kind="stable")
    nonzero = order[frequency[order] > 0]
    ranks = _log_spaced(len(nonzero))
    return {
        "kind": "store", "path": str(path), "manifest_counts": counts,
        "vocab_size": len(vocab), "inputs": inputs,
        "documents": len(lengths), "tokens": int(frequency.sum()),
        "unknown_tokens": int(counts["unknown_tokens"]), "unknown_rate": float(counts["unknown_rate"]),
        "unknown_id_occurrences": int(frequency[vocab.index(unk)]) if unk in vocab else 0,
        # Per input file: the store records one count for the run (see docs/design.md §3.3), so a store of one
        # input gives that file's rate and a store of several gives their common rate under one label.
        "unknown_per_input": [{"input": inputs[0] if len(inputs) == 1 else f"{len(inputs)} inputs together",
                               "rate": float(counts["unknown_rate"])}],
        # The longest 0.5% go into the last bin, so that a few huge documents do not squeeze the rest into one bar.
        "document_lengths": {**_histogram(np.minimum(lengths, _cap(lengths)), 40),
                             "mean": float(lengths.mean()) if lengths.size else 0.0},
        "document_length_cap": _cap(lengths),
        "distinct_tokens": int(len(nonzero)),
        "rank_frequency": [[int(r) + 1, int(frequency[nonzero[r]])] for r in ranks],
        "top_tokens": [[vocab[i], int(frequency[i])] for i in nonzero[:20]],
    }


def _cap(values: np.ndarray) -> int:
    return int(np.ceil(np.percentile(values, 99.5))) if values.size else 0


def _log_spaced(n: int) -> list[int]:
    if n == 0:
        return []
    points = np.unique(np.round(np.geomspace(1, n, FREQUENCY_POINTS)).astype(np.int64) - 1)
    return [int(p) for p in points]


def _histogram(values: np.ndarray, bins: int, value_range=None) -> dict:
    if values.size == 0:
        return {"edges": [], "counts": [], "mean": 0.0, "n": 0}
    counts, edges = np.histogram(values, bins=bins, range=value_range)
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts],
            "mean": float(values.mean()), "n": int(values.size)}


def truncated_geometric(p: float, low: int, high: int) -> list[list[float]]:
    """P(length = l) for the SpanBERT span length: geometric(p) on 1, 2, … truncated to [low, high]."""
    weights = [p * (1 - p) ** (length - 1) for length in range(low, high + 1)]
    total = sum(weights)
    return [[length, w / total] for length, w in zip(range(low, high + 1), weights)]


def batches_report(path: Path) -> dict:
    """Per-sequence rates, lengths, padding, runs of predicted words and the replacement split of a batch directory."""
    manifest = load_manifest(path)
    vocab = read_vocab_file(path / "vocab.txt")
    tally = _BatchTally(vocab)
    for batch in iter_batches(path):
        tally.add(batch)
    masking, counts = manifest["masking"], manifest["counts"]
    report = {"kind": "batches", "path": str(path), "manifest_counts": counts, "masking": masking,
              "packing": manifest["packing"], "seq_len": manifest["packing"]["seq_len"]}
    report.update(tally.summary(masking))
    return report


class _BatchTally:
    """Accumulates per-sequence figures over the batches of one directory."""

    def __init__(self, vocab: list[str]):
        self.special = np.array([i for i, t in enumerate(vocab) if t.startswith("[") and t.endswith("]")
                                 and t != "[UNK]"], dtype=np.int64)
        self.mask_id = vocab.index("[MASK]") if "[MASK]" in vocab else -1
        self.continuation = np.array([t.startswith("##") for t in vocab], dtype=bool)
        self.rates, self.corrupt_rates, self.real, self.padding = [], [], [], []
        self.runs = np.zeros(64, dtype=np.int64)
        self.split = {"mask": 0, "random": 0, "kept": 0}
        self.sequences = self.tokens = self.candidates = self.predicted = 0

    def add(self, batch) -> None:
        ids = batch["input_ids"].astype(np.int64)
        labels = batch["labels"].astype(np.int64)
        real = batch["attention_mask"].astype(bool)
        predicted = labels != IGNORE_INDEX
        original = np.where(predicted, labels, ids)
        candidate = real & ~np.isin(original, self.special)
        changed = (predicted & (ids != labels)) | (~predicted & real & (ids == self.mask_id))
        per_candidates = candidate.sum(axis=1)
        safe = np.maximum(per_candidates, 1)
        self.rates.append(np.where(per_candidates > 0, predicted.sum(axis=1) / safe, np.nan))
        self.corrupt_rates.append(np.where(per_candidates > 0, changed.sum(axis=1) / safe, np.nan))
        self.real.append(real.sum(axis=1))
        self.padding.append((~real).sum(axis=1))
        self.sequences += ids.shape[0]
        self.tokens += int(real.sum())
        self.candidates += int(per_candidates.sum())
        self.predicted += int(predicted.sum())
        self.split["mask"] += int((predicted & (ids == self.mask_id)).sum())
        self.split["kept"] += int((predicted & (ids == labels)).sum())
        self.split["random"] += int((predicted & (ids != labels) & (ids != self.mask_id)).sum())
        self._add_runs(predicted, original)

    def _add_runs(self, predicted: np.ndarray, original: np.ndarray) -> None:
        """Runs of adjacent predicted positions, measured in words (a token not starting with ## starts one)."""
        starts_word = ~self.continuation[np.clip(original, 0, len(self.continuation) - 1)]
        gap = np.zeros((predicted.shape[0], 1), dtype=bool)  # a column of False keeps runs inside their row
        flat = np.concatenate((predicted, gap), axis=1).ravel()
        words = np.concatenate((starts_word, gap), axis=1).ravel()
        edges = np.diff(np.concatenate(([0], flat.astype(np.int8), [0])))
        begins, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        cumulative = np.concatenate(([0], np.cumsum(words)))
        lengths = np.maximum(cumulative[ends] - cumulative[begins], 1)
        np.add.at(self.runs, np.minimum(lengths, len(self.runs) - 1), 1)

    def summary(self, masking: dict) -> dict:
        rates = _finite(np.concatenate(self.rates)) if self.rates else np.zeros(0)
        corrupt = _finite(np.concatenate(self.corrupt_rates)) if self.corrupt_rates else np.zeros(0)
        real = np.concatenate(self.real) if self.real else np.zeros(0)
        padding = np.concatenate(self.padding) if self.padding else np.zeros(0)
        top = int(np.flatnonzero(self.runs).max()) if self.runs.any() else 0
        runs = [[length, int(self.runs[length])] for length in range(1, top + 1)]
        expected = (truncated_geometric(masking["span_p"], masking["span_min"], masking["span_max"])
                    if masking["strategy"] == "span" else None)
        return {
            "sequences": self.sequences, "tokens": self.tokens, "candidates": self.candidates,
            "predicted": self.predicted, "replacement_counted": self.split,
            "predict_rate_per_sequence": _histogram(rates, 40, (0.0, 1.0)),
            "corrupt_rate_per_sequence": _histogram(corrupt, 40, (0.0, 1.0)),
            "real_length": _histogram(real, 32), "padding": _histogram(padding, 32),
            "padding_share": float(padding.sum() / max(real.sum() + padding.sum(), 1)),
            "predicted_runs_words": runs, "expected_span_words": expected,
        }


def _finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def pmi_report(path: Path) -> dict:
    """The header and the top entries of each length of a PMI table."""
    header = None
    top: dict[int, list] = {}
    entries: dict[int, int] = {}
    with open(path, "rb") as f, zstandard.ZstdDecompressor().stream_reader(f, read_across_frames=True) as raw:
        import io
        for number, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8", newline="\n"), start=1):
            line = line.rstrip("\n")
            if number == 1:
                header = json.loads(line[len(PMI_MAGIC):])
                continue
            words, count, score = line.split("\t")
            n = words.count(" ") + 1
            entries[n] = entries.get(n, 0) + 1
            if len(top.setdefault(n, [])) < TOP_PMI:
                top[n].append([words, int(count), float(score)])
    if header is None:
        raise ReportInputError(f"{path}: an empty PMI table")
    return {"kind": "pmi", "path": str(path), "header": header,
            "entries_per_length": {str(n): c for n, c in sorted(entries.items())},
            "top": {str(n): rows for n, rows in sorted(top.items())}}


def throughput(stats: list[tuple[str, Path]], reports: list[dict]) -> list[dict]:
    """MB/s of text per stage from ``--stats-json`` files (the manifests hold no times: they are a function of
    the inputs, so that runs and resumed runs are byte-identical)."""
    text_bytes = next((r["manifest_counts"]["bytes_read"] for r in reports if r["kind"] == "store"), None)
    rows = []
    for stage, file in stats:
        try:
            value = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ReportInputError(f"{file}: cannot read the --stats-json file of stage {stage} ({error})") from None
        if not isinstance(value, dict) or "seconds" not in value:
            raise ReportInputError(f"{file}: no 'seconds' member; give a file written by --stats-json")
        own = value.get("counts", {}).get("bytes_read") if isinstance(value.get("counts"), dict) else None
        amount = own if own is not None else text_bytes
        seconds = float(value["seconds"])
        rows.append({"stage": stage, "file": str(file), "seconds": seconds, "text_bytes": amount,
                     "mb_per_s": (amount / seconds / 1e6) if amount is not None and seconds > 0 else None})
    return rows


def build(paths: list[Path], stats: list[tuple[str, Path]]) -> dict:
    """The whole report document."""
    builders = {"store": store_report, "batches": batches_report, "pmi": pmi_report}
    kinds = [(path, classify(path)) for path in paths]
    reports = []
    for path, kind in kinds:
        try:
            reports.append(builders[kind](path))
        except MLMBError as error:
            raise ReportInputError(str(error)) from None
    for report in reports:
        for key in ("predict_rate_per_sequence", "corrupt_rate_per_sequence"):
            if key in report and math.isnan(report[key].get("mean", 0.0)):
                report[key]["mean"] = 0.0
    return {"format": "mlmprep.report", "version": 1, "inputs": reports, "throughput": throughput(stats, reports)}
