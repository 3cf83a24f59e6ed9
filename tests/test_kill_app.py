"""Nothing answered is lost when the app server dies: SIGKILL it at random points of a session driven in a
real browser, and every completed turn is there (as tests/test_kill.py does for `coach rehearse`).

A turn is *completed* when the browser shows its reply whole. The kill points are random but seeded;
``COACH_KILL_POINTS`` sets how many (20 by default: each restart takes seconds, and 20 already end and begin
sessions across restarts).
"""

from __future__ import annotations

import os
import random
import signal
from pathlib import Path

import pytest

from coach.config import load_settings
from coach.store import sessions
from tests.browser import CHROMIUM, CHROMIUM_ARGS, idle, running_app
from tests.test_kill import LINES, stored_leader_lines

POINTS = int(os.environ.get("COACH_KILL_POINTS", "20"))
SESSION_LINES = 8  # a session is ended and the next begun once it has this many lines

playwright = pytest.importorskip("playwright.sync_api")


class _Replica:
    """One `streamlit run app.py` process (started as coach.bench.running_app starts the app)."""

    def __init__(self, data: Path, port: int | None = None):
        self._cm = running_app(data, port=port)
        self.app = self._cm.__enter__()
        self.port = int(self.app.url.rsplit(":", 1)[1])

    def close(self) -> None:
        self._cm.__exit__(None, None, None)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_the_app_server_killed_at_random_points_keeps_every_completed_turn(tmp_path):
    """The page's server is killed, and the page carries on on the next one, started while the last was
    serving (and warmed by a visit, so the restarts fit in CI): every completed turn is there, a line that
    was sent but not answered is offered again."""
    rng = random.Random(1202)
    data = tmp_path / "data"
    completed: list[str] = []
    session = None  # the rehearsal, once it has a line of yours (until then a restart starts afresh)
    finished: list[tuple[str, list[str]]] = []  # sessions ended along the way, with their completed lines
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        serving = _Replica(data)
        standby = _Replica(data)
        warmer = browser.new_page()
        warmer.goto(standby.app.url, wait_until="commit")
        try:
            for point in range(POINTS):
                page.goto(serving.app.url)
                kept = sessions.unfinished(load_settings({"COACH_DATA_DIR": str(data)}))
                if kept is None:  # nothing said yet: start (again)
                    page.get_by_role("button", name="Start rehearsal").click()
                else:
                    page.get_by_role("button", name="Resume it").click()
                    session = kept.id
                box = page.get_by_placeholder("What do you say?")
                box.wait_for()
                stored = stored_leader_lines(data, session) if session else []
                assert stored[: len(completed)] == completed, f"kill point {point}: a completed turn is lost"
                completed = stored  # a turn the last kill interrupted may have been kept: it counts now
                shown = page.get_by_role("button", name="Try again from here")  # one per line of yours
                playwright.expect(shown).to_have_count(len(completed))  # and the page shows them all
                if kept is not None and kept.pending:  # sent, never answered: offered again, then sent
                    assert page.get_by_text("Your line was not sent").count() == 1
                    page.get_by_role("button", name="Send again").click()
                    playwright.expect(shown).to_have_count(len(completed) + 1)
                    completed.append(kept.pending)
                if len(completed) >= SESSION_LINES:  # this session is long enough: end it, start the next
                    idle(page)  # a click during the last turn's rerun can be lost
                    page.get_by_role("button", name="End and debrief").click()
                    page.get_by_role("heading", name="Debrief", exact=True).wait_for()
                    finished.append((session, completed))
                    session, completed = None, []
                    page.get_by_role("button", name="Start rehearsal").click()
                    playwright.expect(shown).to_have_count(0)
                for _ in range(rng.randint(0, 2)):
                    line = LINES[len(completed) % len(LINES)]
                    box.fill(line)
                    box.press("Enter")
                    playwright.expect(shown).to_have_count(len(completed) + 1)  # the reply is shown whole
                    completed.append(line)
                if rng.random() < 0.6:  # mid-turn
                    box.fill(LINES[len(completed) % len(LINES)])
                    box.press("Enter")
                    page.wait_for_timeout(rng.uniform(0, 400))
                os.kill(serving.app.pid, signal.SIGKILL)
                serving.close()
                warmer.get_by_text("Rehearse a difficult conversation").wait_for()  # its first run is done
                # the killed one is restarted, on its own port, as the standby (the browser has its files)
                serving, standby = standby, _Replica(data, serving.port)
                warmer.goto(standby.app.url, wait_until="commit")
        finally:
            serving.close()
            standby.close()
            browser.close()
    if session is not None:
        finished.append((session, completed))
    for kept_id, lines in finished:
        assert stored_leader_lines(data, kept_id)[: len(lines)] == lines
    assert sum(len(lines) for _, lines in finished) >= POINTS // 2  # they really went on across restarts
