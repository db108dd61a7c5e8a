"""The charts of ``mlmprep report``: matplotlib figures rendered to inline SVG (no files, no network).

matplotlib's SVG backend draws text as paths by default, so the page needs no fonts; ``svg.hashsalt`` and an
empty ``Date`` make the SVG the same bytes on every run.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams.update({"svg.hashsalt": "mlmprep", "svg.fonttype": "path", "font.size": 9,
                            "axes.spines.top": False, "axes.spines.right": False})
REALISED = "#1f77b4"
EXPECTED = "#d62728"


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure():
    return plt.subplots(figsize=(5.6, 3.2))


def histogram(hist: dict, title: str, xlabel: str, setting: float | None = None, setting_label: str = "") -> str:
    """Bars of a histogram (edges and counts), with the setting as a vertical line."""
    figure, axes = _figure()
    edges, counts = hist["edges"], hist["counts"]
    if counts:
        widths = [b - a for a, b in zip(edges[:-1], edges[1:])]
        axes.bar(edges[:-1], counts, width=widths, align="edge", color=REALISED, label="realised")
        axes.axvline(hist["mean"], color="#444444", linestyle=":", label=f"mean {hist['mean']:.4g}")
    if setting is not None:
        axes.axvline(setting, color=EXPECTED, linewidth=2, label=setting_label or f"setting {setting:g}")
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel("sequences" if "sequence" in title else "count")
    axes.legend(frameon=False)
    return _svg(figure)


def runs(realised: list, expected: list | None, title: str) -> str:
    """Shares of runs of each length in words, beside the definition's distribution where there is one."""
    figure, axes = _figure()
    total = sum(c for _, c in realised) or 1
    xs = [length for length, _ in realised]
    offset = 0.2 if expected else 0.0
    axes.bar([x - offset for x in xs], [c / total for _, c in realised], width=0.4 if expected else 0.8,
             color=REALISED, label="realised runs of predicted words")
    if expected:
        axes.bar([x + offset for x, _ in expected], [p for _, p in expected], width=0.4, color=EXPECTED,
                 label="definition (truncated geometric)")
    axes.set_title(title)
    axes.set_xlabel("length in words")
    axes.set_ylabel("share")
    axes.legend(frameon=False)
    return _svg(figure)


def grouped_bars(labels: list[str], series: dict[str, list[float]], title: str, ylabel: str) -> str:
    """Bars per label, one colour per series (realised vs setting)."""
    figure, axes = _figure()
    width = 0.8 / max(len(series), 1)
    colours = [REALISED, EXPECTED, "#2ca02c", "#9467bd"]
    for k, (name, values) in enumerate(series.items()):
        bars = axes.bar([i + (k - (len(series) - 1) / 2) * width for i in range(len(labels))], values, width=width,
                        color=colours[k % len(colours)], label=name)
        axes.bar_label(bars, labels=[f"{v:.4g}" for v in values], fontsize=7)
    axes.set_ylim(bottom=0, top=max([v for vs in series.values() for v in vs] + [0]) * 1.15 or 1.0)
    axes.set_xticks(range(len(labels)), labels, rotation=0 if len(labels) < 5 else 20, ha="right"
                    if len(labels) >= 5 else "center")
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.legend(frameon=False)
    return _svg(figure)


def rank_frequency(points: list, title: str) -> str:
    """Token frequency against rank on log-log axes, with Zipf's 1/rank through the first point."""
    figure, axes = _figure()
    ranks = [r for r, _ in points]
    counts = [c for _, c in points]
    axes.loglog(ranks, counts, color=REALISED, marker=".", markersize=3, linewidth=1, label="tokens")
    if points:
        axes.loglog(ranks, [counts[0] / r for r in ranks], color=EXPECTED, linestyle="--", linewidth=1,
                    label="Zipf (1/rank)")
    axes.set_title(title)
    axes.set_xlabel("rank")
    axes.set_ylabel("occurrences")
    axes.legend(frameon=False)
    return _svg(figure)
