"""Every surface reports the same asks, corrections and pitches for the same session.

The engine (what it reacted to), the scorecard, the debrief and the Progress page all read one reading
of each leader line (coach.counterpart.perceive, stored with the turn). Before they shared it, "Could we
agree to run a pilot...?" after "that's right" was a short answer with 0 asks for the engine while the
scorecard and the debrief counted 2, and a newcomer's debrief said "you asked for nothing" after the
live note had said "made ask 1".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.counterpart.cards import list_personas, load_persona
from coach.debrief.feedback import build_debrief
from coach.debrief.progress import progress_rows
from coach.rehearsal import Rehearsal
from coach.scoring.behaviours import recorded_labels
from coach.scoring.scorecard import build_scorecard
from coach.store import sessions
from coach.transcript import Transcript
from coach.vocab import Act
from evals.lines import play_scripted
from tests.helpers import legacy_folder, listen_well

RECORDED = Path(__file__).parent / "data" / "sessions"

ASKS_AFTER = (
    "Could we agree to run a pilot on one lane next quarter?",
    "I'd like you to sponsor it at the planning meeting. Would you be willing to put your name on it?",
)


def _engine_view(r: Rehearsal) -> dict[str, list]:
    """What the engine acted on, turn by turn, from the readings it decided with."""
    asks, corrections, pitches = [], [], []
    understood = False
    for i, turn in r.transcript.leader_turns():
        perceived = turn.meta["perceived"]
        asks += perceived["asks"]
        if perceived["act"] == Act.CORRECTION:
            corrections.append(i)
        if perceived["act"] == Act.PITCH and not understood:
            pitches.append(i)
        understood = understood or bool((turn.state or {}).get("thats_right"))
    assert asks == r.state["asks"], "the engine's state lists the asks it read"
    return {"asks": asks, "corrections": corrections, "pitches": pitches}


def _surfaces(transcript: Transcript, settings) -> dict[str, dict[str, list]]:
    persona = load_persona(transcript.persona)
    card = build_scorecard(transcript, recorded_labels(transcript))
    m = {x.id: x for x in card.measures}
    debrief = build_debrief(transcript, persona)
    kinds = {
        k: [mo.turn for mo in debrief.moments if mo.kind == k] for k in ("correction", "premature_pitch")
    }
    [row] = [r for r in progress_rows(settings) if r["id"] == transcript.meta["id"]]
    return {
        "scorecard": {
            "asks": list(m["concrete_asks"].quotes),
            "corrections": list(m["corrections"].evidence_turns),
            "pitches": list(m["premature_pitches"].evidence_turns),
        },
        "debrief": {
            "asks": [a["quote"] for a in debrief.asks],
            "corrections": kinds["correction"],
            "pitches": kinds["premature_pitch"],
        },
        "progress": {
            "asks": row["concrete_asks"],
            "corrections": row["corrections"],
            "pitches": row["premature_pitches"],
        },
    }


def _check(engine: dict[str, list], transcript: Transcript, settings) -> None:
    views = _surfaces(transcript, settings)
    card = build_scorecard(transcript)  # today's scorer, read with each turn's stored reading
    labelled_correct = [t.turn for t in card.turns if t.label == "correct"]
    assert labelled_correct == engine["corrections"], "the label mix disagrees with the corrections"
    for name in ("scorecard", "debrief"):
        assert views[name] == engine, f"{name} disagrees with the engine"
    assert views["progress"] == {k: len(v) for k, v in engine.items()}, "Progress disagrees with the engine"


def _scripted(persona, kind: str) -> Rehearsal:
    r = Rehearsal(persona, "normal", seed=0)
    r.open()
    if kind == "good_listener_then_asks":
        listen_well(r)
        assert r.state["thats_right"], f"{persona.id}: the scripted listener did not reach that's right"
        for line in ASKS_AFTER:
            r.turn(line)
    elif kind == "corrector":
        play_scripted(r, "corrector")
    elif kind == "pitcher":
        play_scripted(r, "pitcher")
        r.turn("Can you give me a yes on the budget by Friday? I need you to back it.")
    return r


@pytest.mark.parametrize("kind", ["good_listener_then_asks", "corrector", "pitcher"])
@pytest.mark.parametrize("persona_id", [p.id for p in list_personas() if p.shipped])
def test_scripted_sessions_agree_on_every_surface(persona_id, kind, settings):
    r = _scripted(load_persona(persona_id), kind)
    sessions.save(r, settings)
    engine = _engine_view(r)
    if kind == "good_listener_then_asks":
        assert len(engine["asks"]) == 3, (
            engine
        )  # "Could we agree...?" is an ask, and so are both of the second
    _check(engine, r.transcript, settings)


@pytest.mark.parametrize("path", sorted(RECORDED.glob("*.json")), ids=lambda p: p.stem)
def test_recorded_sessions_agree_on_every_surface(path, settings):
    """Sessions kept from free-form rehearsals (lines nobody scripted), replayed as stored."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    session_id = doc["transcript"]["meta"]["id"]
    target = legacy_folder(settings) / f"{session_id}.json"
    target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    r = sessions.load(session_id, settings)
    _check(_engine_view(r), r.transcript, settings)


def test_a_transcript_without_readings_counts_asks_with_the_same_detector(settings):
    """A hand-written transcript has no stored reading: the scorecard reads the same ask cues."""
    t = Transcript.from_dict(
        {
            "persona": "maria-cfo",
            "meta": {"id": "hand"},
            "turns": [
                {"speaker": "counterpart", "text": "Go on."},
                {"speaker": "leader", "text": "Could we agree to run a pilot on one lane next quarter?"},
            ],
        }
    )
    card = build_scorecard(t)
    assert card.measure("concrete_asks").quotes == ["Could we agree to run a pilot on one lane next quarter?"]
