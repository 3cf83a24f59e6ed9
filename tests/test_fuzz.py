"""Property-based fuzzing of every reader of user input: any value gets a clear InputError or a result,
never a traceback and never a hang.

Profiles (tests/conftest.py; pick one with ``HYPOTHESIS_PROFILE=deep``): ``ci`` (the default, 10,100 inputs
in all, ~30 s, the same inputs every run) and ``deep`` (ten times as many, random, for a local soak). Each reader is fed values it was never meant to see:
arbitrary JSON for transcripts, arbitrary text for persona cards, CSVs and leader lines, and sequences of
lines for the engine.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.counterpart.cards import load_persona, parse_persona_yaml
from coach.errors import CoachError, InputError
from coach.rehearsal import Rehearsal, check_line
from coach.scoring.behaviours import classify_batch
from coach.scoring.scorecard import build_scorecard
from coach.textfile import parse_json
from coach.transcript import Transcript

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
KEYS = st.sampled_from(
    ["persona", "turns", "difficulty", "seed", "meta", "speaker", "text", "label", "state"]
)


@st.composite
def transcript_like(draw):
    """Mostly-valid transcripts with one or more fields swapped for something else."""
    doc = {
        "persona": "maria-cfo",
        "turns": [
            {"speaker": "counterpart", "text": "Go on."},
            {"speaker": "leader", "text": "What keeps you up at night?"},
        ],
    }
    for _ in range(draw(st.integers(1, 3))):
        key = draw(KEYS)
        turns = doc.get("turns")
        if key in ("speaker", "text", "label", "state"):
            objects = [t for t in turns if isinstance(t, dict)] if isinstance(turns, list) else []
            if objects:
                objects[draw(st.integers(0, len(objects) - 1))][key] = draw(JSON)
        else:
            doc[key] = draw(JSON)
    return doc


@given(JSON)
def test_any_json_value_is_a_transcript_or_an_input_error(value):
    try:
        Transcript.from_dict(value, source="fuzz.json")
    except InputError as exc:
        assert "fuzz.json" in str(exc)


@given(transcript_like())
def test_a_damaged_transcript_is_scored_or_refused_plainly(doc):
    try:
        t = Transcript.from_dict(doc, source="fuzz.json")
    except InputError:
        return
    build_scorecard(t)  # must not raise for any transcript the schema accepted


@given(st.text(max_size=200))
def test_any_text_parses_as_json_or_says_why(text):
    try:
        parse_json(text, "fuzz.json", "a transcript")
    except InputError as exc:
        assert str(exc).startswith("fuzz.json: ")


def test_deep_nesting_and_huge_numbers_are_refused_plainly():
    for text in ("[" * 100_000 + "]" * 100_000, '{"seed": ' + "9" * 5_000 + "}"):
        with pytest.raises(InputError):
            parse_json(text, "big.json", "a transcript")


@given(st.text(max_size=400))
def test_any_text_as_a_persona_card_is_a_card_or_a_listed_problem(text):
    try:
        parse_persona_yaml(text, source="card.yaml")
    except CoachError as exc:
        assert str(exc).startswith("card.yaml")


@given(st.lists(st.tuples(st.text(max_size=120), st.text(max_size=120)), min_size=1, max_size=4))
@settings(max_examples=800)
def test_any_text_gets_a_label_with_a_confidence(pairs):
    for lab in classify_batch(pairs):
        assert 0.0 <= lab.confidence <= 1.0 and lab.label


@given(st.text(max_size=300))
def test_any_typed_line_is_accepted_or_refused_with_a_reason(text):
    try:
        line = check_line(text)
    except InputError as exc:
        assert "line" in str(exc).lower()
        return
    assert line and "\x1b" not in line and "\x00" not in line


MARIA = load_persona("maria-cfo")


@given(st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=6))
@settings(max_examples=300)
def test_the_engine_answers_any_sequence_of_lines(lines):
    r = Rehearsal(MARIA, "normal", seed=0)
    r.open()
    for text in lines:
        try:
            step = r.turn(text)
        except InputError:
            continue
        assert step.reply.strip()
        if r.ended:
            break
    json.loads(r.transcript.to_json())  # what is kept is always valid JSON


def test_a_yaml_alias_bomb_in_a_card_is_refused_at_once():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(CoachError, match="aliases"):
        parse_persona_yaml("\n".join(lines), source="bomb.yaml")
