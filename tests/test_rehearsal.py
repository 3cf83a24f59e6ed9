"""A rehearsal as the app and the CLI drive it: turns, failures that lose nothing, branches, kept sessions."""

from __future__ import annotations

import pytest

from coach.counterpart.cards import load_persona
from coach.errors import BackendError, InputError
from coach.llm import ScriptedChat
from coach.rehearsal import Rehearsal, replay, start_rehearsal
from coach.scoring.features import responds_to
from coach.store import sessions
from coach.transcript import Transcript
from tests.helpers import legacy_folder, listen_well

PERSONA = "maria-cfo"


@pytest.fixture
def rehearsal(settings) -> Rehearsal:
    return start_rehearsal(settings, persona_id=PERSONA, seed=3)


def test_opening_line_comes_from_the_persona(rehearsal):
    first = rehearsal.transcript.turns[0]
    assert first.speaker == "counterpart"
    assert first.text in rehearsal.persona.lines("opening")


def test_a_turn_records_the_label_the_state_and_the_reply(rehearsal):
    step = rehearsal.turn("Who do you see as the competition these days, and how is that changing?")
    leader, reply = rehearsal.transcript.turns[-2:]
    assert (leader.speaker, reply.speaker) == ("leader", "counterpart")
    assert leader.label == "question_open" == step.labelled.label
    assert reply.text == step.reply and step.reply
    assert "competitors-1" in leader.state["revealed"]  # an open question about the area draws the fact out
    assert reply.meta["facts"] == ["competitors-1"]


@pytest.mark.parametrize(
    "bad, problem", [("", "empty"), ("   \n ", "empty"), ("x" * 4001, "4,001 characters")]
)
def test_unusable_lines_are_refused_and_nothing_is_recorded(rehearsal, bad, problem):
    before = len(rehearsal.transcript.turns)
    with pytest.raises(InputError, match=problem):
        rehearsal.turn(bad)
    assert len(rehearsal.transcript.turns) == before


def test_a_model_failure_restores_the_engine_and_the_line_can_be_sent_again(settings):
    chat = ScriptedChat([BackendError("server down", kind="connection"), "Fine. Margins, then."])
    r = Rehearsal(load_persona(PERSONA), "normal", 0, backend=chat)
    r.open()
    engine_before = r.engine.snapshot()
    turns_before = len(r.transcript.turns)
    line = "What does a good year look like for you?"
    with pytest.raises(BackendError):
        r.turn(line)
    assert r.engine.snapshot() == engine_before
    assert len(r.transcript.turns) == turns_before
    step = r.turn(line)  # the same line, resent
    assert step.reply == "Fine. Margins, then."
    assert r.transcript.turns[-2].text == line


def test_same_seed_and_lines_give_the_same_conversation(settings):
    lines = ["Thanks for the time.", "What keeps you up at night?", "Who are your best customers?"]
    runs = []
    for _ in range(2):
        r = start_rehearsal(settings, persona_id=PERSONA, seed=11)
        for line in lines:
            r.turn(line)
        runs.append([t.text for t in r.transcript.turns])
    assert runs[0] == runs[1]


def test_a_good_listener_reaches_thats_right(rehearsal):
    listen_well(rehearsal)
    assert rehearsal.state["thats_right"], [t.text for t in rehearsal.transcript.turns[-4:]]


def test_branching_rewinds_to_the_state_before_that_line(rehearsal):
    rehearsal.turn("What does success look like for you this year?")
    pivot = len(rehearsal.transcript.turns)
    before_pivot = rehearsal.engine.snapshot()
    rehearsal.turn("Actually, you're wrong about the systems: the real problem is the budget you gave us.")
    child = rehearsal.branch(pivot)
    assert [t.text for t in child.transcript.turns] == [t.text for t in rehearsal.transcript.turns[:pivot]]
    assert child.engine.snapshot() == before_pivot
    child.turn("Tell me more about how you're measured.")
    assert child.transcript.turns[pivot].text == "Tell me more about how you're measured."
    assert rehearsal.transcript.turns[pivot].text.startswith("Actually")  # the original is untouched
    assert child.parent == {"id": rehearsal.id, "turn": pivot}


def test_branching_from_a_counterpart_turn_is_refused_with_the_valid_turns(rehearsal):
    rehearsal.turn("What worries you most?")
    with pytest.raises(InputError, match=r"branch from one of turns \[1\]"):
        rehearsal.branch(0)


def test_kept_sessions_reopen_and_go_on(settings, rehearsal):
    rehearsal.turn("What are you measured on this year?")
    sessions.save(rehearsal, settings)
    again = sessions.load(rehearsal.id, settings)
    assert [t.text for t in again.transcript.turns] == [t.text for t in rehearsal.transcript.turns]
    assert again.state == rehearsal.state
    again.turn("How did the last systems project go, from your side?")
    assert again.leader_turn_count == 2
    assert again.branch(1).leader_turn_count == 0  # the engine is replayed from the stored turns


def test_a_damaged_session_file_is_skipped_not_fatal(settings, rehearsal):
    sessions.save(rehearsal, settings)
    (legacy_folder(settings) / "broken.json").write_text("{not json")
    assert [s.id for s in sessions.list_sessions(settings)] == [rehearsal.id]


def test_replay_recovers_engine_state_for_a_plain_transcript():
    persona = load_persona(PERSONA)
    plain = Transcript(PERSONA, [])
    plain.turns = Transcript.from_dict(
        {
            "persona": PERSONA,
            "turns": [
                {
                    "speaker": "leader",
                    "text": "Who do you see as your main competitors, and how is that changing?",
                },
                {"speaker": "counterpart", "text": "(original reply)"},
            ],
        }
    ).turns
    replayed = replay(plain, persona)
    assert replayed.turns[1].state["revealed"] == ["competitors-1"]


def test_a_reply_abandoned_midway_leaves_no_trace_in_the_engine(settings):
    chat = ScriptedChat(["Fine. Margins, then, since you ask."])
    r = Rehearsal(load_persona(PERSONA), "normal", 0, backend=chat)
    r.open()
    before = r.engine.snapshot()
    stream = r.say("Who do you see as the competition these days, and how is that changing?")
    next(stream)  # the page reran after the first chunk
    stream.close()
    assert r.engine.snapshot() == before
    assert r.leader_turn_count == 0


def test_recorded_labels_match_a_fresh_scoring_and_need_every_turn(rehearsal):
    from coach.scoring.behaviours import recorded_labels
    from coach.scoring.scorecard import build_scorecard

    rehearsal.turn("Who do you see as the competition these days, and how is that changing?")
    rehearsal.turn("Actually, the real issue is that finance starved IT for years.")
    stored = recorded_labels(rehearsal.transcript)
    fresh = build_scorecard(rehearsal.transcript).turns  # classified again, read with perception's act
    assert [(s.label, s.evidence.cue) for s in stored] == [(f.label, f.cue) for f in fresh]
    assert stored[1].label == "correct"  # "Actually, the real issue is..." argues, and is counted so
    rehearsal.transcript.turns[1].meta = {}  # a hand-written transcript carries no evidence
    assert recorded_labels(rehearsal.transcript) is None


@pytest.mark.parametrize(
    ("line", "theirs", "expected"),
    [
        ("What keeps you up?", [], ""),
        ("Why is that?", ["Diesel is up a third.", "Margins are thin."], "Margins are thin."),
        # a say-back of what she said two turns ago is read after that turn, then her last words
        (
            "So diesel is up a third and eating the margin.",
            ["Diesel is up a third this year, and it eats our margin.", "I'd rather not go into that."],
            "Diesel is up a third this year, and it eats our margin. I'd rather not go into that.",
        ),
        # a passing word in common is not enough to reach back
        (
            "And the margin?",
            ["Diesel is up a third, and it eats our margin.", "Customers shop on reliability."],
            "Customers shop on reliability.",
        ),
    ],
)
def test_a_line_is_scored_after_what_it_responds_to(line, theirs, expected):
    assert responds_to(line, theirs) == expected


def test_a_plain_question_the_scorer_called_correcting_is_shown_and_counted_as_a_question(settings):
    """The live label, the stored label, the label mix and the corrections read one decision: a question
    that argues nothing is answered as a question, so it is not shown as "correcting" either."""
    from coach.scoring.behaviours import recorded_labels
    from coach.scoring.scorecard import build_scorecard

    r = Rehearsal(load_persona("angela-cno"), "normal", seed=0)
    r.open()
    r.turn("How are the nights going?")
    step = r.turn("Sixteen hours is brutal. Has it got worse since the summer?")
    turn = r.transcript.turns[-2]
    assert turn.meta.get("scorer_label") == "correct", "precondition: pick a line the scorer calls correcting"
    assert turn.meta["perceived"]["act"] == "closed_question"
    assert turn.label == step.labelled.label == "question_closed"
    assert "yes/no" in turn.meta["evidence"]["cue"]
    card = build_scorecard(r.transcript, recorded_labels(r.transcript))
    assert card.measure("label_mix").value["counts"]["correct"] == 0
    assert card.measure("corrections").value == 0
    assert [t.label for t in card.turns] == [t.label for _, t in r.transcript.leader_turns()]
