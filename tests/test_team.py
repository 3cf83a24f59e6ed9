"""A team deployment, for real: two app replicas behind one PostgreSQL server and one Chroma server, two
people signing in through an OpenID Connect provider in a real browser. Nothing is lost between the
replicas and nothing is mixed between the users.

The servers are started here on 127.0.0.1: PostgreSQL from Debian's package (tests/pgserver.py), Chroma
with chromadb's own ``chroma run``, and a small OIDC provider (tests/oidcserver.py) standing in for Google
or Okta. ``docs/deploy/`` holds the same deployment for real use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from coach.config import load_settings
from coach.store import sessions
from tests.browser import CHROMIUM, CHROMIUM_ARGS, OWN_HOSTS, free_port, record_hosts, running_app
from tests.oidcserver import Provider

playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("authlib", reason="st.login needs Authlib (pip install -e '.[dev]')")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]
CHROMA = str(Path(sys.executable).with_name("chroma"))


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    """chromadb's own server, on a free loopback port, with its data in a temporary folder."""
    port = free_port()
    folder = tmp_path_factory.mktemp("chroma")
    proc = subprocess.Popen(
        [CHROMA, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not answer its heartbeat within 30 s")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _sign_in(page, app_url: str, who: str) -> None:
    page.goto(app_url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Who are you?").fill(who)  # the provider's own sign-in page
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {who}@example.com").wait_for()


def _say(page, lines: list[str], already: int = 0) -> None:
    """Send each line and wait until its reply is kept (each kept line of yours has its retry button)."""
    box = page.get_by_placeholder("What do you say?")
    retries = page.get_by_role("button", name="Try again from here")
    playwright.expect(retries).to_have_count(already)
    for n, line in enumerate(lines, start=already + 1):
        box.fill(line)
        box.press("Enter")
        playwright.expect(retries).to_have_count(n)


def test_two_replicas_one_database_one_index_two_users(tmp_path, pg_server, chroma_url):
    database = pg_server.create_database()
    env = {"COACH_DATABASE_URL": database, "COACH_CHROMA_URL": chroma_url}
    with Provider() as provider:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(provider.secrets_toml())
        args = ["--secrets.files", str(secrets)]
        # each replica has its own (empty) local folder: everything they share is on the two servers
        with (
            running_app(tmp_path / "replica-1", env, args) as one,
            running_app(tmp_path / "replica-2", env, args) as two,
            playwright.sync_playwright() as p,
        ):
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            alice = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            bob = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            hosts = record_hosts(alice) + record_hosts(bob)
            for page in (alice, bob):
                page.set_default_timeout(30_000)

            page = alice  # a visitor who has not signed in sees no one's data
            page.goto(one.url)
            page.get_by_text("Sign in to rehearse").wait_for()
            assert page.get_by_text("Unfinished rehearsal").count() == 0

            _sign_in(alice, one.url, "alice")
            alice.get_by_role("button", name="Start rehearsal").click()
            _say(alice, ["What keeps you up at night?", "Who do you see as the competition?"])

            _sign_in(bob, two.url, "bob")
            assert bob.get_by_text("Unfinished rehearsal").count() == 0  # not Alice's
            bob.get_by_role("button", name="Start rehearsal").click()
            _say(bob, ["What does the board hold you to?"])

            # Alice carries on from the other replica: her turns are there, Bob's are not
            _sign_in(alice, two.url, "alice")
            alice.get_by_text("Unfinished rehearsal").wait_for()
            alice.get_by_text("2 of your lines").wait_for()
            alice.get_by_role("button", name="Resume it").click()
            _say(alice, ["So the brokers undercut you on price?"], already=2)

            # each sees only their own on the History page, from either replica
            _sign_in(bob, one.url, "bob")
            bob.get_by_role("link", name="History").click()
            bob.get_by_text("Reopen a debrief").wait_for()
            assert bob.get_by_text("What keeps you up at night?").count() == 0
            browser.close()
        assert set(hosts) <= OWN_HOSTS | {"127.0.0.1"}  # the provider is on loopback too

    settings = load_settings({"COACH_DATA_DIR": str(tmp_path / "check"), "COACH_DATABASE_URL": database})
    mine = sessions.list_sessions(settings, user="oidc:user-alice")
    theirs = sessions.list_sessions(settings, user="oidc:user-bob")
    assert [s.leader_turns for s in mine] == [3] and [s.leader_turns for s in theirs] == [1]
    alice_lines = [
        t.text for _, t in sessions.transcript(mine[0].id, settings, user="oidc:user-alice").leader_turns()
    ]
    assert alice_lines == [
        "What keeps you up at night?",
        "Who do you see as the competition?",
        "So the brokers undercut you on price?",
    ]
    assert sessions.list_sessions(settings) == []  # nothing landed under the local user


def test_every_replica_searches_the_one_shared_index(tmp_path, chroma_url):
    """Two processes, two empty local folders, one Chroma server: the corpus is indexed once, and both
    find the same passages."""
    coach = str(Path(sys.executable).with_name("coach"))
    outs = []
    for replica in ("a", "b"):
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("COACH_")},
            "COACH_DATA_DIR": str(tmp_path / replica),
            "COACH_CHROMA_URL": chroma_url,
        }
        out = subprocess.run(
            [coach, "ask", "how do I open a budget conversation", "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outs.append([p["section_id"] for p in json.loads(out.stdout)["passages"]])
        assert not (tmp_path / replica / "index").exists()  # nothing indexed locally
    assert outs[0] == outs[1] and outs[0]
    from coach.playbook.index import Index

    settings = load_settings({"COACH_DATA_DIR": str(tmp_path / "c"), "COACH_CHROMA_URL": chroma_url})
    index = Index(settings)
    assert index.count("corpus") == index.corpus_state()["corpus_chunks"]  # not twice over


def test_a_chroma_server_that_is_down_is_named_with_the_fix(tmp_path):
    from coach.errors import CorpusError
    from coach.playbook.index import Index

    url = f"http://127.0.0.1:{free_port()}"
    settings = load_settings({"COACH_DATA_DIR": str(tmp_path), "COACH_CHROMA_URL": url})
    with pytest.raises(CorpusError, match="COACH_CHROMA_URL"):
        Index(settings)
