"""``transformers.Trainer`` trains ``BertForMaskedLM`` on ``hf_iterable_dataset`` rows (full mode).

torch and transformers are not in the default install (tools/setup.sh), so this file is skipped there;
tools/full_test.sh installs both and runs it, failing if anything is skipped. Each test runs a few CPU steps
of a tiny model and checks, through a forward hook, that the model received exactly our rows (stacked by
``default_data_collator``, nothing masked on top, the pair label dropped for ``BertForMaskedLM``).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch", reason="torch is not installed: it is intentionally not in the default install (tools/setup.sh); "
                    "tools/full_test.sh installs torch + transformers into .venv and runs these tests")
transformers = pytest.importorskip("transformers", reason="transformers is installed by tools/full_test.sh")

from mlmprep_reader import hf_iterable_dataset  # noqa: E402
from test_hf_dataset import RUNS, mask_to, reference_batches, reference_rows  # noqa: E402
from test_mask_cli import store  # noqa: E402,F401  (a fixture)

STEPS, BATCH = 6, 8


def train(directory, tmp_path, *, workers=0):
    """Run STEPS Trainer steps on the rows of ``directory``; return (the inputs the model saw, the log)."""
    from transformers import BertConfig, BertForMaskedLM, Trainer, TrainingArguments, default_data_collator
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    torch.manual_seed(0)
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512, type_vocab_size=2)
    model = BertForMaskedLM(config)
    seen = []
    model.register_forward_pre_hook(lambda module, args, kwargs: seen.append(
        {k: v.detach().clone() for k, v in kwargs.items() if torch.is_tensor(v) and k != "num_items_in_batch"}),
        with_kwargs=True)  # (num_items_in_batch: Trainer's count of predicted tokens, for the loss)
    args = TrainingArguments(output_dir=str(tmp_path / "trainer"), max_steps=STEPS, per_device_train_batch_size=BATCH,
                             learning_rate=1e-3, logging_steps=1, save_strategy="no", report_to=[], use_cpu=True,
                             dataloader_num_workers=workers, seed=0, disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=hf_iterable_dataset(directory),
                      data_collator=default_data_collator)
    result = trainer.train()
    assert trainer.state.global_step == STEPS
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert len(losses) == STEPS and all(math.isfinite(x) for x in losses), losses
    assert math.isfinite(result.training_loss)
    return seen, losses


def expected_inputs(directory, fields):
    rows = reference_rows(reference_batches(directory))[:STEPS * BATCH]
    return [{name: torch.tensor(np.array([row[name] for row in rows[s * BATCH:(s + 1) * BATCH]], dtype=np.int64))
             for name in fields} for s in range(STEPS)]


@pytest.mark.parametrize("name", ["token-b6", "pair-nsp-b9", "word-u16-b5"])
def test_trainer_sees_exactly_our_rows(mlmprep_bin, store, tmp_path, name):  # noqa: F811
    directory = mask_to(mlmprep_bin, store, tmp_path / name, RUNS[name])
    seen, _ = train(directory, tmp_path)
    fields = ["input_ids", "attention_mask", "labels"] + (["token_type_ids"] if name.startswith("pair") else [])
    want = expected_inputs(directory, fields)
    assert len(seen) == STEPS
    for step, (got, expected) in enumerate(zip(seen, want)):
        assert sorted(got) == sorted(fields), f"step {step}: the model got {sorted(got)}"
        for field in fields:
            assert got[field].dtype == torch.int64
            assert torch.equal(got[field], expected[field]), f"step {step}: {field} differs from our rows"
    # Nothing masked on top: the labels hold -100 wherever our rows do, and real ids only where we predict.
    assert all(bool((s["labels"] != -100).any()) for s in seen)


def test_trainer_with_a_dataloader_worker(mlmprep_bin, store, tmp_path):  # noqa: F811
    directory = mask_to(mlmprep_bin, store, tmp_path / "shards", RUNS["shards-b13"])
    seen, _ = train(directory, tmp_path, workers=1)
    want = expected_inputs(directory, ["input_ids", "labels"])
    assert all(torch.equal(g["input_ids"], w["input_ids"]) and torch.equal(g["labels"], w["labels"])
               for g, w in zip(seen, want))


TRAIN_FROM_STDIN = """
import json, sys, torch
from transformers import BertConfig, BertForMaskedLM, Trainer, TrainingArguments, default_data_collator
from transformers.utils import logging
from mlmprep_reader import hf_iterable_dataset
logging.set_verbosity_error()
model = BertForMaskedLM(BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                                   intermediate_size=64, max_position_embeddings=512))
seen = []
model.register_forward_pre_hook(lambda m, a, k: seen.append(k["labels"].tolist()), with_kwargs=True)
args = TrainingArguments(sys.argv[1], max_steps=int(sys.argv[2]), per_device_train_batch_size=int(sys.argv[3]),
                         report_to=[], use_cpu=True, save_strategy="no", disable_tqdm=True, dataloader_num_workers=1)
Trainer(model=model, args=args, train_dataset=hf_iterable_dataset("-"), data_collator=default_data_collator).train()
print(json.dumps(seen))
"""


def test_trainer_reads_a_pipe_in_a_dataloader_worker(mlmprep_bin, store, tmp_path):  # noqa: F811
    # mlmprep mask --stdout | python: the one DataLoader worker reads file descriptor 0 (its sys.stdin is
    # /dev/null), and the labels the model gets are ours, step by step.
    flags = RUNS["pair-nsp-b9"]
    directory = mask_to(mlmprep_bin, store, tmp_path / "dir", flags)
    writer = subprocess.Popen([mlmprep_bin, "mask", str(store), *flags, "--stdout", "--quiet"],
                              stdout=subprocess.PIPE)
    reader = subprocess.Popen([sys.executable, "-c", TRAIN_FROM_STDIN, str(tmp_path / "out"), str(STEPS), str(BATCH)],
                              stdin=writer.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    writer.stdout.close()  # the reader holds the pipe now
    out, err = reader.communicate(timeout=900)
    assert writer.wait(timeout=300) == 0
    assert reader.returncode == 0, err.decode()[-3000:]
    seen = json.loads(out.decode().strip().splitlines()[-1])
    want = expected_inputs(directory, ["labels"])
    assert len(seen) == STEPS
    assert all(s == w["labels"].tolist() for s, w in zip(seen, want))
