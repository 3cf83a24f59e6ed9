"""Better lines are sentences a leader could say: the checker, and every line the coach would show.

The fragments below are the ones a new user met (debrief and draft review, before better lines were built
from whole units); the checker must reject each, accept ordinary sentences, and find no problem in any
line the coach renders over the eval transcripts and drafts (evals/lines.py).
"""

from __future__ import annotations

import pytest

from coach.rephrase import open_question_from, reflection_of
from coach.sayable import noun_phrase_ok, problems
from evals.lines import render


@pytest.mark.parametrize(
    "line",
    [
        "What's your thinking on I ask about the last big systems project? ... hear it from you.?",
        "How would that sounds frustrating fit what you are trying to achieve?",
        "So from where you sit, can't complain. Have I got that right?",
        "Try: How do you see this doesn't?",
        "What has been driving the the numbers on your side?",
        "Could we agree by <date on one next step?",
        "So your margins are down because fuel costs rose , have I got that right?",
        "Before we talk about the, I'd like to check what matters most.",
        "how do you see the close?",
        "What matters most to you about the renewal",
    ],
)
def test_spliced_fragments_are_rejected(line):
    assert problems(line), line


@pytest.mark.parametrize(
    "line",
    [
        "So your margins are down because fuel costs rose. Have I got that right?",
        "What's your view on whether the board would support a two-year plan?",
        "How do you see it, from where you sit?",
        "Could we agree by <date> on one next step?",
        "Before we talk about this, I'd like to check I understand what matters most to you: "
        "<their priority, in their terms>. Have I got that right?",
        "I see, you're stretched.",
        "Yes, we can.",
        "It's late, I know.",
        "Who should I talk to about it?",
        "Is it the price, or the terms?",
    ],
)
def test_ordinary_sentences_pass(line):
    assert problems(line) == [], problems(line)


@pytest.mark.parametrize(
    ("phrase", "ok"),
    [
        ("the month-end close", True),
        ("your renewal numbers", True),
        ("SAP", True),
        ("the 40% increase", True),
        ("I ask about the last", False),
        ("that sounds frustrating", False),
        ("this doesn't", False),
        ("replace the ERP", False),
        ("the current platform reaches end of", False),
        ("that your team's priority", False),
        ("your duty managers hardest", False),
        ("the", False),
    ],
)
def test_only_noun_phrases_fill_a_slot(phrase, ok):
    assert noun_phrase_ok(phrase) is ok


def test_a_fragment_of_their_words_is_never_given_back():
    assert reflection_of("Can't complain.") == ""
    card = "your margins are down because fuel costs rose"
    assert reflection_of("Can't complain.", card) == f"So {card}. Have I got that right?"


def test_a_closed_question_with_nothing_reusable_gets_a_complete_open_one():
    line = open_question_from("Did you catch the match at the weekend?")
    assert problems(line) == [] and line.endswith("?")


def test_every_better_line_over_the_eval_transcripts_and_drafts_is_a_sentence():
    lines = render()
    assert len(lines) >= 200, "the rendering found too few lines to be a test"
    bad = [(x.source, x.line, x.problems) for x in lines if x.problems]
    assert bad == []
