"""CI gates on the understanding evals (python -m evals.understanding), on writers never trained on.

The floors sit below today's figures (README, "Measured") so that noise does not fail CI but a real
regression does; the figures themselves are printed by the eval command.
"""

from __future__ import annotations

import pytest

import evals.understanding as U
from coach.counterpart.cards import list_personas
from evals.train_topics import HELD_OUT_WRITERS, TRAIN_WRITERS

PERSONAS = {p.id: p for p in list_personas() if p.shipped}


def test_held_out_writers_were_never_trained_on():
    assert not set(HELD_OUT_WRITERS) & set(TRAIN_WRITERS)


@pytest.fixture(scope="module")
def questions():
    return U.questions(PERSONAS, list(HELD_OUT_WRITERS))


def test_first_questions_are_answered_on_the_topic_asked(questions):
    rate = questions["first question on the topic asked"]["rate"]
    assert rate >= 0.80, f"first question on topic was {rate:.1%}"


def test_follow_ups_stay_on_the_topic_in_play(questions):
    rate = questions["follow-up stays on the topic"]["rate"]
    assert rate >= 0.90, f"follow-up stayed on topic {rate:.1%}"


def test_a_question_about_another_part_is_not_taken_for_a_follow_up(questions):
    rate = questions[U.NEW_TOPIC]["rate"]
    assert rate >= 0.85, f"a new question with a topic in play was answered on its own part {rate:.1%}"


def test_no_correction_from_a_negated_or_passing_mention():
    by_kind = U.reflections(PERSONAS)["no correction triggered"]["by_kind"]
    for kind in ("negated_wrong", "passing"):
        ok, n = map(int, by_kind[kind].split("/"))
        assert ok == n, f"{n - ok} of {n} {kind} reflections were corrected"


def test_whole_natural_conversations_get_fitting_replies():
    rate = U.conversations(PERSONAS)["reply fits the line"]["rate"]
    assert rate >= 0.78, f"replies fitting the line: {rate:.1%}"


def test_a_natural_listener_reaches_thats_right_with_every_persona_and_the_others_never_do():
    report = U.natural_listener(PERSONAS)
    missed = [run for run, r in report["runs"].items() if not r["reached_at"]]
    assert not missed, f"the natural listener did not reach that's right with {missed}"
    assert report["corrector reached"] == 0 and report["pitcher reached"] == 0
