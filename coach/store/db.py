"""The one seam to the database: SQLite in the data directory by default, PostgreSQL for a team.

``COACH_DATABASE_URL`` picks the database (a SQLAlchemy URL); without it the store is
``<data dir>/coach.db``, in WAL mode so the app and the CLI can read while a turn is written, with
``synchronous=FULL`` so a committed turn survives a crash or power cut. Opening a database brings its
schema up to date with Alembic (versioned migrations in ``migrations/``); coach/store/sessions.py then
moves any JSON session files of earlier versions into it (coach/store/legacy.py).

Why SQLAlchemy Core and Alembic: one query layer for both databases with no dialect code of our own, and
the standard migration tool for it; an ORM would add a second model of the data beside the typed
transcript, which the rest of the package already uses.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from coach.config import Settings, _without_userinfo, ensure_data_dir
from coach.errors import ConfigError, StoreError
from coach.store import legacy

try:
    import fcntl  # POSIX: a file lock for the upgrade (Windows runs one local process and needs none)
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MIGRATIONS = Path(__file__).parent / "migrations"
_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()
_PG_LOCK_KEY = 0x636F6163  # "coac": one advisory lock for every replica's upgrade


def database_url(settings: Settings) -> str:
    url = settings.database_url
    if not url:
        return f"sqlite:///{ensure_data_dir(settings) / 'coach.db'}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]  # the driver we ship (psycopg 3)
    return url


def shown_url(settings: Settings) -> str:
    """The database's URL for messages: never with its password."""
    return _without_userinfo(database_url(settings))


def engine(settings: Settings) -> Engine:
    """The database for these settings, opened and upgraded once per process."""
    url = database_url(settings)
    with _LOCK:
        eng = _ENGINES.get(url)
        if eng is None:
            eng = _open(url, settings)
            _ENGINES[url] = eng
    return eng


_MIGRATED: set[tuple[str, str]] = set()
_MIGRATE_LOCK = threading.Lock()


def open_store(settings: Settings) -> Engine:
    """The database, upgraded, with any session files of an earlier version in this data directory moved
    into it the first time this process opens it."""
    eng = engine(settings)
    key = (str(eng.url), str(settings.data_dir))
    if key not in _MIGRATED:
        with _MIGRATE_LOCK, upgrade_lock(eng):
            if key not in _MIGRATED:
                legacy.migrate_json_files(eng, settings)
                _MIGRATED.add(key)
    return eng


def dispose_all() -> None:
    """Close every pooled connection (tests, and a server shutting down)."""
    with _LOCK:
        for eng in _ENGINES.values():
            eng.dispose()
        _ENGINES.clear()


def _open(url: str, settings: Settings) -> Engine:
    shown = _without_userinfo(url)
    try:
        if url.startswith("sqlite"):
            eng = create_engine(url, connect_args={"timeout": 30})
            event.listen(eng, "connect", _sqlite_pragmas)
        else:
            eng = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    except (ArgumentError, ModuleNotFoundError, SQLAlchemyError) as exc:
        raise ConfigError(
            f"COACH_DATABASE_URL={shown!r} cannot be used ({exc}). Set it like "
            "postgresql://user:password@host:5432/counterpart, or unset it to use SQLite."
        ) from None
    try:
        with upgrade_lock(eng):
            upgrade(eng)
    except OperationalError as exc:
        eng.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ConfigError(
            f"Cannot open the session database {shown} ({reason}). Check that the server is running and "
            "COACH_DATABASE_URL is right, or unset COACH_DATABASE_URL to keep sessions in SQLite."
        ) from None
    return eng


@contextlib.contextmanager
def guarded(settings: Settings, doing: str):
    """A database failure as a StoreError that names the database and what could not be done."""
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        raise StoreError(
            f"The session database {shown_url(settings)} could not {doing} ({reason}). Nothing you typed is "
            "lost: it is still on screen. Check the database (disk space, the server, COACH_DATABASE_URL) "
            "and try again."
        ) from None


@contextlib.contextmanager
def reading(settings: Settings, doing: str):
    """A connection to the opened store, its failures reported as a StoreError naming ``doing``."""
    with guarded(settings, doing), open_store(settings).connect() as conn:
        yield conn


@contextlib.contextmanager
def writing(settings: Settings, doing: str):
    """A transaction on the opened store (committed on leaving), its failures reported as for reading."""
    with guarded(settings, doing), open_store(settings).begin() as conn:
        yield conn


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def upgrade(eng: Engine) -> None:
    """Run every migration not yet applied (the caller holds the upgrade lock: replicas may start
    together)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@contextlib.contextmanager
def upgrade_lock(eng: Engine):
    """One process at a time upgrades (replicas may start together), on either database."""
    if eng.dialect.name == "postgresql":
        with eng.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
        return
    database = eng.url.database
    if eng.dialect.name != "sqlite" or not database or database == ":memory:" or fcntl is None:
        yield
        return
    with open(f"{database}.lock", "a") as fh:  # a file lock beside the database
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
