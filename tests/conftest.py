"""Shared fixtures. Tests never touch the network (pytest-recording's --block-network is on in
pyproject) and never use the user's real data directory."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hyp_settings

from coach.config import Settings, load_settings

SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "openai-organization", "openai-project"]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No real key, backend or data folder leaks into a test from the developer's shell."""
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "COACH_BACKEND",
        "COACH_MODEL",
        "COACH_TIMEOUT",
        "COACH_MAX_RETRIES",
        "COACH_EMBEDDINGS",
        "COACH_EMBEDDING_MODEL",
        "COACH_DATABASE_URL",
        "COACH_CHROMA_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "coach-data"))


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Offline settings with a fresh data directory."""
    return load_settings({"COACH_DATA_DIR": str(tmp_path / "coach-data")})


@pytest.fixture(scope="module")
def vcr_config():
    """Cassettes: readable YAML, no secrets, request bodies matched so prompts are checked too."""
    return {
        "filter_headers": SECRET_HEADERS,
        "decode_compressed_response": True,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
    }


@pytest.fixture
def free_port() -> int:
    """A loopback port nothing listens on (for 'server is down' tests)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Hypothesis profiles for tests/test_fuzz.py: "ci" (default) runs the same 10,100 inputs every time; "deep"
# (HYPOTHESIS_PROFILE=deep) ten times as many, random, for a local soak.
hyp_settings.register_profile(
    "ci",
    max_examples=1_800,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
    print_blob=True,
)
hyp_settings.register_profile(
    "deep", max_examples=18_000, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True
)
hyp_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def pg_server():
    """One real PostgreSQL server for the run (tests/pgserver.py)."""
    from tests import pgserver

    server = pgserver.start_server()
    if server is None:
        if os.environ.get("COACH_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is not installed: install Debian's postgresql package (.ci/run does).")
        pytest.skip(
            "PostgreSQL is not installed (Debian's postgresql package); the SQLite runs still test the store"
        )
    yield server
    pgserver.remove(server)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_settings(request, tmp_path) -> Settings:
    """Offline settings on each database the store supports: SQLite in a fresh data directory, and a fresh
    database on the real PostgreSQL server."""
    env = {"COACH_DATA_DIR": str(tmp_path / "coach-data")}
    if request.param == "postgresql":
        env["COACH_DATABASE_URL"] = request.getfixturevalue("pg_server").create_database()
    yield load_settings(env)
    from coach.store import db

    db.dispose_all()


@pytest.fixture(scope="session", autouse=True)
def _patient_browser_assertions():
    """Playwright's expect() waits 5 s by default; a turn on a loaded 2-core machine (CI, or tests running
    side by side) can take longer. Pages already wait 30 s for their own actions."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        yield
        return
    expect.set_options(timeout=30_000)
    yield
