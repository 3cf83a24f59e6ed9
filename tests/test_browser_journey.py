"""A whole offline session in a real browser, as a user goes through it: a rehearsal to "that's right", the
debrief, a retry from an earlier line, a refresh and a server restart mid-session (both resumed), and a draft
review. Screenshots are saved beside the test's temporary files (``--basetemp`` keeps them)."""

from __future__ import annotations

import pytest

from coach.counterpart.cards import list_personas
from coach.counterpart.scripted import QUESTIONS, summary_of
from coach.rehearsal import Rehearsal
from tests.browser import CHROMIUM, CHROMIUM_ARGS, OWN_HOSTS, idle, record_hosts, running_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]
# The counterpart the page offers first (a fresh data folder holds only the shipped cards).
PERSONA = list_personas()[0]


def _next_line(mirror: Rehearsal, asked: dict[str, int], heard: list[str]) -> str:
    """What a good listener says next, decided on an in-process twin of the app's rehearsal (same card,
    difficulty and seed, so the same replies): say back what was just told, else sum up the core once it is
    all told, else ask about the least-asked part of their world still hidden."""
    persona = mirror.persona
    if heard:
        return f"So {persona.fact(heard.pop(0)).paraphrase}."
    revealed = set(mirror.state["revealed"])
    if all(c in revealed for c in persona.core):
        return summary_of(persona, persona.core)
    dims = list(dict.fromkeys(f.dimension for f in persona.facts))
    pending = [d for d in dims if any(f.dimension == d and f.id not in revealed for f in persona.facts)]
    dim = min(pending or dims, key=lambda d: asked[d])
    asked[dim] += 1
    return QUESTIONS[dim][(asked[dim] - 1) % len(QUESTIONS[dim])]


def _send(page, line: str, n_messages: int) -> None:
    box = page.get_by_placeholder("What do you say?")
    box.fill(line)
    box.press("Enter")
    playwright.expect(page.locator('[data-testid="stChatMessage"]')).to_have_count(n_messages, timeout=30_000)
    # the page reruns once the reply is kept: wait for the rerun (each kept line gets its retry button)
    retries = page.get_by_role("button", name="Try again from here")
    playwright.expect(retries).to_have_count((n_messages - 1) // 2, timeout=30_000)
    idle(page)


def _resume(page) -> None:
    page.get_by_text("Unfinished rehearsal").wait_for()
    page.get_by_role("button", name="Resume it").click()
    page.get_by_placeholder("What do you say?").wait_for()


def test_a_whole_session_in_the_browser(tmp_path):
    data = tmp_path / "data"
    persona = PERSONA
    mirror = Rehearsal(
        persona, persona.difficulty, seed=0
    )  # the page's defaults: the card's difficulty, seed 0
    mirror.open()
    asked = {d: 0 for d in QUESTIONS}
    heard: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        hosts = record_hosts(page)
        with running_app(data) as app:
            page.goto(app.url)
            page.get_by_text("Rehearse a difficult conversation").wait_for()
            page.get_by_role("button", name="Start rehearsal").click()
            page.get_by_placeholder("What do you say?").wait_for()
            for turn in range(1, 4):  # three turns, then a refresh
                line = _next_line(mirror, asked, heard)
                heard += mirror.turn(line).facts_now
                _send(page, line, 1 + 2 * turn)
            page.reload()
            _resume(page)
            playwright.expect(page.locator('[data-testid="stChatMessage"]')).to_have_count(7)
        with running_app(data) as app:  # the server was stopped and started again
            page.goto(app.url)
            _resume(page)
            turn = mirror.leader_turn_count
            while not mirror.state.get("thats_right") and turn < 40:
                line = _next_line(mirror, asked, heard)
                heard += mirror.turn(line).facts_now
                turn += 1
                _send(page, line, 1 + 2 * turn)
            assert mirror.state.get("thats_right"), (
                "the twin never reached that's right: the test's listener is wrong"
            )
            page.get_by_text("feels understood").first.wait_for()
            page.screenshot(path=str(tmp_path / "thats-right.png"), full_page=True)

            page.get_by_role("button", name="Try again from here").first.click()  # retry from the first line
            kept = page.get_by_label("Your line")
            kept.wait_for()
            assert kept.input_value() == mirror.transcript.turns[1].text  # the line comes back to edit
            page.get_by_role("button", name="Send again").click()
            page.get_by_role("button", name="End and debrief").wait_for()
            idle(page)  # the button shows during the run "Send again" started; a click then can be lost

            page.get_by_role("button", name="End and debrief").click()
            page.get_by_role("heading", name="Debrief").wait_for()
            page.screenshot(path=str(tmp_path / "debrief.png"), full_page=True)

            page.get_by_role("link", name="Review a draft").click()
            # by its label, not as the first textarea: until the page's run ends the chat box may still be shown
            area = page.get_by_label("Your draft")
            area.wait_for()
            idle(page)
            area.fill(
                "Hi,\n\nI know the pressure this quarter lands on your team first. Before I propose anything, "
                "what would you need to see to trust a new system's numbers? Could we take 30 minutes on "
                "Thursday?\n\nSam"
            )
            idle(page)
            page.get_by_role("button", name="Review draft").click()
            score = page.locator('[data-testid="stMetricValue"]').get_by_text("/100")
            score.wait_for()
            assert int(score.inner_text().split("/")[0]) >= 60  # a listening-first draft scores well
            page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
        browser.close()
    assert set(hosts) <= OWN_HOSTS, sorted(set(hosts))


def test_a_card_written_in_the_form_is_saved_and_rehearsed_in_the_browser(tmp_path):
    fields = {
        "Name": "Priya Nair",
        "Role": "Chief Operating Officer",
        "Company": "Harbour Logistics",
        "Industry": "Port logistics",
    }
    facts = [
        (
            "A new automated terminal down the coast is winning the big shipping lines on speed.",
            "Honestly? The automated terminal down the coast. They turn ships round in half the time.",
        ),
        (
            "The customers who matter are three shipping lines that want berths on time, every time.",
            "Three shipping lines. Give them a berth on time and they stay.",
        ),
    ]
    with playwright.sync_playwright() as p, running_app(tmp_path / "data") as app:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.goto(app.url)
        page.get_by_role("link", name="Personas").click()
        idle(page)  # a click while the page's first run is still going can be lost
        page.get_by_text("Write a card in plain language (a form)").click()
        for label, value in fields.items():
            page.get_by_label(label, exact=True).fill(value)
        for i, (statement, said) in enumerate(facts):
            page.get_by_label("The fact, in a sentence").nth(i).fill(statement)
            page.get_by_label("What they say when asked (one line each)").nth(i).fill(said)
        idle(page)
        page.get_by_role("button", name="Build the card").click()
        yaml_box = page.get_by_label("Card (YAML)")
        playwright.expect(yaml_box).to_contain_text("Priya Nair")
        idle(page)
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_text("It is now in the list of counterparts").wait_for()

        page.get_by_role("link", name="Rehearse").click()
        idle(page)
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="Priya Nair").click()
        page.get_by_role("button", name="Start rehearsal").click()
        box = page.get_by_placeholder("What do you say?")
        box.wait_for()
        box.fill("Who's giving you the hardest time out there these days?")
        box.press("Enter")
        messages = page.locator('[data-testid="stChatMessage"]')
        playwright.expect(messages).to_have_count(3)
        playwright.expect(messages.nth(2)).to_contain_text(
            "automated terminal"
        )  # her own words, from the form
        page.screenshot(path=str(tmp_path / "own-card.png"), full_page=True)
        browser.close()
