"""Model faults over real HTTP (tests/faultserver.py on 127.0.0.1): each is named for what happened, with
the fix; the key never shows; a partial reply is never kept; the conversation survives and goes on once
the fault clears."""

from __future__ import annotations

import pytest

from coach.counterpart.cards import load_persona
from coach.errors import BackendError
from coach.llm import OpenAIChat
from coach.rehearsal import Rehearsal
from tests.faultserver import fault_server

KEY = "sk-test-NOT-A-REAL-KEY-0123456789"
MESSAGES = [{"role": "user", "content": "Hello"}]

CASES = [
    ("401", "auth", "refused the API key"),
    ("404", "model", "does not know the model"),
    ("429", "rate_limit", "in 7 seconds"),
    ("500", "server", "server error (500)"),
    ("context", "context", "longer than model"),
    ("echo", "bad_request", "rejected the request (400)"),
    ("malformed", "malformed", "not a valid OpenAI-compatible reply"),
    ("cut", "cut", "broke off the reply"),
    ("nodone", "incomplete", "without saying the reply was finished"),
    ("empty", "empty", "empty reply"),
    ("slow", "timeout", "did not answer in time"),
]


@pytest.fixture(scope="module")
def server():
    with fault_server() as url:
        yield url


def _backend(url: str, mode: str) -> OpenAIChat:
    return OpenAIChat("fault", api_key=KEY, base_url=f"{url}/{mode}/v1", timeout=1.0, max_retries=0)


@pytest.mark.parametrize(("mode", "kind", "says"), CASES, ids=[c[0] for c in CASES])
def test_each_fault_is_named_with_its_fix_and_never_shows_the_key(server, mode, kind, says):
    with pytest.raises(BackendError) as info:
        "".join(_backend(server, mode).stream(MESSAGES))
    assert info.value.kind == kind, str(info.value)
    assert says in str(info.value)
    assert KEY not in str(info.value) and "NOT-A-REAL-KEY" not in str(info.value)
    assert "has been kept" not in str(info.value)  # the surface says what it kept, not the backend


def test_a_server_that_is_not_there_is_reported_as_unreachable(free_port):
    with pytest.raises(BackendError) as info:
        "".join(
            OpenAIChat("m", api_key=KEY, base_url=f"http://127.0.0.1:{free_port}/v1", max_retries=0).stream(
                MESSAGES
            )
        )
    assert info.value.kind == "connection" and "Is it running?" in str(info.value)


def test_the_happy_path_streams_the_whole_reply(server):
    assert "".join(_backend(server, "ok").stream(MESSAGES)) == "Fair question. Margins, mostly."


@pytest.mark.parametrize("mode", ["cut", "nodone", "empty", "500", "malformed"])
def test_a_failed_reply_is_never_kept_and_the_rehearsal_goes_on_when_it_clears(server, mode):
    r = Rehearsal(load_persona("maria-cfo"), "normal", seed=0, backend=_backend(server, "ok"))
    r.open()
    r.turn("What keeps you up at night?")
    turns, state = len(r.transcript.turns), r.state
    r.backend = _backend(server, mode)
    with pytest.raises(BackendError):
        r.turn("Who do you see as the competition?")
    assert len(r.transcript.turns) == turns and r.state == state  # nothing half-said is remembered
    r.backend = _backend(server, "ok")
    step = r.turn("Who do you see as the competition?")
    assert step.reply == "Fair question. Margins, mostly."
    assert r.transcript.turns[-2].text == "Who do you see as the competition?"


ALL_MODES = [c[0] for c in CASES]


@pytest.mark.parametrize("mode", ALL_MODES)
def test_the_rehearse_page_names_every_fault_and_keeps_the_line(server, mode, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("OPENAI_BASE_URL", f"{server}/{mode}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("COACH_MODEL", "fault")
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    monkeypatch.setenv("COACH_TIMEOUT", "1")
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60).run()
    app.button(key=next(b.key for b in app.button if b.label == "Start rehearsal")).click().run()
    line = "What does a good year look like for you?"
    app.chat_input[0].set_value(line).run()
    says = next(c[2] for c in CASES if c[0] == mode)
    shown = " ".join(e.value.replace("\\", "") for e in app.error)
    assert says in shown and KEY not in shown, shown
    assert app.text_area[0].value == line  # nothing typed is lost
    assert app.session_state["rehearsal"].leader_turn_count == 0  # and nothing half-said is kept


@pytest.mark.parametrize("mode", ALL_MODES)
def test_the_terminal_names_every_fault(server, mode, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from coach.cli import main

    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OPENAI_BASE_URL", f"{server}/{mode}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("COACH_MODEL", "fault")
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    monkeypatch.setenv("COACH_TIMEOUT", "1")
    script = tmp_path / "lines.txt"
    script.write_text("What keeps you up at night?\n")
    out = CliRunner().invoke(main, ["rehearse", "--persona", "maria-cfo", "--script", str(script)])
    says = next(c[2] for c in CASES if c[0] == mode)
    assert out.exit_code == 3 and says in out.stderr, out.output
    assert "Your line was: What keeps you up at night?" in out.stderr
    assert "coach rehearse --resume" in out.output  # the session is kept open to go on with
    assert KEY not in out.output and "Traceback" not in out.output


# The fix a rehearsal needs ("send your line again", "start a new rehearsal") is wrong anywhere else.
CHAT_ONLY = ("Send your line", "rehearsal or branch", "The conversation is now longer")


def _model_env(monkeypatch, server: str, mode: str, data) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(data))
    monkeypatch.setenv("OPENAI_BASE_URL", f"{server}/{mode}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("COACH_MODEL", "fault")
    monkeypatch.setenv("COACH_MAX_RETRIES", "0")
    monkeypatch.setenv("COACH_TIMEOUT", "1")


@pytest.mark.parametrize("mode", ALL_MODES)
def test_the_draft_review_names_every_fault_for_a_draft_and_keeps_the_review(
    server, mode, monkeypatch, tmp_path
):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    _model_env(monkeypatch, server, mode, tmp_path / "data")
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60).run()
    app.switch_page("views/review.py").run()
    draft = "Hi Maria,\n\nActually the outage was the vendor's fault. We should move to the cloud.\n\nSam"
    app.text_area(key="draft_text").set_value(draft)
    app.button(key="review_button").click().run()
    shown = " ".join(w.value.replace("\\", "") for w in app.warning)
    says = next(c[2] for c in CASES if c[0] == mode)
    assert not app.exception and app.metric, "the offline review stands"
    assert says in shown, shown
    assert KEY not in shown and not any(w in shown for w in CHAT_ONLY), shown
    assert app.text_area(key="draft_text").value == draft  # the draft is still there


@pytest.mark.parametrize("mode", ALL_MODES)
def test_the_judge_names_every_fault_keeps_what_it_judged_and_exits_3(server, mode, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from coach.cli import main

    _model_env(monkeypatch, server, mode, tmp_path / "data")
    rows = tmp_path / "rows.csv"
    rows.write_text("id,context,utterance\n1,,What keeps you up at night?\n2,,So margins are the worry.\n")
    out = CliRunner().invoke(main, ["score", str(rows), "--judge"])
    assert out.exit_code == 3, out.output
    assert "The judge failed at row 1" in out.stderr and "use the local scorer" in out.stderr
    assert len([x for x in out.stdout.splitlines() if x.strip()]) == 2  # every row still has a label
    assert KEY not in out.output and "Traceback" not in out.output
    assert not any(w in out.stderr for w in CHAT_ONLY), out.stderr
