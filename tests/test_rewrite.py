"""Better lines are built from the counterpart's own words, not canned text."""

import pytest

from coach.rephrase import OPEN_FALLBACK, key_sentence, open_question_from, reflection_of, swap_person


@pytest.mark.parametrize(
    "said, expected",
    [
        ("We keep missing our numbers", "you keep missing your numbers"),
        ("You told me your team would deliver", "I told you my team would deliver"),
        ("I'm worried about my board", "you're worried about your board"),
        ("The margins are thin", "The margins are thin"),
    ],
)
def test_swap_person_gives_their_words_back_from_the_leaders_side(said, expected):
    assert swap_person(said) == expected


@pytest.mark.parametrize(
    "their_words, must_contain",
    [
        (
            "Look, our margins dropped four points and the board is asking me why.",
            "your margins dropped four points",
        ),
        (
            "Honestly, I've been burned by two ERP projects that went over budget.",
            "you've been burned by two ERP",
        ),
        (
            "Fine. What do you want? We lost the Hartman account to a cheaper rival last quarter.",
            "you lost the Hartman account",
        ),
    ],
)
def test_reflection_uses_the_most_contentful_sentence_they_said(their_words, must_contain):
    line = reflection_of(their_words)
    assert must_contain in line
    assert line.endswith("?")  # invites correction: "Have I got that right?"


def test_reflection_of_nothing_is_empty():
    assert reflection_of("") == ""
    assert key_sentence("   ") == ""


@pytest.mark.parametrize(
    "closed, expected",
    [
        (
            "Is the budget fixed for this year?",
            "What's your view on whether the budget is fixed for this year?",
        ),
        ("Is the sales team happy?", OPEN_FALLBACK),  # no phrase it can reuse whole: a complete open question
        ("Do you worry about churn in the SMB tier?", "What's your thinking on churn in the SMB tier?"),
        (
            "Would the board support a two-year plan?",
            "What's your view on whether the board would support a two-year plan?",
        ),
        ("Is that a problem?", "What makes that a problem for you?"),
    ],
)
def test_closed_questions_become_open_ones_about_the_same_topic(closed, expected):
    assert open_question_from(closed) == expected
