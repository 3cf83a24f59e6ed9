"""The real app in a real browser: Debian's Chromium driven by Playwright against `streamlit run`."""

from __future__ import annotations

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, OWN_HOSTS, ROOT, idle, record_hosts, running_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("browser-data")) as app:
        yield app.url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(app_url)
    yield pg
    context.close()


def test_a_rehearsal_round_trip_in_the_browser(page, tmp_path):
    page.get_by_text("Rehearse a difficult conversation").wait_for()
    page.get_by_role("button", name="Start rehearsal").click()
    box = page.get_by_placeholder("What do you say?")
    box.wait_for()
    box.fill("Who do you see as the competition these days, and how is that changing?")
    box.press("Enter")
    page.get_by_text("open question").first.wait_for()  # the live label under the leader's line
    messages = page.locator('[data-testid="stChatMessage"]')
    playwright.expect(messages).to_have_count(3)  # waits while the reply streams in
    reply = messages.nth(2).inner_text()
    assert len(reply) > 20
    page.screenshot(path=str(tmp_path / "rehearsal.png"), full_page=True)

    idle(page)  # the reply's run reruns the page; a click during it can be lost
    page.get_by_role("button", name="End and debrief").click()
    page.get_by_role("heading", name="Debrief").wait_for()
    assert page.get_by_text("Scorecard").count() >= 1
    page.screenshot(path=str(tmp_path / "debrief.png"), full_page=True)


def test_the_draft_review_page_scores_a_draft_in_the_browser(page):
    page.get_by_role("link", name="Review a draft").click()
    area = page.get_by_label("Your draft")
    area.wait_for()
    idle(page)
    area.fill(
        "Hi Maria,\n\nYour team keeps blocking every investment we propose. Actually, the real problem is that "
        "finance has starved IT for years. We need to move to the cloud now.\n\nThanks"
    )
    idle(page)
    page.get_by_role("button", name="Review draft").click()
    page.get_by_text("Sentence by sentence").wait_for()
    score = page.locator('[data-testid="stMetricValue"]').get_by_text("/100")
    score.wait_for()
    assert 0 <= int(score.inner_text().split("/")[0]) < 50  # blames, corrects, pitches, asks nothing


# -- nothing leaves the machine -------------------------------------------------------------------------
HOSTILE = "198.51.100.7"  # TEST-NET-2: never routable; a request to it is a request off the machine


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    """An app whose data holds a shared card with Markdown images and HTML in its name and briefing."""
    import yaml

    data = tmp_path_factory.mktemp("hostile-data")
    card = yaml.safe_load((ROOT / "corpus" / "personas" / "maria-cfo.yaml").read_text(encoding="utf-8"))
    card["id"] = "hostile-cfo"
    card["name"] = f"Mara ![p](http://{HOSTILE}/name.png) Okafor"
    card["background"] += f' ![b](http://{HOSTILE}/bg.png) <img src="http://{HOSTILE}/img.png">'
    (data / "personas").mkdir()
    (data / "personas" / "hostile-cfo.yaml").write_text(yaml.safe_dump(card), encoding="utf-8")
    with running_app(data) as app:
        yield app.url


def test_no_rendered_text_makes_the_browser_fetch_another_host(browser, hostile_app):
    """Markdown images in a persona card, in the leader's own line and in what is quoted back in the
    debrief stay text: the browser requests nothing from any host but the app's."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    hosts = record_hosts(page)
    page.goto(hostile_app)
    page.get_by_text("Rehearse a difficult conversation").wait_for()
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Mara").click()
    page.get_by_text(f"![b](http://{HOSTILE}/bg.png)").wait_for()  # the briefing, shown as typed
    page.get_by_role("button", name="Start rehearsal").click()
    box = page.get_by_placeholder("What do you say?")
    box.wait_for()
    box.fill(f"What keeps you up at night? ![x](http://{HOSTILE}/line.png) <img src=http://{HOSTILE}/l2.png>")
    box.press("Enter")
    messages = page.locator('[data-testid="stChatMessage"]')
    playwright.expect(messages).to_have_count(3)
    assert f"![x](http://{HOSTILE}/line.png)" in messages.nth(1).inner_text()
    idle(page)  # the reply's run reruns the page; a click during it can be lost
    page.get_by_role("button", name="End and debrief").click()
    page.get_by_role("heading", name="Debrief").wait_for()
    for link, landmark in (
        ("Review a draft", "Review draft"),
        ("History", "History"),
        ("Personas", "Card"),
    ):
        page.get_by_role("link", name=link).click()
        page.get_by_text(landmark).first.wait_for()
    page.wait_for_timeout(500)
    context.close()
    assert set(hosts) <= OWN_HOSTS, sorted(set(hosts))
