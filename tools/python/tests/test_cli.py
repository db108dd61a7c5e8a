"""``python -m mlmprep_reader`` (and its console script ``mlmprep-reader``): ``info``, ``head``, ``verify`` on
real ``mlmprep`` output, and what they say about damaged, missing and wrong input (exit 1) and bad usage
(exit 2). The values shown are checked against the shards decoded with zstandard + safetensors."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlmprep_reader.__main__ import main
from test_hf_dataset import ENV, mask_to, reference_batches
from test_mask_cli import store  # noqa: F401  (a fixture)

CONSOLE_SCRIPT = Path(sys.executable).parent / "mlmprep-reader"


def cli(*args, stdin=None, script=False):
    command = [str(CONSOLE_SCRIPT)] if script else [sys.executable, "-m", "mlmprep_reader"]
    result = subprocess.run([*command, *map(str, args)], input=stdin, capture_output=True, env=ENV, timeout=300)
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result.returncode, result.stdout.decode(), result.stderr.decode()


@pytest.fixture(scope="module")
def outputs(mlmprep_bin, store, tmp_path_factory):  # noqa: F811
    base = tmp_path_factory.mktemp("cli")
    return {
        "store": store,
        "batches": mask_to(mlmprep_bin, store, base / "batches",
                           ["--seq-len", "512", "--batch-size", "13", "--epochs", "25", "--max-shard-mb", "1"]),
        "pair": mask_to(mlmprep_bin, store, base / "pair",
                        ["--pack", "pair", "--seq-len", "64", "--batch-size", "9", "--strategy", "word"]),
    }


def test_verify_intact_outputs(outputs):
    for kind in ("store", "batches", "pair"):
        manifest = json.loads((outputs[kind] / "manifest.json").read_text())
        records = sum(s["records"] for s in manifest["shards"])
        items = sum(s["sequences"] for s in manifest["shards"])
        code, out, err = cli("verify", outputs[kind])
        assert code == 0, err
        what = "documents" if kind == "store" else "sequences"
        assert f"is intact ({manifest['format']}): {len(manifest['shards'])} shard(s), {records} record(s), " \
               f"{items} {what}" in out
        assert f"sha256 of {len(manifest['shards'])} shard(s) checked" in out
    batches = outputs["batches"]
    assert len(list(batches.glob("*.mlmb.zst"))) >= 2
    stream = b"".join(p.read_bytes() for p in sorted(batches.glob("*.mlmb.zst")))
    total = sum(b["input_ids"].shape[0] for b in reference_batches(batches))
    code, out, _ = cli("verify", "-", stdin=stream)
    assert code == 0 and f"<stdin> is intact: {len(reference_batches(batches))} record(s), {total} sequences" in out
    code, out, _ = cli("verify", batches, script=True)
    assert code == 0 and "is intact" in out


def test_verify_catches_every_flip_without_hashes(outputs, tmp_path, capsys):
    # --no-hashes: the zstd checksums, the seek table and the manifest's sizes must catch each flip alone.
    # In this process (main(argv)), to save 40 interpreter start-ups.
    damaged = tmp_path / "damaged"
    shutil.copytree(outputs["pair"], damaged)
    shard = sorted(damaged.glob("*.mlmb.zst"))[0]
    original = shard.read_bytes()
    rng = random.Random(7)
    missed = []
    for trial in range(100):
        data = bytearray(original)
        position = rng.randrange(len(data))
        data[position] ^= (1 << rng.randrange(8)) if trial % 2 == 0 else rng.randrange(1, 256)
        shard.write_bytes(bytes(data))
        code = main(["verify", str(damaged), "--no-hashes"])
        err = capsys.readouterr().err
        if code != 1 or shard.name not in err or "what to do" not in err:
            missed.append((position, code, err))
    assert not missed, f"{len(missed)} of 100 flips not reported: {missed[:3]}"


def test_verify_counts_and_missing_pieces(outputs, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(outputs["batches"], broken)
    manifest = json.loads((broken / "manifest.json").read_text())
    manifest["shards"][1]["sequences"] += 1
    (broken / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = cli("verify", broken)
    name = manifest["shards"][1]["file"]
    assert code == 1 and f"{name}: holds {manifest['shards'][1]['sequences'] - 1} sequences but the manifest " \
                         f"says {manifest['shards'][1]['sequences']}" in err
    manifest["shards"][1]["sequences"] -= 1
    manifest["counts"]["batches"] += 2
    (broken / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = cli("verify", broken)
    assert code == 1 and "manifest.json: counts.batches is" in err
    (broken / name).unlink()
    code, _, err = cli("verify", broken)
    assert code == 1 and f"shard {name} listed in the manifest is missing" in err
    (broken / "manifest.json").unlink()
    code, _, err = cli("verify", broken)
    assert code == 1 and "no manifest.json" in err and "resume" in err
    code, _, err = cli("verify", "-", stdin=(outputs["batches"] / "shard-00000.mlmb.zst").read_bytes()[:-5000])
    assert code == 1 and "<stdin>" in err and "cut short" in err
    code, _, err = cli("verify", tmp_path / "nowhere")
    assert code == 1 and str(tmp_path / "nowhere") in err and "check the path" in err


def test_head_shows_our_sequences_as_tokens(outputs):
    vocab = (outputs["store"] / "vocab.txt").read_text(encoding="utf-8").split("\n")
    batch = reference_batches(outputs["pair"])[0]
    code, out, err = cli("head", outputs["pair"], "-n", "4", "--values", "0")
    assert code == 0, err
    blocks = out.split("sequence ")[1:]
    assert len(blocks) == 4
    for row, block in enumerate(blocks):
        length = int(batch["attention_mask"][row].sum())
        ids = batch["input_ids"][row][:length].tolist()
        assert f"  input   {' '.join(vocab[i] for i in ids)}\n" in block
        targets = [f"{k}:{vocab[t]}" for k, t in enumerate(batch["labels"][row].tolist()) if t != -100]
        assert f"  targets {' '.join(targets)}\n" in block
        assert f"next_sentence_label {int(batch['next_sentence_label'][row])}" in block
        assert f"segment B starts at position {batch['token_type_ids'][row].tolist().index(1)}" in block
    # Without a vocabulary (the store moved away) the ids are shown; from stdin too.
    stream = (outputs["pair"] / "shard-00000.mlmb.zst").read_bytes()
    code, out, _ = cli("head", "-", "-n", "1", "--values", "5", stdin=stream)
    assert code == 0 and f"  input   {' '.join(map(str, batch['input_ids'][0][:5].tolist()))} ...\n" in out


def test_head_of_a_store(outputs):
    vocab = (outputs["store"] / "vocab.txt").read_text(encoding="utf-8").split("\n")
    record = reference_batches(outputs["store"])[0]  # the store's first record: ids, flags, doc_offsets
    offsets = record["doc_offsets"].tolist()
    code, out, err = cli("head", outputs["store"], "-n", "2", "--values", "6")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 4
    for d in range(2):
        ids = record["ids"][offsets[d]:offsets[d + 1]].tolist()
        sentences = int(((record["flags"][offsets[d]:offsets[d + 1]] & 2) != 0).sum())
        assert f"document {d} of record 0 " in lines[2 * d]
        assert f"{len(ids)} tokens, {sentences} sentences" in lines[2 * d]
        assert lines[2 * d + 1] == "  " + " ".join(vocab[i] for i in ids[:6]) + " ..."


def test_info_and_usage_errors(outputs, tmp_path):
    code, out, _ = cli("info", outputs["batches"])
    manifest = json.loads((outputs["batches"] / "manifest.json").read_text())
    assert code == 0 and f"records:        {sum(s['records'] for s in manifest['shards'])}" in out
    for args in [(), ("frobnicate", outputs["store"]), ("head",), ("head", outputs["store"], "-n", "-2"),
                 ("head", outputs["store"], "-n", "x"), ("verify", outputs["store"], "--bogus")]:
        code, _, err = cli(*args)
        assert code == 2, (args, err)
        assert "usage:" in err
    code, _, err = cli("head", outputs["pair"], "--vocab", tmp_path / "none.txt")
    assert code == 1 and "none.txt: no such vocabulary file" in err
