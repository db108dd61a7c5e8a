"""`mlmprep report`: the numbers on the page equal the manifests' (and the files'), bad inputs are refused naming
them, a missing renderer says how to install it, and headless Chromium draws every chart (pixels counted)."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import zstandard

from mlmprep_reader import iter_batches, load_manifest

ROOT = Path(__file__).resolve().parents[3]
DATA = re.compile(r"<script type='application/json' id='mlmprep-report-data'>(.*?)</script>", re.S)
BLUE = np.array([31, 119, 180])  # report_charts.REALISED: the realised data of every chart


def run(cmd, check=True):
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def made(tmp_path_factory, mlmprep_bin, vocab):
    """A store of English and many scripts (so [UNK] > 0), a PMI table, PMI and span batches, stats files."""
    d = tmp_path_factory.mktemp("report")
    inputs = [ROOT / "corpora/en.txt", ROOT / "corpora/multilingual.txt"]
    run([mlmprep_bin, "tokenize", *inputs, "--vocab", vocab, "-o", d / "tok", "--stats-json", d / "tok.json"])
    run([mlmprep_bin, "pmi", d / "tok", "-o", d / "p.table", "--min-count", 2, "--stats-json", d / "pmi.json"])
    run([mlmprep_bin, "mask", d / "tok", "--preset", "pmi", "--pmi", d / "p.table", "--rate", 0.4, "--seq-len", 64,
         "-o", d / "pmi-batches", "--stats-json", d / "mask.json"])
    run([mlmprep_bin, "mask", d / "tok", "--strategy", "span", "--predict-rate", 0.3, "--corrupt-rate", 0.2,
         "--seq-len", 128, "--batch-size", 16, "-o", d / "span-batches"])
    out = d / "report.html"
    result = run([mlmprep_bin, "report", d / "tok", d / "pmi-batches", d / "span-batches", d / "p.table", "-o", out,
                  "--stats", f"tokenize={d / 'tok.json'}", "--stats", f"pmi={d / 'pmi.json'}",
                  "--stats", f"mask={d / 'mask.json'}"])
    assert str(out) in result.stderr
    html = out.read_text(encoding="utf-8")
    return d, out, html, json.loads(DATA.search(html).group(1).replace("<\\/", "</"))


def test_store_numbers_equal_the_manifest(made):
    d, _, html, data = made
    store = data["inputs"][0]
    manifest = load_manifest(d / "tok")
    assert store["kind"] == "store" and store["manifest_counts"] == manifest["counts"]
    assert store["documents"] == manifest["counts"]["documents_written"] == store["document_lengths"]["n"]
    assert store["tokens"] == manifest["counts"]["tokens"]
    assert sum(store["document_lengths"]["counts"]) == manifest["counts"]["documents_written"]
    assert manifest["counts"]["unknown_tokens"] > 0
    assert store["unknown_id_occurrences"] >= manifest["counts"]["unknown_tokens"]
    assert store["unknown_per_input"][0]["rate"] == manifest["counts"]["unknown_rate"]
    ranks = store["rank_frequency"]
    assert ranks[0][0] == 1 and ranks[-1][0] == store["distinct_tokens"]
    assert all(a[1] >= b[1] for a, b in zip(ranks, ranks[1:]))
    for text in (manifest["counts"]["tokens"], manifest["counts"]["unknown_tokens"], manifest["counts"]["bytes_read"]):
        assert f"<td>{text}</td>" in html


@pytest.mark.parametrize("index, name", [(1, "pmi-batches"), (2, "span-batches")])
def test_batch_numbers_equal_the_manifest_and_the_shards(made, index, name):
    d, _, html, data = made
    r = data["inputs"][index]
    manifest = load_manifest(d / name)
    c = manifest["counts"]
    assert r["kind"] == "batches" and r["manifest_counts"] == c and r["masking"] == manifest["masking"]
    for key in ("sequences", "tokens", "candidates", "predicted"):
        assert r[key] == c[key], key
    assert sum(r["predict_rate_per_sequence"]["counts"]) == r["predict_rate_per_sequence"]["n"] <= c["sequences"]
    assert r["predict_rate_per_sequence"]["n"] > 0.9 * c["sequences"]
    assert sum(r["real_length"]["counts"]) == sum(r["padding"]["counts"]) == c["sequences"]
    split = r["replacement_counted"]
    assert split["mask"] + split["random"] + split["kept"] == c["predicted"]
    if manifest["masking"]["corrupt_rate"] >= manifest["masking"]["predict_rate"]:
        # A random replacement may draw the original id: it is counted random but looks kept.
        assert split["mask"] == c["masked_with_mask"]
        assert split["random"] + split["kept"] == c["random_replaced"] + c["kept_but_predicted"]
    real = padding = 0
    for batch in iter_batches(d / name):
        real += int(batch["attention_mask"].sum())
        padding += int((batch["attention_mask"] == 0).sum())
    assert r["padding_share"] == pytest.approx(padding / (real + padding), rel=1e-12)
    for key in ("sequences", "predicted", "candidates", "corrupted"):
        assert f"<td>{c[key]}</td>" in html
    assert f"<td>{c['realised_predict_rate']:.6f}</td>" in html


def test_span_definition_is_the_truncated_geometric(made):
    r = made[3]["inputs"][2]
    m = r["masking"]
    expected = dict((int(k), p) for k, p in r["expected_span_words"])
    assert sorted(expected) == list(range(m["span_min"], m["span_max"] + 1))
    assert sum(expected.values()) == pytest.approx(1.0, abs=1e-12)
    for k in range(m["span_min"], m["span_max"]):
        assert expected[k + 1] / expected[k] == pytest.approx(1 - m["span_p"], rel=1e-12)
    assert made[3]["inputs"][1]["expected_span_words"] is None  # PMI units have no length distribution


def test_pmi_numbers_equal_the_table(made):
    d, _, html, data = made
    r = data["inputs"][3]
    lines = zstandard.ZstdDecompressor().decompressobj().decompress((d / "p.table").read_bytes()).decode().split("\n")
    assert r["header"] == json.loads(lines[0][len("# mlmprep.pmi "):])
    rows = [line.split("\t") for line in lines[1:] if line]
    for n, top in r["top"].items():
        of_length = [row for row in rows if row[0].count(" ") + 1 == int(n)]
        assert r["entries_per_length"][n] == len(of_length) == r["header"]["kept"][int(n) - 2]
        assert top == [[w, int(cnt), float(s)] for w, cnt, s in of_length[: len(top)]]
        assert len(top) == min(15, len(of_length))
        for words, count, _ in top:
            assert f"<td class='t'>{words}</td><td>{count}</td>" in html.replace("&#x27;", "'")


def test_throughput_from_the_stats_files(made):
    d, _, _, data = made
    rows = {row["stage"]: row for row in data["throughput"]}
    store_bytes = load_manifest(d / "tok")["counts"]["bytes_read"]
    for stage in ("tokenize", "pmi", "mask"):
        seconds = json.loads((d / f"{'tok' if stage == 'tokenize' else stage}.json").read_text())["seconds"]
        assert rows[stage]["seconds"] == seconds
        assert rows[stage]["text_bytes"] == store_bytes
        assert rows[stage]["mb_per_s"] == pytest.approx(store_bytes / seconds / 1e6, rel=1e-12)


def test_refuses_what_is_none_of_the_three_kinds(made, mlmprep_bin, tmp_path):
    d = made[0]
    (tmp_path / "plain").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "manifest.json").write_text('{"format": "something.else"}')
    for path, words in [(tmp_path / "plain", "no manifest.json"), (tmp_path / "other", "something.else"),
                        (ROOT / "corpora/en.txt", "not a PMI table"), (tmp_path / "absent", "no such file")]:
        result = run([mlmprep_bin, "report", d / "tok", path, "-o", tmp_path / "r.html"], check=False)
        assert result.returncode == 1, result.stderr
        assert str(path) in result.stderr and words in result.stderr
        assert not (tmp_path / "r.html").exists()
    bad = run([mlmprep_bin, "report", d / "tok", "-o", tmp_path / "r.html", "--stats", "nonsense"], check=False)
    assert bad.returncode == 2 and "STAGE=FILE" in bad.stderr


def test_a_missing_renderer_says_how_to_install_it(made, mlmprep_bin, tmp_path):
    fake = tmp_path / "python-without-matplotlib"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = run([mlmprep_bin, "report", made[0] / "tok", "-o", tmp_path / "r.html", "--python", fake], check=False)
    assert result.returncode == 1
    assert "renderer is missing" in result.stderr and "tools/python[report]" in result.stderr
    assert "tools/setup.sh" in result.stderr and str(fake) in result.stderr


def test_the_page_needs_no_network(made):
    html = made[2]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and html.count("<svg") == len(re.findall(r"<figure id='fig-", html))


LAYOUT = """<script>(function(){var r={height:document.documentElement.scrollHeight,boxes:{}};
document.querySelectorAll('section,figure').forEach(function(e){var b=e.getBoundingClientRect();
r.boxes[e.id]=[b.left+scrollX,b.top+scrollY,b.width,b.height];});
var p=document.createElement('pre');p.id='layout';p.textContent=JSON.stringify(r);document.body.appendChild(p);
})();</script></body>"""


def chromium(*args):
    browser = shutil.which("chromium")
    assert browser, "chromium is not installed: tools/setup.sh installs it"
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--force-device-scale-factor=1", "--window-size=1250,1000", *args],
                          capture_output=True, text=True, timeout=120)


def test_chromium_draws_every_chart(made):
    from PIL import Image

    d, out, html, _ = made
    probe = d / "probe.html"
    probe.write_text(html.replace("</body>", LAYOUT), encoding="utf-8")
    dom = chromium("--dump-dom", probe.as_uri()).stdout
    layout = json.loads(re.search(r'<pre id="layout">(.*?)</pre>', dom, re.S).group(1).replace("&quot;", '"'))
    height = int(layout["height"]) + 20
    shot = d / "page.png"
    chromium(f"--window-size=1250,{height}", f"--screenshot={shot}", out.as_uri())
    image = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert image.shape[0] >= layout["height"]
    figures = [k for k in layout["boxes"] if k.startswith("fig-")]
    sections = [k for k in layout["boxes"] if k.startswith("sec-")]
    assert len(figures) == html.count("<figure") >= 15 and len(sections) == 5
    for name in sections + figures:
        x, y, w, h = (int(round(v)) for v in layout["boxes"][name])
        crop = image[y:y + h, x:x + w]
        assert crop.size > 0, name
        if name.startswith("sec-"):
            Image.fromarray(crop.astype(np.uint8)).save(d / f"{name}.png")  # one screenshot per section
        drawn = (np.abs(crop - 255).sum(axis=2) > 30).mean()
        data = (np.abs(crop - BLUE).sum(axis=2) < 40).sum()
        assert drawn > 0.02, f"{name}: only {drawn:.1%} of its pixels are not background"
        if name.startswith("fig-"):
            assert data > 150, f"{name}: {data} pixels in the data colour; the chart has no data drawn"
    if os.environ.get("MLMPREP_REPORT_SHOTS"):  # to look at them: MLMPREP_REPORT_SHOTS=DIR pytest …
        shutil.copytree(d, os.environ["MLMPREP_REPORT_SHOTS"], dirs_exist_ok=True)
