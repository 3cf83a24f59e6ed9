"""The chat seam without HTTP: ScriptedChat, error translation, and picking a backend from settings.
(Real HTTP against an OpenAI-compatible server is replayed from cassettes in test_llm_openai.py.)"""

from __future__ import annotations

import httpx2
import openai
import pytest

from coach.config import load_settings
from coach.errors import BackendError
from coach.llm import (
    OPENAI_URL,
    ChatBackend,
    OpenAIChat,
    ScriptedChat,
    backend_from_settings,
    translate_error,
)

HELLO = [{"role": "user", "content": "Hello"}]
LOCAL = "http://127.0.0.1:8008/v1"


@pytest.mark.parametrize(
    ("reply", "chunks"),
    [
        ("Margins are mine.", ["Margins ", "are ", "mine."]),
        ("  two  spaces\nend ", ["  ", "two  ", "spaces\n", "end "]),
        ("one", ["one"]),
        ("", []),
    ],
)
def test_scripted_streams_word_by_word_and_joins_back_exactly(reply, chunks):
    streamed = list(ScriptedChat([reply]).stream(HELLO))
    assert streamed == chunks
    assert "".join(streamed) == reply


def test_scripted_replays_in_order_and_records_each_request():
    chat = ScriptedChat(["first", "second"])
    chat.enqueue("third")
    replies = [chat.complete([{"role": "user", "content": f"turn {i}"}]) for i in range(3)]
    assert replies == ["first", "second", "third"]
    assert [r[0]["content"] for r in chat.requests] == ["turn 0", "turn 1", "turn 2"]


def test_scripted_raises_a_queued_error_and_then_carries_on():
    chat = ScriptedChat([BackendError("server down", kind="connection"), "back again"])
    with pytest.raises(BackendError) as info:
        chat.complete(HELLO)
    assert info.value.kind == "connection"
    assert chat.complete(HELLO) == "back again"


def test_scripted_with_nothing_queued_says_to_enqueue():
    with pytest.raises(BackendError, match=r"enqueue\(\)") as info:
        ScriptedChat().complete(HELLO)
    assert info.value.kind == "empty"


def test_scripted_keeps_a_copy_of_messages_not_the_callers_list():
    chat = ScriptedChat(["ok"])
    messages = [{"role": "user", "content": "original"}]
    chat.complete(messages)
    messages[0]["content"] = "changed later"
    assert chat.requests[0][0]["content"] == "original"


def _request() -> httpx2.Request:
    return httpx2.Request("POST", f"{LOCAL}/chat/completions")


def _status(cls: type[openai.APIStatusError], code: int, body: dict) -> openai.APIStatusError:
    response = httpx2.Response(code, request=_request(), json=body)
    return cls(f"Error code: {code} - {body}", response=response, body=body)


@pytest.mark.parametrize(
    ("exc", "kind", "must_say"),
    [
        (_status(openai.AuthenticationError, 401, {"error": "bad key"}), "auth", ["OPENAI_API_KEY", "401"]),
        (_status(openai.PermissionDeniedError, 403, {"error": "no"}), "auth", ["OPENAI_API_KEY", "'tiny'"]),
        (
            _status(openai.NotFoundError, 404, {"message": "The model `tiny` does not exist"}),
            "model",
            ["COACH_MODEL", "'tiny'", "404"],
        ),
        (
            _status(openai.NotFoundError, 404, {"detail": "Not Found"}),
            "not_found",
            ["OPENAI_BASE_URL", "/v1"],
        ),
        (_status(openai.RateLimitError, 429, {"error": "slow down"}), "rate_limit", ["429", "in a minute"]),
        (_status(openai.InternalServerError, 500, {"error": "boom"}), "server", ["500", "Try again"]),
        (_status(openai.InternalServerError, 503, {"error": "busy"}), "server", ["503"]),
        (
            _status(openai.BadRequestError, 400, {"error": "context too long"}),
            "bad_request",
            ["context too long"],
        ),
        (_status(openai.UnprocessableEntityError, 422, {"detail": "bad field"}), "bad_request", ["422"]),
        (openai.APITimeoutError(request=_request()), "timeout", ["COACH_TIMEOUT"]),
        (httpx2.ReadTimeout("read timed out", request=_request()), "timeout", ["COACH_TIMEOUT"]),
        (openai.APIConnectionError(request=_request()), "connection", ["OPENAI_BASE_URL", "offline"]),
        (httpx2.RemoteProtocolError("peer closed connection", request=_request()), "connection", ["running"]),
        (ValueError("Expecting value: line 1"), "malformed", ["not a valid OpenAI-compatible reply", "/v1"]),
        (RuntimeError("weird"), "error", ["RuntimeError", "weird"]),
    ],
)
def test_translate_error_kind_and_fix(exc, kind, must_say):
    error = translate_error(exc, model="tiny", base_url=LOCAL)
    assert isinstance(error, BackendError)
    assert error.kind == kind
    for words in must_say:
        assert words in str(error)


def test_translate_error_names_the_server_or_openai():
    exc = openai.APIConnectionError(request=_request())
    assert LOCAL in str(translate_error(exc, model="m", base_url=LOCAL))
    assert "OpenAI" in str(translate_error(exc, model="m", base_url=None))


def test_translate_error_keeps_a_backend_error_as_is():
    original = BackendError("already explained", kind="auth")
    assert translate_error(original, model="m", base_url=None) is original


def test_offline_settings_have_no_chat_backend():
    assert backend_from_settings(load_settings({})) is None


@pytest.mark.parametrize(
    ("env", "model", "base_url"),
    [
        ({"OPENAI_API_KEY": "sk-x"}, "gpt-4o-mini", None),
        ({"OPENAI_BASE_URL": LOCAL, "COACH_MODEL": "smollm2"}, "smollm2", LOCAL),
    ],
)
def test_openai_settings_build_a_client_with_their_values(env, model, base_url):
    settings = load_settings({**env, "COACH_TIMEOUT": "7", "COACH_MAX_RETRIES": "3"})
    chat = backend_from_settings(settings)
    assert isinstance(chat, OpenAIChat) and isinstance(chat, ChatBackend)
    assert (chat.model, chat.base_url) == (model, base_url)
    client = chat._client
    assert str(client.base_url).rstrip("/") == (base_url or OPENAI_URL)
    assert (client.timeout, client.max_retries) == (7.0, 3)


def test_client_ignores_an_openai_base_url_that_settings_did_not_choose(monkeypatch):
    """Settings read from secrets say OpenAI; a stray shell variable must not redirect the client."""
    monkeypatch.setenv("OPENAI_BASE_URL", "http://somewhere-else.invalid/v1")
    chat = backend_from_settings(load_settings({}, secrets={"OPENAI_API_KEY": "sk-x"}))
    assert str(chat._client.base_url).rstrip("/") == OPENAI_URL


@pytest.mark.parametrize("make", ["chat", "embeddings"])
def test_a_stray_openai_base_url_in_the_shell_is_not_used_when_settings_chose_openai(monkeypatch, make):
    from coach.embeddings import OpenAIEmbeddings
    from coach.llm import OPENAI_URL, OpenAIChat

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    client = (
        OpenAIChat("m", api_key="k")._client if make == "chat" else OpenAIEmbeddings("m", api_key="k")._client
    )
    assert str(client.base_url).rstrip("/") == OPENAI_URL
