"""Full mode (tools/full_test.sh): megatron-core from PyPI reads ``mlmprep export megatron`` output.

megatron-core imports torch at module level (``megatron/core/datasets/indexed_dataset.py``, ``megatron/core/utils.py``),
so these tests skip in the default command (which has no torch) and full_test.sh fails on a skip. The byte-level
checks that need only numpy are in test_megatron.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
indexed_dataset = pytest.importorskip("megatron.core.datasets.indexed_dataset")

from safetensors_stream import store_documents  # noqa: E402
from test_megatron import expected  # noqa: E402

CORPORA = Path(__file__).resolve().parents[3] / "corpora"


@pytest.fixture(scope="module")
def exported(mlmprep_bin, vocab, tmp_path_factory):
    root = tmp_path_factory.mktemp("megatron-core")
    subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", CORPORA / "multilingual.txt",
                    CORPORA / "adversarial.txt", "--vocab", vocab, "-o", root / "tok", "--quiet"], check=True)
    for args in (["--split-sentences"], ["--append-eod"]):
        subprocess.run([mlmprep_bin, "export", "megatron", root / "tok", "-o", root / "corpus", *args, "--quiet"],
                       check=True)
    return root, store_documents(root / "tok")


@pytest.mark.parametrize("level,split,eod", [("sentence", True, None), ("document", False, 102)])
def test_indexed_dataset_reads_every_sequence(exported, level, split, eod):
    root, documents = exported
    dataset = indexed_dataset.IndexedDataset(str(root / f"corpus_text_{level}"))
    want_sequences, want_documents = expected(documents, split, eod)
    np.testing.assert_array_equal(dataset.document_indices, want_documents)
    assert len(dataset) == len(want_sequences) > len(documents) * (2 if split else 0.9)
    for i, want in enumerate(want_sequences):
        np.testing.assert_array_equal(dataset[i].astype(np.int64), want)
    np.testing.assert_array_equal(dataset.sequence_lengths, [len(s) for s in want_sequences])
    assert dataset.index.dtype == np.uint16
    middle = len(want_sequences) // 2
    np.testing.assert_array_equal(dataset.get(middle, offset=1, length=2).astype(np.int64), want_sequences[middle][1:3])


def test_bert_dataset_builds_samples(exported, vocab, tmp_path):
    """Megatron's BERT dataset (which masks on the fly) builds NSP samples from the sentence-level export."""
    from megatron.core.datasets.bert_dataset import BERTMaskedWordPieceDataset, BERTMaskedWordPieceDatasetConfig
    from megatron.core.datasets.blended_megatron_dataset_builder import BlendedMegatronDatasetBuilder
    from megatron.core.datasets.megatron_tokenizer import MegatronLegacyTokenizer

    words = Path(vocab).read_text(encoding="utf-8").splitlines()

    class VocabTokenizer(MegatronLegacyTokenizer):
        """The vocabulary the store was tokenized with; the ids are already in the dataset."""

        def __init__(self):
            super().__init__(vocab)
            self._vocab = {word: i for i, word in enumerate(words)}
            self._inv = dict(enumerate(words))

        def tokenize(self, text):
            raise AssertionError("the BERT dataset must not tokenize: the export holds the ids")

        vocab = property(lambda self: self._vocab)
        inv_vocab = property(lambda self: self._inv)
        vocab_size = property(lambda self: len(self._vocab))
        cls = property(lambda self: self._vocab["[CLS]"])
        sep = property(lambda self: self._vocab["[SEP]"])
        pad = property(lambda self: self._vocab["[PAD]"])
        mask = property(lambda self: self._vocab["[MASK]"])

    root, _ = exported
    config = BERTMaskedWordPieceDatasetConfig(
        random_seed=1, sequence_length=64, blend=([str(root / "corpus_text_sentence")], None), split="1,0,0",
        path_to_cache=str(tmp_path / "cache"), tokenizer=VocabTokenizer(), masking_probability=0.15,
        short_sequence_probability=0.1, masking_max_ngram=3, masking_do_full_word=True, masking_do_permutation=False,
        masking_use_longer_ngrams=False, masking_use_geometric_distribution=False, classification_head=True)
    # Megatron builds its sample index on rank 0 of a process group: a one-process gloo group, as a 1-GPU run has.
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'group'}", rank=0, world_size=1)
    try:
        train, _, _ = BlendedMegatronDatasetBuilder(BERTMaskedWordPieceDataset, [40, None, None], lambda: True,
                                                    config).build()
    finally:
        dist.destroy_process_group()
    assert len(train) >= 40
    masked = 0
    for i in range(40):
        sample = train[i]
        text, labels = sample["text"], sample["labels"]
        assert text.shape == (64,) and text[0] == config.tokenizer.cls
        assert int(sample["is_random"]) in (0, 1)
        real = sample["padding_mask"].astype(bool)
        assert (text[real] < len(words)).all() and (text[~real] == config.tokenizer.pad).all()
        masked += int((labels != -1).sum())
    assert masked > 40  # about 15% of the real tokens get a label
