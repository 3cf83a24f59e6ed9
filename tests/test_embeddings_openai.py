"""OpenAIEmbeddings over real HTTP, replayed from cassettes recorded against the local llama.cpp server
(SmolLM2-135M loaded in embedding mode as "smollm2-embed"; see scripts/README.md to re-record)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from coach.embeddings import OpenAIEmbeddings
from coach.errors import BackendError

BASE_URL = "http://127.0.0.1:8008/v1"
KEY = "counterpart-local-key"  # what scripts/local_model_server.sh requires; filtered from cassettes
MODEL = "smollm2-embed"
TEXTS = ["Our gross margin fell two points.", "The CFO wants payback within a year.", ""]
CASSETTES = Path(__file__).parent / "cassettes" / "test_embeddings_openai"


def _embedder(key: str = KEY, base_url: str = BASE_URL) -> OpenAIEmbeddings:
    return OpenAIEmbeddings(MODEL, api_key=key, base_url=base_url, max_retries=0)


def _recorded_vectors(cassette: str) -> list[list[float]]:
    data = yaml.safe_load((CASSETTES / f"{cassette}.yaml").read_text())
    (interaction,) = data["interactions"]
    rows = json.loads(interaction["response"]["body"]["string"])["data"]
    return [row["embedding"] for row in sorted(rows, key=lambda r: r["index"])]


@pytest.mark.vcr
def test_one_vector_per_text_in_order(vcr):
    vectors = _embedder()(TEXTS)
    assert len(vectors) == len(TEXTS)
    assert len({len(v) for v in vectors}) == 1 and len(vectors[0]) > 100
    assert vectors[0] != vectors[1]
    if vcr.record_mode == "none":
        assert vcr.play_count == 1
        assert vectors == _recorded_vectors("test_one_vector_per_text_in_order")


@pytest.mark.vcr
def test_encode_gives_unit_rows_where_related_texts_are_closer():
    rows = _embedder().encode(["cash flow this quarter", "quarterly cash flow", "a recipe for pancakes"])
    assert rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert rows[0] @ rows[1] > rows[0] @ rows[2]


@pytest.mark.vcr
def test_wrong_key_is_an_auth_error_naming_the_variable():
    with pytest.raises(BackendError) as info:
        _embedder(key="wrong-key")(["hello"])
    assert info.value.kind == "auth"
    assert "OPENAI_API_KEY" in str(info.value)


@pytest.mark.vcr
def test_base_url_without_v1_names_the_url_setting():
    with pytest.raises(BackendError) as info:
        _embedder(base_url="http://127.0.0.1:8008")(["hello"])
    assert info.value.kind == "not_found"
    assert "OPENAI_BASE_URL" in str(info.value)
