"""Settings, read once from environment variables (and Streamlit secrets when the app runs).

| variable              | meaning                                                  | default        |
|-----------------------|----------------------------------------------------------|----------------|
| COACH_BACKEND         | ``offline`` or ``openai`` (any OpenAI-compatible server) | see below      |
| OPENAI_API_KEY        | key for OpenAI; local servers usually need none          | unset          |
| OPENAI_BASE_URL       | URL of an OpenAI-compatible server (Ollama, vLLM...)     | OpenAI's       |
| COACH_MODEL           | chat model name                                          | ``gpt-4o-mini`` |
| COACH_TIMEOUT         | seconds to wait for the model before giving up (1-600)   | ``60``         |
| COACH_MAX_RETRIES     | retries on rate limits and server errors (0-10)          | ``2``          |
| COACH_EMBEDDINGS      | ``local`` (bundled MiniLM) or ``openai``                 | ``local``      |
| COACH_EMBEDDING_MODEL | embedding model when COACH_EMBEDDINGS=openai | ``text-embedding-3-small`` |
| COACH_DATA_DIR        | where the index, sessions and your personas live         | see below      |
| COACH_DATABASE_URL    | where sessions are kept: a SQLAlchemy URL (PostgreSQL for a team) | SQLite in the data dir |
| COACH_CHROMA_URL      | a shared Chroma server (``chroma run``) for the search index | a local index in the data dir |

COACH_BACKEND defaults to ``openai`` when OPENAI_API_KEY or OPENAI_BASE_URL is set, else ``offline``.
COACH_DATA_DIR defaults to ``$XDG_DATA_HOME/counterpart``, or ``~/.local/share/counterpart``.

The API key is held in memory only: it is excluded from ``repr`` and ``describe()`` and never written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from coach.errors import ConfigError

BACKENDS = ("offline", "openai")
EMBEDDINGS = ("local", "openai")
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"
# A local server (Ollama, llama.cpp...) ignores the key, but the openai client insists on one.
LOCAL_PLACEHOLDER_KEY = "not-needed"


@dataclass(frozen=True)
class Settings:
    backend: str = "offline"
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 60.0
    max_retries: int = 2
    embeddings: str = "local"
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    data_dir: Path = field(default_factory=lambda: _default_data_dir(os.environ))
    database_url: str | None = field(default=None, repr=False)  # may hold a password; repr shows it without
    chroma_url: str | None = None

    def __repr__(self) -> str:
        """Every field but the key; a credential inside OPENAI_BASE_URL is dropped too."""
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.repr}
        if self.base_url:
            shown["base_url"] = _without_userinfo(self.base_url)
        if self.database_url:
            shown["database_url"] = _without_userinfo(self.database_url)
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    @property
    def uses_model(self) -> bool:
        return self.backend == "openai"

    def describe(self) -> str:
        """One line for the UI and CLI; never includes the key."""
        if self.backend == "offline":
            return "offline (authored persona lines, no language model)"
        where = _without_userinfo(self.base_url) if self.base_url else "OpenAI"
        return f"{self.model} via {where}"


def _without_userinfo(url: str) -> str:
    """Drop ``user:password@`` from a URL so a credential in OPENAI_BASE_URL is never shown."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or ""
    if not os.path.isabs(base):  # the XDG spec says to ignore a relative value
        base = str(Path.home() / ".local" / "share")
    return Path(base) / "counterpart"


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _pick(env: Mapping[str, Any], secrets: Mapping[str, Any], name: str) -> str | None:
    value = env.get(name)
    if value is None or str(value).strip() == "":
        value = secrets.get(name) if secrets else None
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _number(raw: str | None, name: str, default: float, lo: float, hi: float, kind: type) -> Any:
    if raw is None:
        return kind(default)
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a {'whole ' if kind is int else ''}number. "
            f"Set {name} to a value from {lo:g} to {hi:g}, or unset it to use {default:g}."
        ) from None
    if not lo <= value <= hi:
        raise ConfigError(f"{name}={raw!r} is out of range. Set {name} to a value from {lo:g} to {hi:g}.")
    return value


def load_settings(env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> Settings:
    """Read settings; raise ConfigError naming the variable and the fix when one is wrong."""
    env = os.environ if env is None else env
    secrets = secrets or {}
    get = lambda name: _pick(env, secrets, name)  # noqa: E731

    api_key = get("OPENAI_API_KEY")
    base_url = get("OPENAI_BASE_URL")
    backend_raw = get("COACH_BACKEND")
    backend = (backend_raw or ("openai" if (api_key or base_url) else "offline")).lower()
    if backend not in BACKENDS:
        raise ConfigError(
            f"COACH_BACKEND={backend_raw!r} is not a backend. Set it to one of: {', '.join(BACKENDS)} "
            "(openai covers any OpenAI-compatible server such as Ollama, vLLM, LM Studio or llama.cpp)."
        )
    if base_url and not _is_http_url(base_url):
        raise ConfigError(
            f"OPENAI_BASE_URL={base_url!r} is not a URL. Set it like http://localhost:11434/v1 "
            "(Ollama) or http://127.0.0.1:8000/v1 (vLLM, llama.cpp)."
        )
    if not api_key and base_url:
        api_key = LOCAL_PLACEHOLDER_KEY  # also for COACH_EMBEDDINGS=openai with the offline chat backend
    if backend == "openai" and not api_key:
        raise ConfigError(
            "COACH_BACKEND=openai needs a key: set OPENAI_API_KEY, or set OPENAI_BASE_URL to your "
            "own OpenAI-compatible server, or set COACH_BACKEND=offline."
        )
    embeddings_raw = get("COACH_EMBEDDINGS")
    embeddings = (embeddings_raw or "local").lower()
    if embeddings not in EMBEDDINGS:
        raise ConfigError(
            f"COACH_EMBEDDINGS={embeddings_raw!r} is not known. Set it to one of: {', '.join(EMBEDDINGS)}."
        )
    if embeddings == "openai" and not api_key:
        raise ConfigError(
            "COACH_EMBEDDINGS=openai needs OPENAI_API_KEY; set it or use COACH_EMBEDDINGS=local."
        )

    data_dir_raw = get("COACH_DATA_DIR")
    data_dir = Path(data_dir_raw).expanduser() if data_dir_raw else _default_data_dir(env)
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"COACH_DATA_DIR={str(data_dir)!r} is a file. Point COACH_DATA_DIR at a folder.")

    database_url = get("COACH_DATABASE_URL")
    if database_url and not re.match(r"^(sqlite|postgresql)(\+\w+)?://", database_url):
        raise ConfigError(
            f"COACH_DATABASE_URL={_without_userinfo(database_url)!r} is not a database URL Counterpart "
            "can use. Set it like postgresql://user:password@host:5432/counterpart, or "
            "sqlite:////path/to/coach.db, or unset it to keep sessions in the data directory."
        )

    chroma_url = get("COACH_CHROMA_URL")
    if chroma_url and not _is_http_url(chroma_url):
        raise ConfigError(
            f"COACH_CHROMA_URL={chroma_url!r} is not a URL. Set it to your Chroma server, like "
            "http://127.0.0.1:8000 (started with 'chroma run --path DIR'), or unset it."
        )

    return Settings(
        backend=backend,
        model=get("COACH_MODEL") or DEFAULT_MODEL,
        base_url=base_url,
        api_key=api_key,
        timeout=_number(get("COACH_TIMEOUT"), "COACH_TIMEOUT", 60, 1, 600, float),
        max_retries=_number(get("COACH_MAX_RETRIES"), "COACH_MAX_RETRIES", 2, 0, 10, int),
        embeddings=embeddings,
        embedding_model=get("COACH_EMBEDDING_MODEL") or DEFAULT_EMBEDDING_MODEL,
        data_dir=data_dir,
        database_url=database_url,
        chroma_url=chroma_url,
    )


def ensure_data_dir(settings: Settings) -> Path:
    """Create the data directory if needed; a clear error if that is impossible."""
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"Cannot create the data directory {settings.data_dir} ({exc.strerror}). "
            "Set COACH_DATA_DIR to a folder you can write to."
        ) from None
    return settings.data_dir
