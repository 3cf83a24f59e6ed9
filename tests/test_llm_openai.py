"""OpenAIChat over real HTTP.

Successful replies, the 401 and the 404 were recorded against a real OpenAI-compatible server
(llama-cpp-python's server with SmolLM2-135M, started by scripts/local_model_server.sh) and are replayed
from tests/cassettes/test_llm_openai/. Re-record: see scripts/README.md.

Failures a model server cannot be made to produce on demand (refused connection, silence, 429, 500) are
served by the test itself on 127.0.0.1, through the SDK's real transport: see the comment above ``_Stub``.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from coach.errors import BackendError
from coach.llm import OpenAIChat

BASE_URL = "http://127.0.0.1:8008/v1"
# The key scripts/local_model_server.sh makes the server require. Not a secret, and filtered from cassettes.
KEY = "counterpart-local-key"
MODEL = "smollm2"
CASSETTES = Path(__file__).parent / "cassettes" / "test_llm_openai"
STREAM_CASSETTE = "test_streamed_reply_arrives_in_chunks_that_join_into_the_reply"
ONLY_LOOPBACK = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1$"])

MESSAGES = [
    {"role": "system", "content": "You are Dana, the CFO. Answer in one short sentence."},
    {"role": "user", "content": "What worries you most about next quarter?"},
]


def _chat(base_url: str = BASE_URL, *, key: str = KEY, model: str = MODEL, **kwargs) -> OpenAIChat:
    # max_retries=0: a request missing from a cassette must fail at once, not retry with backoff.
    kwargs.setdefault("max_retries", 0)
    kwargs.setdefault("timeout", 60.0)
    return OpenAIChat(model, api_key=key, base_url=base_url, **kwargs)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def _recorded_sse_text(cassette: str) -> str:
    """The reply as the server sent it: every delta.content in the recorded event stream, joined."""
    data = yaml.safe_load((CASSETTES / f"{cassette}.yaml").read_text())
    (interaction,) = data["interactions"]
    assert interaction["response"]["headers"]["content-type"][0].startswith("text/event-stream")
    text = []
    for line in interaction["response"]["body"]["string"].splitlines():
        if line.startswith("data: ") and line != "data: [DONE]":
            for choice in json.loads(line[len("data: ") :])["choices"]:
                text.append(choice["delta"].get("content") or "")
    return "".join(text)


@pytest.mark.vcr
def test_streamed_reply_arrives_in_chunks_that_join_into_the_reply(vcr):
    chunks = list(_chat().stream(MESSAGES, temperature=0.0, max_tokens=32))
    assert len(chunks) > 1, "a streamed reply comes in several pieces"
    reply = "".join(chunks)
    assert reply.strip()
    if vcr.record_mode == "none":
        assert vcr.play_count == 1, "the reply must come from the cassette, not a live server"
        assert reply == _recorded_sse_text(STREAM_CASSETTE)


@pytest.mark.vcr
def test_complete_returns_the_whole_reply(vcr):
    reply = _chat().complete([{"role": "user", "content": "Say hello."}], temperature=0.0, max_tokens=16)
    assert reply.strip()
    if vcr.record_mode == "none":
        assert reply == _recorded_sse_text("test_complete_returns_the_whole_reply")


@pytest.mark.default_cassette(f"{STREAM_CASSETTE}.yaml")
@pytest.mark.vcr
def test_a_request_whose_body_differs_is_not_replayed(vcr):
    """Same URL, same prompt, another temperature: request bodies are matched, so playback refuses
    instead of answering with a reply recorded for a different request."""
    if vcr.record_mode != "none":
        pytest.skip("only meaningful on playback")
    with pytest.raises(BackendError) as info:
        _chat().complete(MESSAGES, temperature=0.5, max_tokens=32)
    assert any(type(e).__name__ == "CannotOverwriteExistingCassetteException" for e in _causes(info.value))
    assert vcr.play_count == 0


@pytest.mark.vcr
def test_wrong_key_is_refused_with_a_message_naming_the_variable():
    with pytest.raises(BackendError) as info:
        _chat(key="wrong-key").complete(MESSAGES, temperature=0.0, max_tokens=8)
    assert info.value.kind == "auth"
    assert "OPENAI_API_KEY" in str(info.value)
    assert "401" in str(info.value)


@pytest.mark.vcr
def test_llama_cpp_serves_its_default_model_for_an_unknown_name():
    """Recorded fact, not a wish: llama-cpp-python's server answers any model name with its default
    model instead of a 404. (OpenAI, Ollama and vLLM do return 404 "model not found"; the
    translation of that is covered in test_llm.py.)"""
    reply = _chat(model="no-such-model").complete(MESSAGES, temperature=0.0, max_tokens=8)
    assert reply.strip()
    # Same prompt at temperature 0: the start of the reply "smollm2" gave (the server even echoes
    # "no-such-model" as the model name in its chunks, so a client cannot tell).
    assert _recorded_sse_text(STREAM_CASSETTE).startswith(reply)


@pytest.mark.vcr
def test_base_url_without_v1_is_a_404_that_points_at_the_url():
    """The common real 404 with a local server: OPENAI_BASE_URL missing its /v1."""
    with pytest.raises(BackendError) as info:
        _chat("http://127.0.0.1:8008").complete(MESSAGES, temperature=0.0, max_tokens=8)
    assert info.value.kind == "not_found"
    assert "OPENAI_BASE_URL" in str(info.value)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@ONLY_LOOPBACK
def test_server_down_is_a_connection_error():
    base_url = f"http://127.0.0.1:{_closed_port()}/v1"
    with pytest.raises(BackendError) as info:
        _chat(base_url).complete(MESSAGES)
    assert info.value.kind == "connection"
    assert base_url in str(info.value)
    # Really refused by the OS, not stopped by the test's network guard.
    assert any(isinstance(e, ConnectionRefusedError) for e in _causes(info.value))


@ONLY_LOOPBACK
def test_server_that_never_answers_times_out():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts the connection; nobody ever reads or answers
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(BackendError) as info:
            _chat(f"http://127.0.0.1:{port}/v1", timeout=0.3).complete(MESSAGES)
    assert info.value.kind == "timeout"
    assert "COACH_TIMEOUT" in str(info.value)
    assert time.monotonic() - started < 5


# 429 and 500 come from a stub HTTP server on 127.0.0.1 rather than from cassettes or httpx.MockTransport:
# a model server cannot be made to rate-limit or crash on demand, these responses are not model output,
# and a stub keeps the SDK's real transport, retry and status handling in the path without adding an
# `http_client=` parameter to OpenAIChat only for tests. The bodies follow OpenAI's error shape.
_ERRORS = {
    429: {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}},
    500: {"error": {"message": "The server had an error", "type": "server_error", "code": None}},
}
_STREAM_OK = (
    'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"stub",'
    '"choices":[{"index":0,"delta":{"role":"assistant","content":"Cash "},"finish_reason":null}]}\n\n'
    'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"stub",'
    '"choices":[{"index":0,"delta":{"content":"flow."},"finish_reason":"stop"}]}\n\n'
    "data: [DONE]\n\n"
)


class _Stub(http.server.ThreadingHTTPServer):
    """Answers POSTs with the queued statuses in order (200 is a short SSE stream); counts requests."""

    def __init__(self, statuses: list[int]):
        self.statuses = list(statuses)
        self.paths: list[str] = []
        super().__init__(("127.0.0.1", 0), _StubHandler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _StubHandler(http.server.BaseHTTPRequestHandler):
    server: _Stub

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.server.paths.append(self.path)
        status = self.server.statuses.pop(0)
        if status == 200:
            body, kind = _STREAM_OK.encode(), "text/event-stream"
        else:
            body, kind = json.dumps(_ERRORS[status]).encode(), "application/json"
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.send_header("retry-after-ms", "10")  # keeps the SDK's retry wait short
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def stub():
    servers: list[_Stub] = []

    def start(statuses: list[int]) -> _Stub:
        server = _Stub(statuses)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@ONLY_LOOPBACK
@pytest.mark.parametrize(("status", "kind", "words"), [(429, "rate_limit", "429"), (500, "server", "500")])
def test_rate_limit_and_server_error_become_backend_errors(stub, status, kind, words):
    server = stub([status])
    with pytest.raises(BackendError) as info:
        _chat(server.base_url).complete(MESSAGES)
    assert info.value.kind == kind
    assert words in str(info.value) and "Try again" in str(info.value)
    assert server.paths == ["/v1/chat/completions"]


@ONLY_LOOPBACK
@pytest.mark.parametrize("status", [429, 500])
def test_retries_from_settings_ride_out_one_failure(stub, status):
    server = stub([status, 200])
    assert _chat(server.base_url, max_retries=1).complete(MESSAGES) == "Cash flow."
    assert len(server.paths) == 2


@ONLY_LOOPBACK
def test_retries_give_up_after_the_configured_number(stub):
    server = stub([429, 429, 429])
    with pytest.raises(BackendError) as info:
        _chat(server.base_url, max_retries=2).complete(MESSAGES)
    assert info.value.kind == "rate_limit"
    assert len(server.paths) == 3


@pytest.mark.parametrize("address", [("203.0.113.7", 80), ("8.8.8.8", 443)])
def test_the_suite_blocks_a_raw_connection_to_a_remote_host(address):
    """pyproject's --block-network: an un-cassetted connection fails at once instead of going out."""
    with socket.socket() as s, pytest.raises(RuntimeError, match="Network is disabled"):
        s.connect(address)


def test_an_uncassetted_model_call_to_a_remote_host_fails_fast():
    started = time.monotonic()
    with pytest.raises(BackendError) as info:
        _chat("http://203.0.113.7/v1", timeout=10).complete(MESSAGES)
    # The guard's RuntimeError is not a connection failure the SDK knows, so it surfaces as is.
    assert info.value.kind == "error"
    assert "Network is disabled for host '203.0.113.7'" in str(info.value)
    assert time.monotonic() - started < 2


def test_cassettes_hold_no_key_and_no_authorization_header():
    texts = {p.name: p.read_text() for p in (Path(__file__).parent / "cassettes").rglob("*.yaml")}
    assert texts, "no cassettes found"
    for name, text in texts.items():
        for forbidden in ("Bearer", "authorization", KEY):
            assert forbidden.lower() not in text.lower(), f"{forbidden!r} found in {name}"
        assert not re.search(r"\bsk-[A-Za-z0-9_-]{8,}", text), f"something like an OpenAI key in {name}"
