"""The Rehearse page and the Progress page, driven through Streamlit's AppTest (the real script)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def start(at: AppTest) -> AppTest:
    at.run(timeout=TIMEOUT)
    next(b for b in at.button if b.label == "Start rehearsal").click().run(timeout=TIMEOUT)
    return at


def say(at: AppTest, line: str) -> AppTest:
    at.chat_input[0].set_value(line).run(timeout=TIMEOUT)
    return at


def texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def test_the_page_opens_offline_and_invites_a_rehearsal(app):
    app.run(timeout=TIMEOUT)
    assert not app.exception
    assert app.title[0].value == "Rehearse a difficult conversation"
    assert any("offline" in c.value for c in app.caption)


def test_a_rehearsal_in_the_page_replies_in_character_and_labels_the_line(app):
    start(app)
    assert not app.exception
    opening = app.chat_message[0].markdown[0].value
    say(app, "Who do you see as the competition these days, and how is that changing?")
    assert not app.exception
    assert len(app.chat_message) == 3
    reply = app.chat_message[2].markdown[0].value
    assert reply and reply != opening
    assert app.session_state["rehearsal"].transcript.turns[1].label == "question_open"


def test_a_model_failure_keeps_the_line_for_a_resend(app, monkeypatch, free_port):
    # A real OpenAI-compatible backend pointed at a closed loopback port: connection refused.
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port}/v1")
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    start(app)
    line = "What does a good year look like for you?"
    say(app, line)
    assert any("Cannot reach the model server" in e.value for e in app.error)
    assert app.text_area[0].value == line  # nothing typed is lost
    assert app.session_state["rehearsal"].leader_turn_count == 0


def test_ending_shows_a_debrief_with_cited_advice(app):
    start(app)
    say(app, "Actually, you're wrong: the real problem is that finance starved IT for years.")
    next(b for b in app.button if b.label == "End and debrief").click().run(timeout=TIMEOUT)
    assert not app.exception
    assert any(h.value == "Debrief" for h in app.header)
    assert any("Playbook:" in c.value for c in app.caption)


def test_try_again_from_here_branches_and_keeps_the_line_to_edit(app):
    start(app)
    line = "Actually, you're wrong: the real problem is that finance starved IT for years."
    say(app, line)
    next(b for b in app.button if b.label == "Try again from here").click().run(timeout=TIMEOUT)
    assert not app.exception
    r = app.session_state["rehearsal"]
    assert r.parent and r.leader_turn_count == 0
    assert app.text_area[0].value == line
    assert len(app.session_state["family"]) == 2


def test_progress_lists_kept_rehearsals(app):
    start(app)
    say(app, "What worries you most this quarter?")
    app.switch_page("views/history.py").run(timeout=TIMEOUT)
    assert not app.exception
    assert app.title[0].value == "History"
    assert app.metric[0].value == "1"


def test_one_damaged_session_file_is_reported_and_hides_nothing(app, settings):
    from tests.helpers import legacy_folder

    start(app)
    say(app, "What worries you most this quarter?")
    bad = legacy_folder(settings) / "hand-edited.json"
    bad.write_text('{"format": 2, "transcript": {"persona": "maria-cfo", "meta": [1], "turns": []}}')
    app.switch_page("views/history.py").run(timeout=TIMEOUT)
    assert not app.exception
    assert app.metric[0].value == "1"  # the good rehearsal is still counted
    assert any("hand-edited.json" in w.value.replace("\\", "") for w in app.warning)


def test_the_thats_right_moment_is_unmistakable(app, settings):
    from coach.rehearsal import start_rehearsal
    from tests.helpers import listen_well

    app.run(timeout=TIMEOUT)
    r = listen_well(start_rehearsal(settings, persona_id="maria-cfo"))
    assert r.state["thats_right"]
    app.session_state["rehearsal"] = r
    app.session_state["family"] = {r.id: r}
    app.run(timeout=TIMEOUT)
    assert not app.exception
    assert any("That's right." in s.value for s in app.success)
    # the counterpart's line that said it carries a green badge in the conversation itself
    assert any(
        m.value.startswith(":green-badge[") and "they feel understood" in m.value for m in app.markdown
    )


def test_after_a_refresh_the_unfinished_rehearsal_is_offered_and_resumes_whole(app):
    start(app)
    say(app, "What worries you most this quarter?")
    say(app, "Who do you see as the competition these days?")
    before = [t.text for t in app.session_state["rehearsal"].transcript.turns]
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run(timeout=TIMEOUT)  # a new tab
    assert any("Unfinished rehearsal" in m.value and "2 of your lines" in m.value for m in fresh.markdown)
    fresh.button(key=f"resume-{app.session_state['rehearsal'].id}").click().run(timeout=TIMEOUT)
    assert not fresh.exception
    assert [t.text for t in fresh.session_state["rehearsal"].transcript.turns] == before
    say(fresh, "How does the board keep score on you?")
    assert fresh.session_state["rehearsal"].leader_turn_count == 3


def test_a_line_sent_but_never_answered_survives_a_killed_server(app, monkeypatch, free_port):
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port}/v1")  # the model is down
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    start(app)
    say(app, "What worries you most this quarter?")
    assert app.text_area[0].value == "What worries you most this quarter?"  # kept in the page
    monkeypatch.delenv("OPENAI_BASE_URL")  # the server is gone and restarted without the model
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run(timeout=TIMEOUT)
    assert any("never answered" in m.value for m in fresh.markdown)
    fresh.button(key=f"resume-{app.session_state['rehearsal'].id}").click().run(timeout=TIMEOUT)
    assert fresh.text_area[0].value == "What worries you most this quarter?"  # kept on disk too


# -- sign-in: a deployed app with Streamlit's OIDC sign-in ([auth] in secrets) ---------------------------
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only",
    "client_id": "counterpart",
    "client_secret": "test-only",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def signed_in(at: AppTest, who: str | None) -> AppTest:
    at.secrets["auth"] = AUTH
    at.user = (
        {"is_logged_in": True, "sub": f"user-{who}", "email": f"{who}@example.com"}
        if who
        else {"is_logged_in": False}
    )
    return at


def test_with_sign_in_configured_a_visitor_must_sign_in_first(app):
    signed_in(app, None).run(timeout=TIMEOUT)
    assert not app.exception
    assert app.title[0].value == "Counterpart"
    assert [b.label for b in app.button] == ["Sign in"]  # no rehearsal, no sessions, no personas


@pytest.mark.parametrize("page", ["views/rehearse.py", "views/history.py"])
def test_a_signed_in_user_sees_only_their_own_sessions(page, settings):
    from coach.store import sessions

    alice = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), "alice")
    start(alice)
    say(alice, "What worries you most this quarter?")
    assert not alice.exception
    [kept] = sessions.list_sessions(settings, user="oidc:user-alice")
    assert kept.leader_turns == 1
    assert sessions.list_sessions(settings) == []  # not the local user's

    bob = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), "bob")
    bob.switch_page(page).run(timeout=TIMEOUT)
    assert not bob.exception
    shown = " ".join(m.value for m in bob.markdown) + " ".join(i.value for i in bob.info)
    assert "Unfinished rehearsal" not in shown and kept.id not in str(bob)
    if page == "views/history.py":
        assert "No kept rehearsals yet" in shown

    alice.switch_page("views/history.py").run(timeout=TIMEOUT)
    assert alice.metric[0].value == "1"  # and Alice still sees hers


def test_a_signed_in_users_persona_cards_are_not_offered_to_anyone_else(settings):
    from coach.counterpart.cards import load_persona
    from coach.store import personas

    card = load_persona("maria-cfo").model_copy(update={"id": "alices-cfo", "name": "Ada Okafor"})
    personas.save_persona(card, settings, user="oidc:user-alice")
    for who, sees in (("alice", True), ("bob", False)):
        for page in ("views/rehearse.py", "views/personas.py", "views/review.py"):
            at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT), who)
            at.switch_page(page).run(timeout=TIMEOUT)
            assert not at.exception, (who, page)
            options = [o for box in at.selectbox for o in box.options]
            assert any("Ada Okafor" in o for o in options) is sees, (who, page, options)
