"""The HTML page of ``mlmprep report``: one self-contained file (inline CSS, inline SVG charts, the numbers as
embedded JSON in ``<script type="application/json" id="mlmprep-report-data">``), no network.

Every chart is a ``<figure id="fig-…">`` inside a ``<section id="sec-…">``; opening the page with
``#only-<id>`` shows that section or figure alone (used to screenshot them one at a time).
"""

from __future__ import annotations

import html
import json

from . import report_charts as charts

STYLE = """
body{font-family:sans-serif;margin:24px;color:#222;max-width:1250px}
section{border-top:2px solid #ddd;padding:8px 0 16px}
figure{display:inline-block;margin:6px;vertical-align:top}
figure svg{width:560px;height:auto}
table{border-collapse:collapse;font-size:13px;margin:6px 0}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
td.t,th.t{text-align:left}
.note{color:#555;font-size:13px;max-width:1100px}
"""
ONLY = """
(function(){var h=location.hash;if(h.indexOf('#only-')!==0)return;
var t=document.getElementById(h.slice(6));if(!t)return;
document.querySelector('h1').style.display='none';
document.querySelectorAll('section').forEach(function(s){if(s!==t&&!s.contains(t))s.style.display='none';});
if(t.tagName==='FIGURE'){Array.prototype.forEach.call(t.parentNode.children,function(e){
if(e!==t)e.style.display='none';});}})();
"""


def _e(value) -> str:
    return html.escape(str(value))


def _table(header: list[str], rows: list[list], left: int = 1) -> str:
    head = "".join(f"<th class='t'>{_e(h)}</th>" if i < left else f"<th>{_e(h)}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td class='t'>{_e(c)}</td>" if i < left else f"<td>{_e(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _figure(fig_id: str, svg: str) -> str:
    return f"<figure id='fig-{fig_id}'>{svg}</figure>"


def store_section(r: dict, k: int) -> str:
    c = r["manifest_counts"]
    rows = [["documents", c["documents_written"]], ["tokens", c["tokens"]], ["[UNK] tokens", c["unknown_tokens"]],
            ["[UNK] rate", f"{c['unknown_rate']:.6f}"], ["text bytes read", c["bytes_read"]],
            ["vocabulary", r["vocab_size"]], ["distinct tokens seen", r["distinct_tokens"]]]
    unk = r["unknown_per_input"]
    figures = [
        _figure(f"store{k}-lengths", charts.histogram(r["document_lengths"], "tokens per document",
                                                                 f"tokens (last bar: {r['document_length_cap']} or more)")),
        _figure(f"store{k}-frequency", charts.rank_frequency(r["rank_frequency"], "token frequency (rank/frequency)")),
        _figure(f"store{k}-unk", charts.grouped_bars([u["input"][-40:] for u in unk],
                                                      {"[UNK] share of tokens": [u["rate"] for u in unk]},
                                                      "[UNK] rate per input", "share")),
    ]
    top = _table(["token", "occurrences"], r["top_tokens"][:10])
    return (f"<section id='sec-store{k}'><h2>Tokenized store <code>{_e(r['path'])}</code></h2>"
            + _table(["count", "value"], rows) + top + "".join(figures)
            + "<p class='note'>The store manifest records one [UNK] count per run, so the rate per input is the "
              "run's rate for a store of one input (the demo tokenizes one corpus file).</p></section>")


def batches_section(r: dict, k: int) -> str:
    m, c = r["masking"], r["manifest_counts"]
    rows = [["sequences", c["sequences"]], ["tokens", c["tokens"]], ["candidates", c["candidates"]],
            ["predicted", c["predicted"]], ["corrupted", c["corrupted"]],
            ["realised predict rate", f"{c['realised_predict_rate']:.6f}"],
            ["realised corrupt rate", f"{c['realised_corrupt_rate']:.6f}"],
            ["predict rate setting", m["predict_rate"]], ["corrupt rate setting", m["corrupt_rate"]],
            ["strategy", m["strategy"]], ["padding share", f"{r['padding_share']:.4f}"]]
    predicted = max(c["predicted"], 1)
    split = [c["masked_with_mask"] / predicted, c["random_replaced"] / predicted, c["kept_but_predicted"] / predicted]
    copies = m["copies_per_sequence"]
    # Per written sequence: with P > C each sequence is written k = ⌈P/C⌉ times, copy j predicting (and
    # corrupting) the j-th of k parts of the selection (docs/design.md §4), so one copy predicts P/k.
    per_copy = m["predict_rate"] / copies
    corrupt = (per_copy if copies > 1 else m["corrupt_rate"]) * (1 - m["replace"][2])
    label = f"setting {m['predict_rate']:g}" + (f" / {copies} copies" if copies > 1 else "")
    figures = [
        _figure(f"batches{k}-predict", charts.histogram(r["predict_rate_per_sequence"], "predicted rate per sequence",
                                                         "predicted / candidates", per_copy, label)),
        _figure(f"batches{k}-corrupt", charts.histogram(r["corrupt_rate_per_sequence"],
                                                         "corrupted rate per sequence (tokens changed)",
                                                         "changed / candidates", corrupt,
                                                         "expected changed share")),
        _figure(f"batches{k}-units", charts.runs(r["predicted_runs_words"], r["expected_span_words"],
                                                  f"unit lengths ({m['strategy']})")),
        _figure(f"batches{k}-split", charts.grouped_bars(["[MASK]", "random", "kept"],
                                                          {"realised": split, "setting": list(m["replace"])},
                                                          "replacement of predicted tokens", "share")),
        _figure(f"batches{k}-length", charts.histogram(r["real_length"], "real length per sequence", "tokens",
                                                        r["seq_len"], f"seq_len {r['seq_len']}")),
        _figure(f"batches{k}-padding", charts.histogram(r["padding"], "padding per sequence", "[PAD] tokens")),
    ]
    note = ("Tokens changed: predicted tokens whose input differs from the label, and [MASK] on unpredicted "
            "ones (a random replacement of an unpredicted token cannot be seen). "
            "Unit lengths are runs of adjacent predicted positions, counted in words (a token without ## starts "
            "one): units that touch merge into one run, so at high rates the runs are longer than the units.")
    return (f"<section id='sec-batches{k}'><h2>Masked batches <code>{_e(r['path'])}</code></h2>"
            + _table(["count", "value"], rows) + "".join(figures) + f"<p class='note'>{_e(note)}</p></section>")


def pmi_section(r: dict, k: int) -> str:
    h = r["header"]
    parts = [f"<section id='sec-pmi{k}'><h2>PMI table <code>{_e(r['path'])}</code></h2>",
             _table(["length", "n-gram positions", "candidates", "kept"],
                    [[n, h["totals"][n - 1], h["candidates"][n - 1], h["kept"][n - 2]]
                     for n in range(2, h["max_n"] + 1)])]
    lengths = [str(n) for n in range(2, h["max_n"] + 1)]
    parts.append(_figure(f"pmi{k}-kept", charts.grouped_bars(
        [f"n={n}" for n in lengths], {"kept": [h["kept"][int(n) - 2] for n in lengths],
                                      "candidates": [h["candidates"][int(n) - 1] for n in lengths]},
        "n-grams per length", "n-grams")))
    for n in (n for n in lengths if n in r["top"]):
        parts.append(f"<h3>top {len(r['top'][n])} of length {n}</h3>"
                     + _table(["n-gram", "count", "score"], [[w, cnt, f"{s:.4f}"] for w, cnt, s in r["top"][n]]))
    return "".join(parts) + "</section>"


def throughput_section(rows: list[dict]) -> str:
    if not rows:
        return ("<section id='sec-throughput'><h2>Throughput</h2><p class='note'>No --stats-json files were given "
                "(mlmprep report … --stats tokenize=FILE); the manifests hold no times.</p></section>")
    shown = [r for r in rows if r["mb_per_s"] is not None]
    figure = _figure("throughput", charts.grouped_bars([r["stage"] for r in shown],
                                                       {"MB of text per second": [r["mb_per_s"] for r in shown]},
                                                       "throughput per stage", "MB/s")) if shown else ""
    table = _table(["stage", "seconds", "text bytes", "MB/s"],
                   [[r["stage"], f"{r['seconds']:.3f}", r["text_bytes"],
                     "" if r["mb_per_s"] is None else f"{r['mb_per_s']:.2f}"] for r in rows])
    return f"<section id='sec-throughput'><h2>Throughput</h2>{table}{figure}</section>"


def page(document: dict) -> str:
    """The whole HTML page."""
    sections, counters = [], {"store": 0, "batches": 0, "pmi": 0}
    makers = {"store": store_section, "batches": batches_section, "pmi": pmi_section}
    for r in document["inputs"]:
        sections.append(makers[r["kind"]](r, counters[r["kind"]]))
        counters[r["kind"]] += 1
    sections.append(throughput_section(document["throughput"]))
    data = json.dumps(document, sort_keys=True).replace("</", "<\\/")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>mlmprep report</title>"
            f"<style>{STYLE}</style></head><body><h1>mlmprep report</h1>"
            + "".join(sections)
            + f"<script type='application/json' id='mlmprep-report-data'>{data}</script>"
            + f"<script>{ONLY}</script></body></html>\n")
