"""The router's second reader: a line's spelling as word and letter n-grams (coach/grams.py)."""

from __future__ import annotations

import numpy as np
import pytest

from coach import grams
from coach.counterpart.cards import load_persona
from coach.counterpart.topics import route


def test_a_line_gives_the_same_row_every_time_whatever_its_case():
    a, b = grams.counts(["Who are your best customers?", "WHO ARE YOUR BEST CUSTOMERS?"])
    assert a.sum() > 0 and np.array_equal(a, b)
    assert np.array_equal(grams.counts(["Who are your best customers?"])[0], a)


def test_a_spelling_no_training_row_used_weighs_nothing():
    seen = grams.counts(["what do you measure", "who are the customers"])
    idf = grams.document_weights(seen)
    assert (idf[seen.sum(axis=0) == 0] == 0).all() and (idf[seen.sum(axis=0) == 1] > 0).all()
    row = grams.weighted(grams.counts(["what do the customers measure"]), idf)[0]
    assert np.isclose(np.linalg.norm(row), 1.0)


def test_a_word_with_a_typo_shares_most_of_its_letters_with_the_word():
    right, typo, other = grams.counts(["customers", "custmers", "competitors"])
    overlap = lambda a, b: np.minimum(a, b).sum() / a.sum()  # noqa: E731
    assert overlap(right, typo) > 2 * overlap(right, other)


@pytest.mark.parametrize(
    ("line", "about"),
    [
        ("who r ur best custmers these days", "customers"),
        ("who r ur main competitrs rn", "competitors"),
        ("how r u measurd at yr end", "measures"),
        ("hw did the last big systm project go", "history"),
    ],
)
def test_a_question_typed_in_shorthand_is_routed_to_what_it_asks(line, about):
    assert route(line, load_persona("maria-cfo")).best_new_topic() == about
