"""``mlmprep export megatron`` read back byte by byte with numpy, against the store read with zstd + safetensors.

The layout is megatron-core's (``megatron/core/datasets/indexed_dataset.py``: ``_IndexWriter``, ``_IndexReader``,
``IndexedDatasetBuilder``; ``tools/preprocess_data.py`` for file names, sentence splitting and ``--append-eod``).
megatron-core imports torch at module level (``indexed_dataset.py`` and ``megatron/core/utils.py``), so reading with
its own ``IndexedDataset`` is in the full mode (tests/test_megatron_core.py, tools/full_test.sh).
"""

from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from safetensors_stream import store_documents

REPO = Path(__file__).resolve().parents[3]
CORPORA = REPO / "corpora"
SENTENCE_START = 2
DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64, 7: np.float32, 8: np.uint16}


def read_indexed(prefix: Path):
    """(dtype, sequences, document_indices) of ``prefix.bin``/``prefix.idx``, with numpy only."""
    idx = Path(f"{prefix}.idx").read_bytes()
    assert idx[:9] == b"MMIDIDX\x00\x00"
    version, code, sequences, documents = struct.unpack_from("<QBQQ", idx, 9)
    assert version == 1 and code in DTYPES
    dtype = DTYPES[code]
    lengths = np.frombuffer(idx, np.int32, sequences, 34)
    pointers = np.frombuffer(idx, np.int64, sequences, 34 + lengths.nbytes)
    document_indices = np.frombuffer(idx, np.int64, documents, 34 + lengths.nbytes + pointers.nbytes)
    assert len(idx) == 34 + lengths.nbytes + pointers.nbytes + document_indices.nbytes  # not multimodal
    itemsize = np.dtype(dtype).itemsize
    expected_pointers = np.concatenate([[0], np.cumsum(lengths.astype(np.int64) * itemsize)[:-1]]) if sequences else []
    np.testing.assert_array_equal(pointers, expected_pointers)
    tokens = np.fromfile(f"{prefix}.bin", dtype)
    assert tokens.nbytes == int(lengths.astype(np.int64).sum()) * itemsize
    sequences_ = [tokens[p // itemsize:p // itemsize + n] for p, n in zip(pointers, lengths)]
    return dtype, sequences_, document_indices


def expected(documents, split_sentences: bool, eod: int | None):
    """What preprocess_data.py's Encoder.encode + IndexedDatasetBuilder.add_document give for these documents."""
    sequences, document_indices = [], [0]
    for ids, flags in documents:
        if split_sentences:
            starts = [0] + [i for i in range(1, len(ids)) if flags[i] & SENTENCE_START]
            parts = [ids[a:b] for a, b in zip(starts, starts[1:] + [len(ids)]) if b > a]
        else:
            parts = [ids] if len(ids) else []
        if parts and eod is not None:
            parts[-1] = np.append(parts[-1], eod)
        sequences += parts
        document_indices.append(len(sequences))
    return sequences, document_indices


@pytest.fixture(scope="module")
def store(mlmprep_bin, vocab, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("megatron") / "tok"
    subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", CORPORA / "multilingual.txt",
                    CORPORA / "adversarial.txt", "--vocab", vocab, "-o", out, "--quiet"], check=True)
    return out


def export(mlmprep_bin, store, prefix, *args, expect=0):
    result = subprocess.run([mlmprep_bin, "export", "megatron", str(store), "-o", str(prefix), *args, "--quiet"],
                            capture_output=True, timeout=300)
    assert result.returncode == expect, result.stderr.decode()
    return result


@pytest.mark.parametrize("split,eod", [(True, False), (False, False), (True, True), (False, True)])
def test_export_holds_the_store(mlmprep_bin, store, tmp_path, split, eod):
    args = (["--split-sentences"] if split else []) + (["--append-eod"] if eod else [])
    export(mlmprep_bin, store, tmp_path / "corpus", *args)
    prefix = tmp_path / f"corpus_text_{'sentence' if split else 'document'}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [prefix.name + ".bin", prefix.name + ".idx"]
    dtype, sequences, document_indices = read_indexed(prefix)
    assert dtype == np.uint16  # bert-base-uncased: 30522 < 65500 (DType.optimal_dtype)
    documents = store_documents(store)
    want_sequences, want_documents = expected(documents, split, 102 if eod else None)  # [SEP] = 102
    assert len(documents) > 50 and len(want_sequences) >= len(documents)
    np.testing.assert_array_equal(document_indices, want_documents)
    assert len(sequences) == len(want_sequences)
    for got, want in zip(sequences, want_sequences):
        np.testing.assert_array_equal(got.astype(np.int64), want)
    if split:
        assert len(sequences) > 2 * len(documents)  # the corpora have several sentences per document


def test_large_vocabularies_give_int32(mlmprep_bin, vocab, tmp_path):
    big = tmp_path / "vocab.txt"
    words = Path(vocab).read_text(encoding="utf-8").splitlines()
    big.write_text("\n".join(words + [f"zzfiller{i}" for i in range(65500 - len(words))]) + "\n", encoding="utf-8")
    subprocess.run([mlmprep_bin, "tokenize", CORPORA / "en.txt", "--vocab", big, "-o", tmp_path / "tok", "--quiet"],
                   check=True)
    export(mlmprep_bin, tmp_path / "tok", tmp_path / "big", "--split-sentences", "--json-key", "body")
    dtype, sequences, document_indices = read_indexed(tmp_path / "big_body_sentence")
    assert dtype == np.int32  # exactly 65500 entries: not < 65500
    want_sequences, want_documents = expected(store_documents(tmp_path / "tok"), True, None)
    np.testing.assert_array_equal(document_indices, want_documents)
    assert [s.tolist() for s in sequences] == [s.tolist() for s in want_sequences]


def test_existing_files_need_overwrite(mlmprep_bin, store, tmp_path):
    export(mlmprep_bin, store, tmp_path / "c")
    error = export(mlmprep_bin, store, tmp_path / "c", expect=1).stderr
    assert b"c_text_document" in error and b"--overwrite" in error
    export(mlmprep_bin, store, tmp_path / "c", "--overwrite", "--append-eod")
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


def test_bad_usage_and_bad_store(mlmprep_bin, tmp_path):
    assert export(mlmprep_bin, tmp_path, tmp_path / "x", "--json-key", "", expect=2).returncode == 2
    error = export(mlmprep_bin, tmp_path / "missing", tmp_path / "x", expect=1).stderr
    assert b"missing" in error
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("x")]
