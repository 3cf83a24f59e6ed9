"""The Review-a-draft page in the browser's script, driven through Streamlit's AppTest: app.py's navigation,
then a switch to views/review.py (the page runs inside st.navigation, as in the real app)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

TIMEOUT = 60
APP = str(Path(__file__).resolve().parent.parent / "app.py")  # AppTest resolves relative paths against tests/
POOR = """Hi Maria,

Actually, the outage last month was caused by the vendor, not us. Finance always blocks these investments.
We should migrate to a modern cloud platform.

Best,
Sam
"""


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("views/review.py").run(timeout=TIMEOUT)
    return at


def review(at: AppTest, text: str, persona: str | None = None) -> AppTest:
    at.text_area(key="draft_text").set_value(text)
    if persona:
        at.selectbox(key="review_persona").set_value(persona)
    at.button(key="review_button").click().run(timeout=TIMEOUT)
    return at


def test_the_page_opens_inside_the_app(page):
    assert not page.exception
    assert page.title[0].value == "Review a draft"
    assert any("Maria Okafor" in o for o in page.selectbox(key="review_persona").options)


def test_a_poor_draft_is_scored_quoted_and_read_by_the_persona(page):
    review(page, POOR, persona="maria-cfo")
    assert not page.exception and not page.error
    score = int(page.metric[0].value.split("/")[0])
    assert score <= 40
    heads = [h.value for h in page.subheader]
    assert "How Maria Okafor would likely react" in heads and "Suggestions" in heads
    quotes = [m.value for m in page.markdown if m.value.startswith("> ")]
    assert "> Finance always blocks these investments." in quotes
    assert page.session_state["draft_review"].reaction.move == "react_correction"


def test_both_exports_are_offered(page):
    review(page, POOR)
    buttons = page.get("download_button")
    assert len(buttons) == 2
    from coach.drafts.export import review_json

    data = json.loads(review_json(page.session_state["draft_review"]))
    assert data["score"] == int(page.metric[0].value.split("/")[0])


def test_an_empty_draft_gets_a_clear_message(page):
    review(page, "   ")
    assert not page.exception
    assert any("The draft is empty" in e.value for e in page.error)
    assert not page.metric


def _closed_port() -> int:
    """A loopback port nothing listens on: the model server is 'down'."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_model_failure_is_reported_and_the_offline_review_stays(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{_closed_port()}/v1")
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page("views/review.py").run(timeout=TIMEOUT)
    review(at, POOR)
    assert not at.exception
    assert any("Cannot reach the model server" in w.value for w in at.warning)
    assert at.metric and "Suggestions" in [h.value for h in at.subheader]


def test_a_review_is_kept_and_its_draft_can_be_opened_again(page):
    review(page, POOR, persona="maria-cfo")
    assert not page.exception
    page.text_area(key="draft_text").set_value("something else entirely").run(timeout=TIMEOUT)
    assert any(e.label.startswith("Your past reviews (1)") for e in page.expander)
    next(b for b in page.button if b.label == "Open").click().run(timeout=TIMEOUT)
    assert page.text_area(key="draft_text").value == POOR  # the kept draft is back in the box
    assert page.selectbox(key="review_persona").value == "maria-cfo"
