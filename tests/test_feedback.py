"""The debrief: quotes the conversation, builds better lines from it, and cites sections that exist."""

from __future__ import annotations

import json

import pytest

from coach.debrief.export import debrief_json, debrief_markdown
from coach.debrief.feedback import build_debrief, enrich_with_model
from coach.errors import BackendError
from coach.llm import ScriptedChat
from coach.playbook.retrieval import get_section, section_ids
from coach.rehearsal import start_rehearsal
from tests.helpers import listen_well

CORRECTION = "Actually, that's not right. The real problem is that finance starved IT of budget for years."
PITCH = "We should migrate everything to a cloud platform next quarter; I'd like budget for it."


@pytest.fixture
def argued(settings):
    r = start_rehearsal(settings, persona_id="maria-cfo", seed=1)
    r.turn("Who do you see as the competition these days, and how is that changing?")
    r.turn(CORRECTION)
    r.turn(PITCH)
    r.turn("Is the budget fixed for this year?")
    return r


@pytest.fixture
def listened(settings):
    r = start_rehearsal(settings, persona_id="maria-cfo", seed=1)
    listen_well(r)
    r.turn("Given all that, could we agree to review the dispatch system together before planning starts?")
    return r


def test_a_correction_gets_a_better_line_built_from_what_she_had_just_said(argued):
    d = build_debrief(argued.transcript, argued.persona)
    moment = next(m for m in d.moments if m.kind == "correction")
    assert moment.said == CORRECTION
    their_previous = argued.transcript.context_before(moment.turn)
    shared = {w.lower().strip(".,") for w in moment.better.split()} & {
        w.lower().strip(".,") for w in their_previous.split() if len(w) > 4
    }
    assert shared, (moment.better, their_previous)  # built from her words, not canned
    assert moment.cite.section_id == "dont-correct"


def test_a_premature_pitch_is_flagged_and_a_closed_question_gets_an_open_version(argued):
    d = build_debrief(argued.transcript, argued.persona)
    kinds = {m.kind: m for m in d.moments}
    assert kinds["premature_pitch"].said == PITCH
    assert kinds["closed_question"].better == "What's your view on whether the budget is fixed for this year?"


def test_the_debrief_names_what_they_never_learned(argued):
    d = build_debrief(argued.transcript, argued.persona)
    assert "You never learned how they are measured." in d.missed
    assert any(w.dimension == "competitors" and w.status != "missed" for w in d.world)


def test_the_trust_moves_quote_the_turns_that_cost_trust(argued):
    d = build_debrief(argued.transcript, argued.persona)
    assert len(d.trust_moves) <= 3
    assert any(t.said == CORRECTION and t.delta < 0 for t in d.trust_moves)


def test_a_good_rehearsal_reports_thats_right_and_the_ask(listened):
    d = build_debrief(listened.transcript, listened.persona)
    assert d.thats_right["reached"] and d.thats_right["turn"] is not None
    assert any("review the dispatch system" in a["quote"] for a in d.asks)
    assert not [m for m in d.moments if m.kind == "correction"]


@pytest.mark.parametrize("fixture", ["argued", "listened"])
def test_every_citation_exists_in_the_corpus_and_every_advice_cites(fixture, request):
    r = request.getfixturevalue(fixture)
    d = build_debrief(r.transcript, r.persona)
    known = set(section_ids())
    for c in d.citations():
        assert c.section_id in known
        assert c.excerpt and c.excerpt in get_section(c.section_id).text
    assert all(a.cite.section_id in known for a in d.advice)


def test_exports_carry_the_scorecard_quotes_and_sources(argued):
    d = build_debrief(argued.transcript, argued.persona)
    md = debrief_markdown(d)
    assert "## Scorecard" in md and CORRECTION in md and "## Sources" in md
    data = json.loads(debrief_json(d))
    assert data["scorecard"]["measures"] and data["moments"][0]["cite"]["section_id"]


def test_a_model_rewrite_replaces_the_offline_line_when_valid(argued):
    d = build_debrief(argued.transcript, argued.persona)
    turn = next(m.turn for m in d.moments if m.kind == "correction")
    reply = json.dumps(
        {
            "rewrites": [
                {
                    "turn": turn,
                    "better": "So the digital brokers are the threat?",
                    "why": "It gives her view back.",
                }
            ]
        }
    )
    chat = ScriptedChat([reply])
    enrich_with_model(d, argued.transcript, chat)
    moment = next(m for m in d.moments if m.turn == turn)
    assert (moment.better, moment.source) == ("So the digital brokers are the threat?", "model")
    sent = chat.requests[0][1]["content"]
    assert CORRECTION in sent  # the model sees the conversation itself


@pytest.mark.parametrize(
    "reply, note",
    [
        ("I think you did great!", "not valid JSON"),
        (BackendError("down", kind="connection"), "could not write"),
    ],
)
def test_a_bad_model_answer_keeps_the_offline_lines_and_says_so(argued, reply, note):
    d = build_debrief(argued.transcript, argued.persona)
    offline = [m.better for m in d.moments]
    enrich_with_model(d, argued.transcript, ScriptedChat([reply]))
    assert [m.better for m in d.moments] == offline
    assert any(note in n for n in d.notes)


def test_a_correction_after_a_bare_acknowledgement_reflects_what_she_last_said_of_substance(settings):
    r = start_rehearsal(settings, persona_id="maria-cfo", seed=0)
    r.turn("Who do you see as the competition these days, and how is that changing?")
    r.turn("So the app-based brokers are undercutting you on price and picking off small shippers.")
    r.turn(CORRECTION)  # her last line was a bare "Right. Exactly that."-style acknowledgement
    moment = next(m for m in build_debrief(r.transcript, r.persona).moments if m.kind == "correction")
    assert "broker" in moment.their_words.lower(), moment.their_words  # her reveal, not "Exactly that."
    theirs = {w.strip(".,").lower() for w in moment.their_words.split() if len(w) > 4}
    assert len(theirs & {w.strip(".,?").lower() for w in moment.better.split()}) >= 2, moment.better
