"""The behaviour classifier as a user meets it: labels on clear cases, evidence, and bad input."""

from __future__ import annotations

import json

import pytest

from coach.behaviours import LABELS, Labelled, classify, classify_batch
from coach.errors import InputError

# Clear cases, written for this test (not in the training or test CSVs).
CLEAR = [
    (
        "Our suppliers keep raising prices and I can't pass it on.",
        "What options have you looked at so far?",
        "question_open",
    ),
    ("The rollout starts in the Leeds branch.", "Is Leeds the first branch to get it?", "question_closed"),
    (
        "We're short of analysts this quarter.",
        "Thanks so much, I really appreciate you making the time.",
        "other",
    ),
    (
        "How long would the data migration take?",
        "It takes about five months: two to clean the data, three to move it region by region.",
        "inform",
    ),
    (
        "IT never delivers anything on time.",
        "I'd push back a little on that. The last four releases all shipped on the planned date.",
        "correct",
    ),
    (
        "Shipping costs have doubled and my margins are gone.",
        "It sounds like the shipping costs have eaten your margins.",
        "reflect",
    ),
    (
        "We should move all our data to one vendor.",
        "Don't you think putting everything with one vendor is a huge risk?",
        "correct",
    ),
]


@pytest.mark.parametrize(("context", "utterance", "expected"), CLEAR)
def test_clear_cases_get_the_expected_label(context, utterance, expected):
    got = classify(utterance, context)
    assert got.label == expected, (got.label, got.evidence.cue, got.scores)
    assert 0.0 < got.confidence <= 1.0
    assert set(got.scores) == set(LABELS)
    assert sum(got.scores.values()) == pytest.approx(1.0, abs=1e-4)


def test_reflection_quotes_the_counterpart_words_it_paraphrases():
    context = "The quarter was fine. What worries me is that churn in the SMB tier doubled since March."
    got = classify("So the churn among your smaller customers has doubled since the spring.", context)
    assert got.label == "reflect"
    assert got.evidence.quoted is not None
    assert "churn in the SMB tier" in got.evidence.quoted
    assert "The quarter was fine" not in got.evidence.quoted


def test_leading_question_cites_its_stem_and_the_claim_it_argues_with():
    got = classify(
        "Don't you think that's a little short-sighted?", "We can cut the security budget in half."
    )
    assert got.label == "correct"
    assert "don't you think" in got.evidence.cue.lower()
    assert got.evidence.quoted == "We can cut the security budget in half."


@pytest.mark.parametrize(
    "utterance",
    [
        "",
        "   \n\t ",
        "x" * 50_000,
        "word " * 10_000,
        "¿Cuál es el mayor problema de su equipo?",
        "🙂🙂🙂",
        "😡",
        "\u200b",
        "!!!???",
        "12345",
    ],
)
def test_bad_or_odd_input_gets_a_label_not_a_crash(utterance):
    got = classify(utterance, "We need to talk about the budget.")
    assert got.label in LABELS
    json.dumps(got.to_dict())  # always serialisable


def test_empty_utterance_is_other_with_a_reason():
    got = classify("   ", "Anything else?")
    assert got.label == "other"
    assert "empty" in got.evidence.cue


@pytest.mark.parametrize(("utterance", "context"), [(3, "x"), ("ok", ["a list"]), (b"bytes", "")])
def test_non_text_input_is_a_clear_error(utterance, context):
    with pytest.raises(InputError, match="must be text"):
        classify(utterance, context)


@pytest.mark.parametrize("item", ["just a string", ("one",), ("a", "b", "c"), 7])
def test_batch_items_must_be_pairs(item):
    with pytest.raises(InputError, match="pass \\(utterance, context\\) pairs"):
        classify_batch([("fine", "ok"), item])


def test_batch_matches_single_calls_and_keeps_order():
    pairs = [(u, c) for c, u, _ in CLEAR] + [("", "Hello")]
    batch = classify_batch(pairs)
    assert [b.label for b in batch] == [classify(u, c).label for u, c in pairs]
    assert all(isinstance(b, Labelled) for b in batch)
    assert classify_batch([]) == []


def test_to_dict_has_the_published_shape():
    d = classify("What keeps you up at night?", "").to_dict()
    assert set(d) == {"label", "confidence", "evidence"}
    assert set(d["evidence"]) == {"cue", "quoted"}
