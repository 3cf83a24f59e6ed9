"""Embeddings: the bundled MiniLM encoder, the chromadb adapters, and OpenAIEmbeddings without HTTP.

HTTP behaviour of OpenAIEmbeddings against a real server is recorded as cassettes elsewhere; here we check
the contract (constructible, chromadb-compatible signature) and that every SDK failure names the fix.
"""

from __future__ import annotations

import inspect

import httpx2
import numpy as np
import openai
import pytest

from coach.config import load_settings
from coach.embeddings import DIM, OpenAIEmbeddings, local_encoder
from coach.errors import BackendError, ConfigError
from coach.playbook.index import (
    LocalMiniLMFunction,
    OpenAIEmbeddingFunction,
    collection_name,
    embedding_function,
)

LOCAL = "http://127.0.0.1:8008/v1"


def test_local_encoder_gives_normalised_vectors_that_rank_paraphrases_closer():
    vecs = local_encoder().encode(
        ["What keeps the CFO up at night?", "What worries our finance chief most?", "The cat sat on a mat."]
    )
    assert vecs.shape == (3, DIM) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2
    assert local_encoder().encode([]).shape == (0, DIM)


@pytest.mark.parametrize("method", ["encode", "encode_layer3"])
def test_a_texts_vector_does_not_depend_on_its_neighbours_and_repeats_are_encoded_once(monkeypatch, method):
    """Labels must not change with what else is in a file: each vector is the text's own."""
    enc = local_encoder()
    encode = getattr(enc, method)
    line = "Your supervisors are exhausted by keying orders twice a day."
    alone = encode([line])[0]
    crowd = [
        "Okay.",
        "A much longer line about the warehouse and its many manual steps " * 8,
        line,
        "Thanks.",
    ]
    assert np.array_equal(encode(crowd)[2], alone)
    runs = []
    real = enc._run_lower
    monkeypatch.setattr(enc, "_run_lower", lambda ids: runs.append(ids) or real(ids))
    out = encode(["Okay.", line, "Okay.", "", line])
    assert len(runs) == 3  # "Okay.", the line, and the blank (encoded as one space)
    assert np.array_equal(out[0], out[2]) and np.array_equal(out[1], alone) and np.array_equal(out[4], alone)


def test_local_chroma_function_round_trips_through_its_config():
    ef = LocalMiniLMFunction()
    [vec] = ef(input=["open questions"])
    assert len(vec) == DIM
    rebuilt = LocalMiniLMFunction.build_from_config(ef.get_config())
    assert np.allclose(rebuilt(input=["open questions"])[0], vec)
    assert ef.name() == "counterpart-minilm-int8" and ef.default_space() == "cosine"


def test_openai_embeddings_is_constructible_and_chromadb_compatible():
    from chromadb.api.types import validate_embedding_function

    embed = OpenAIEmbeddings("text-embedding-3-small", "sk-test", base_url=LOCAL, timeout=5.0, max_retries=0)
    assert (embed.model, embed.base_url, embed.model_id) == (
        "text-embedding-3-small",
        LOCAL,
        "openai:text-embedding-3-small",
    )
    assert list(inspect.signature(OpenAIEmbeddings.__call__).parameters) == ["self", "input"]
    adapter = OpenAIEmbeddingFunction(embed)
    validate_embedding_function(adapter)
    assert adapter.get_config() == {"model": "text-embedding-3-small"}, "the key never reaches the index"
    assert embed([]) == []  # nothing to embed: no request


def test_empty_embedding_model_name_is_a_config_error():
    with pytest.raises(ConfigError, match="COACH_EMBEDDING_MODEL"):
        OpenAIEmbeddings(" ", "sk-test")


@pytest.mark.parametrize(
    "embeddings, model, name, cls",
    [
        ("local", "text-embedding-3-small", "counterpart-all-minilm-l6-v2-dynint8", LocalMiniLMFunction),
        (
            "openai",
            "text-embedding-3-small",
            "counterpart-openai-text-embedding-3-small",
            OpenAIEmbeddingFunction,
        ),
        (
            "openai",
            "nomic-embed-text:v1.5",
            "counterpart-openai-nomic-embed-text-v1-5",
            OpenAIEmbeddingFunction,
        ),
    ],
)
def test_each_embedding_model_gets_its_own_collection(embeddings, model, name, cls):
    env = {"COACH_EMBEDDINGS": embeddings, "COACH_EMBEDDING_MODEL": model, "OPENAI_BASE_URL": LOCAL}
    settings = load_settings(env)
    assert collection_name(settings) == name
    assert isinstance(embedding_function(settings), cls)


def _request() -> httpx2.Request:
    return httpx2.Request("POST", f"{LOCAL}/embeddings")


def _status(cls: type[openai.APIStatusError], code: int, body: dict) -> openai.APIStatusError:
    return cls(
        f"Error code: {code} - {body}",
        response=httpx2.Response(code, request=_request(), json=body),
        body=body,
    )


@pytest.mark.parametrize(
    "exc, kind, must_say",
    [
        (_status(openai.AuthenticationError, 401, {"error": "bad key"}), "auth", ["OPENAI_API_KEY", "401"]),
        (
            _status(openai.NotFoundError, 404, {"message": "model `nomic` not found"}),
            "model",
            ["COACH_EMBEDDING_MODEL", "'nomic'"],
        ),
        (_status(openai.NotFoundError, 404, {"detail": "Not Found"}), "not_found", ["OPENAI_BASE_URL"]),
        (_status(openai.RateLimitError, 429, {"error": "slow"}), "rate_limit", ["429"]),
        (openai.APITimeoutError(request=_request()), "timeout", ["COACH_TIMEOUT"]),
        (openai.APIConnectionError(request=_request()), "connection", ["OPENAI_BASE_URL", LOCAL]),
        (_status(openai.InternalServerError, 500, {"error": "boom"}), "server", ["500"]),
    ],
)
def test_sdk_errors_become_backend_errors_that_name_the_embeddings_fix(exc, kind, must_say):
    embed = OpenAIEmbeddings("nomic", "sk-test", base_url=LOCAL, max_retries=0)
    error = embed._translate(exc)
    assert isinstance(error, BackendError) and error.kind == kind
    for words in [*must_say, "COACH_EMBEDDINGS=local"]:
        assert words in str(error)
    assert "your line" not in str(error) and "COACH_MODEL " not in str(error)
