"""The History page in a real browser: sessions with their branches under them, dated charts, a debrief
reopened with its trust timeline, an export downloaded, a session deleted after confirming."""

from __future__ import annotations

import json

import pytest

from coach.config import load_settings
from coach.rehearsal import start_rehearsal
from coach.store import sessions
from tests.browser import CHROMIUM, CHROMIUM_ARGS, OWN_HOSTS, idle, record_hosts, running_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]
LINES = [
    "What keeps you up at night?",
    "Who do you see as the competition these days?",
    "So the brokers undercut you on price and you can't follow them down.",
    "Why is that?",
]


def _kept(settings, persona: str, lines: list[str], seed: int):
    r = start_rehearsal(settings, persona_id=persona, seed=seed)
    for line in lines:
        r.turn(line)
    r.end()
    sessions.save(r, settings)
    return r


def test_the_history_page_in_the_browser(tmp_path):
    data = tmp_path / "data"
    settings = load_settings({"COACH_DATA_DIR": str(data)})
    first = _kept(settings, "maria-cfo", LINES, 1)
    _kept(settings, "dev-coo", LINES[:2], 2)
    _kept(settings, "maria-cfo", LINES[:3], 3)
    branch = first.branch(3)
    branch.turn("What does a bad week look like for you?")
    sessions.save(branch, settings)

    with playwright.sync_playwright() as p, running_app(data) as app:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1600}, accept_downloads=True)
        page.set_default_timeout(30_000)
        hosts = record_hosts(page)
        page.goto(app.url + "/history")
        page.get_by_role("heading", name="History").wait_for()
        rehearsals = page.locator('[data-testid="stMetric"]').first
        playwright.expect(rehearsals).to_contain_text("3")  # the branch is not a rehearsal of its own
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        playwright.expect(charts.first).to_be_visible()
        playwright.expect(charts.first.locator("canvas, svg").first).to_be_visible()  # drawn, not empty
        table = page.locator('[data-testid="stDataFrame"]').first
        playwright.expect(table).to_be_visible()

        # reopen the first rehearsal's debrief: its trust timeline is there
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.get_by_role("option").filter(has_text="4 lines").first.click()
        page.get_by_role("heading", name="Debrief", exact=True).wait_for()
        page.get_by_role("heading", name="Trust, line by line").wait_for()
        page.screenshot(path=str(tmp_path / "history.png"), full_page=True)

        idle(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Export everything (JSON)").click()
        exported = json.loads(download.value.path().read_text())
        assert len(exported["sessions"]) == 4

        # delete it (and its branch), after confirming
        idle(page)
        page.get_by_role("button", name="Delete this session").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("and its 1 try-again branches").wait_for()
        dialog.get_by_role("button", name="Delete", exact=True).click()
        page.get_by_text("Deleted 2 session(s).").wait_for()
        playwright.expect(rehearsals).to_contain_text("2")
        browser.close()
    assert set(hosts) <= OWN_HOSTS, sorted(set(hosts))
    assert {s.id for s in sessions.list_sessions(settings)}.isdisjoint({first.id, branch.id})
