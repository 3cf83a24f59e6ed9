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
from coach.errors import BackendError

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
        self._client = openai_client(api_key, base_url, timeout, max_retries)

    def stream(
        self, messages: Sequence[Message], *, temperature: float = 0.7, max_tokens: int = 300
    ) -> Iterator[str]:
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
                    text = chunk.choices[0].delta.content
                    if text:
                        yield text
        except Exception as exc:  # noqa: BLE001 - every SDK error is translated at this one edge
            raise translate_error(exc, model=self.model, base_url=self.base_url) from exc


def translate_error(exc: Exception, *, model: str, base_url: str | None) -> BackendError:
    """Turn an openai SDK (or transport) exception into a BackendError that names the fix."""
    import httpx2
    import openai

    where = base_url or "OpenAI"
    if isinstance(exc, BackendError):
        return exc
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
        return BackendError(
            f"{where} is rate-limiting requests (429). Wait a minute and send your line again; "
            "it has been kept.",
            kind="rate_limit",
        )
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException):
        return BackendError(
            f"{where} did not answer in time. Send your line again, raise COACH_TIMEOUT, "
            "or use a smaller model.",
            kind="timeout",
        )
    # A stream cut mid-reply surfaces as a raw transport error, not an openai one.
    if isinstance(exc, openai.APIConnectionError | httpx2.TransportError):
        return BackendError(
            f"Cannot reach the model server at {where}. Is it running? Check OPENAI_BASE_URL, "
            "or set COACH_BACKEND=offline.",
            kind="connection",
        )
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500:
            return BackendError(
                f"{where} failed with a server error ({exc.status_code}). Try again in a moment; "
                "your line has been kept.",
                kind="server",
            )
        return BackendError(
            f"{where} rejected the request ({exc.status_code}): {_short(exc)}", kind="bad_request"
        )
    return BackendError(f"The model call failed: {type(exc).__name__}: {_short(exc)}", kind="error")


def _short(exc: Exception, limit: int = 200) -> str:
    text = str(exc).replace("\n", " ")
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
