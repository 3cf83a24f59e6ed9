"""The chat seam: one small interface for every language model the coach may talk to.

``ChatBackend.stream(messages)`` yields text chunks. ``OpenAIChat`` reaches OpenAI or any
OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp) through the openai SDK.
``ScriptedChat`` is a real backend that replays queued replies (for tests and demos).
With the offline default no chat backend exists at all: ``backend_from_settings`` returns
``None`` and the counterpart speaks its authored lines.

Every SDK failure becomes a ``BackendError`` whose message says what happened and what to do.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TypedDict

from coach.config import Settings
from coach.errors import RESEND, SHORTEN, TOO_LONG, BackendError

# Passed explicitly: left as None, the openai SDK would read OPENAI_BASE_URL from os.environ behind
# the back of load_settings (which may have been given another env or Streamlit secrets).
OPENAI_URL = "https://api.openai.com/v1"


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


class ChatBackend(ABC):
    """A language model that turns messages into a reply, streamed."""

    name: str = "chat"

    @abstractmethod
    def stream(
        self, messages: Sequence[Message], *, temperature: float = 0.7, max_tokens: int = 300
    ) -> Iterator[str]:
        """Yield the reply in chunks; raise BackendError on failure."""

    def complete(
        self, messages: Sequence[Message], *, temperature: float = 0.7, max_tokens: int = 300
    ) -> str:
        return "".join(self.stream(messages, temperature=temperature, max_tokens=max_tokens))


def openai_client(api_key: str, base_url: str | None, timeout: float, max_retries: int):
    """The openai SDK client for chat and embeddings alike. OpenAI's address is passed explicitly when
    no base URL is set, so the SDK never picks up an OPENAI_BASE_URL the settings did not choose."""
    import openai  # imported here so the offline path never pays for it

    return openai.OpenAI(
        api_key=api_key, base_url=base_url or OPENAI_URL, timeout=timeout, max_retries=max_retries
    )


def json_object(text: str) -> str:
    """The outermost {...} of a reply (models often wrap JSON in prose or a code fence)."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the reply")
    return text[start : end + 1]


class ScriptedChat(ChatBackend):
    """Replays queued replies in order and records every request it was sent."""

    name = "scripted"

    def __init__(self, replies: Sequence[str | Exception] = ()):
        self._queue: deque[str | Exception] = deque(replies)
        self.requests: list[list[Message]] = []

    def enqueue(self, reply: str | Exception) -> None:
        self._queue.append(reply)

    def stream(
        self, messages: Sequence[Message], *, temperature: float = 0.7, max_tokens: int = 300
    ) -> Iterator[str]:
        self.requests.append([dict(m) for m in messages])  # type: ignore[misc]
        if not self._queue:
            raise BackendError("The scripted model has no reply queued; enqueue() one first.", kind="empty")
        reply = self._queue.popleft()
        if isinstance(reply, Exception):
            raise reply
        # Word by word like a real stream; the chunks join back into exactly the queued reply.
        yield from re.findall(r"\S+\s*|\s+", reply)


class OpenAIChat(ChatBackend):
    """OpenAI or any OpenAI-compatible chat-completions server."""

    name = "openai"

    def __init__(
        self,
        model: str,
        *,
        api_key: str,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
    ):
        self.model = model
        self.base_url = base_url
        self._secret = api_key  # only to scrub it from any error text a server echoes back
        self._client = openai_client(api_key, base_url, timeout, max_retries)

    def stream(
        self, messages: Sequence[Message], *, temperature: float = 0.7, max_tokens: int = 300
    ) -> Iterator[str]:
        """The reply as it streams. A reply that the server cut, that never said it was finished or that
        is empty raises BackendError (kinds ``cut``, ``incomplete``, ``empty``): a partial reply is never
        passed off as a whole one."""
        received, finished = 0, False
        try:
            chunks = self._client.chat.completions.create(
                model=self.model,
                messages=list(messages),  # type: ignore[arg-type]
                temperature=temperature,
                max_tokens=max_tokens,
                stream=True,
            )
            with chunks:  # closes the HTTP response even when the caller stops reading early
                for chunk in chunks:
                    if not chunk.choices:
                        continue
                    finished = finished or chunk.choices[0].finish_reason is not None
                    text = chunk.choices[0].delta.content
                    if text:
                        received += len(text)
                        yield text
        except Exception as exc:  # noqa: BLE001 - every SDK error is translated at this one edge
            raise translate_error(
                exc, model=self.model, base_url=self.base_url, received=received, secret=self._secret
            ) from exc
        where = self.base_url or "OpenAI"
        if not finished:
            raise BackendError(
                f"{where} stopped sending after {received} characters without saying the reply was finished, "
                f"so it was not kept. {RESEND}; if it keeps happening, check the server's log.",
                kind="incomplete",
            )
        if not received:
            raise BackendError(
                f"{where} sent an empty reply from model {self.model!r}. {RESEND}, or set "
                "COACH_MODEL to another model.",
                kind="empty",
            )


def translate_error(
    exc: Exception, *, model: str, base_url: str | None, received: int = 0, secret: str | None = None
) -> BackendError:
    """Turn an openai SDK (or transport) exception into a BackendError that says what happened and the fix.

    The messages name the cause, not the surface: the chat page adds that the line is kept, the draft
    review that the draft is, the judge which rows fell back. ``received`` is how much of a streamed reply
    had arrived (a break after that is a cut, not an unreachable server); ``secret`` is scrubbed from any
    text a server echoes back."""
    import httpx2
    import openai

    where = base_url or "OpenAI"
    if isinstance(exc, BackendError):
        return exc
    if received and isinstance(exc, openai.APIConnectionError | httpx2.TransportError | openai.APIError):
        return BackendError(
            f"{where} broke off the reply after {received} characters (the connection was cut mid-stream), so "
            f"it was not kept. {RESEND}.",
            kind="cut",
        )
    if isinstance(exc, openai.AuthenticationError):
        return BackendError(
            f"{where} refused the API key (401). Check OPENAI_API_KEY, or set COACH_BACKEND=offline "
            "to rehearse without a model.",
            kind="auth",
        )
    if isinstance(exc, openai.PermissionDeniedError):
        return BackendError(
            f"{where} denied access to model {model!r} (403). Check the permissions of OPENAI_API_KEY "
            "or pick another COACH_MODEL.",
            kind="auth",
        )
    if isinstance(exc, openai.NotFoundError):
        if "model" in str(exc).lower():  # OpenAI, Ollama and vLLM all name the model in their 404
            return BackendError(
                f"{where} does not know the model {model!r} (404). Set COACH_MODEL to a model the server "
                "serves (for Ollama, one listed by 'ollama list').",
                kind="model",
            )
        return BackendError(
            f"{where} answered 404 Not Found: the address is probably wrong. Check OPENAI_BASE_URL: "
            "for most servers it ends in /v1, e.g. http://127.0.0.1:8000/v1.",
            kind="not_found",
        )
    if isinstance(exc, openai.RateLimitError):
        wait = (exc.response.headers.get("retry-after") or "").strip() if exc.response is not None else ""
        when = f"in {wait} seconds, as it asks" if wait.isdigit() else "in a minute"
        return BackendError(
            f"{where} is rate-limiting requests (429). Try again {when}, or raise COACH_MAX_RETRIES.",
            kind="rate_limit",
        )
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException):
        return BackendError(
            f"{where} did not answer in time. Try again, raise COACH_TIMEOUT, or use a smaller model.",
            kind="timeout",
        )
    if isinstance(exc, openai.APIConnectionError | httpx2.TransportError):
        return BackendError(
            f"Cannot reach the model server at {where}. Is it running? Check OPENAI_BASE_URL, "
            "or set COACH_BACKEND=offline.",
            kind="connection",
        )
    if isinstance(exc, openai.APIStatusError):
        body = _short(exc, secret=secret)
        if exc.status_code >= 500:
            return BackendError(
                f"{where} failed with a server error ({exc.status_code}). Try again in a moment.",
                kind="server",
            )
        if exc.status_code == 400 and _CONTEXT_TOO_LONG.search(body):
            return BackendError(
                f"{TOO_LONG} than model {model!r} can read (its context window). {SHORTEN}, "
                "or set COACH_MODEL to a model with a longer context (the offline counterpart has no such limit).",
                kind="context",
            )
        return BackendError(f"{where} rejected the request ({exc.status_code}): {body}", kind="bad_request")
    if isinstance(exc, ValueError):  # json.JSONDecodeError and the SDK's own parse errors
        return BackendError(
            f"{where} sent something that is not a valid OpenAI-compatible reply (malformed JSON). Check "
            "that OPENAI_BASE_URL points at the API (it usually ends in /v1), then try again.",
            kind="malformed",
        )
    return BackendError(
        f"The model call failed ({type(exc).__name__}): {_short(exc, secret=secret)}", kind="error"
    )


_CONTEXT_TOO_LONG = re.compile(
    r"context length|context window|maximum context|too many tokens|prompt is too long|n_ctx", re.I
)
# Credentials a server may echo back in an error body: bearer tokens and OpenAI-style keys.
_CREDENTIAL = re.compile(r"(bearer\s+)\S+|\bsk-[A-Za-z0-9_\-]{8,}", re.I)


def _short(exc: Exception, limit: int = 200, secret: str | None = None) -> str:
    text = str(exc).replace("\n", " ")
    if secret:
        text = text.replace(secret, "[key removed]")
    text = _CREDENTIAL.sub(lambda m: (m.group(1) or "") + "[key removed]", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def backend_from_settings(settings: Settings) -> ChatBackend | None:
    """The configured chat backend, or None for the offline default."""
    if not settings.uses_model:
        return None
    assert settings.api_key  # load_settings guarantees a key (or the local placeholder)
    return OpenAIChat(
        settings.model,
        api_key=settings.api_key,
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
    )
