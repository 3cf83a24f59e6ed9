"""The behaviour classifier as a user meets it: labels on clear cases, evidence, and bad input."""

from __future__ import annotations

import json
import shutil

import pytest

from coach.errors import CorpusError, InputError
from coach.scoring.behaviours import LABELS, Labelled, classify, classify_batch
from coach.scoring.classifier import ASSET_DIR, GRAMS_DIR, load_scorer
from coach.scoring.features import asks_why_or_how, numbers, question_form

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Eighteen percent two years ago, thirteen now.", {"18", "2", "13"}),
        ("from 18 to 13 percent", {"18", "13"}),
        ("twenty-five, Thirty five and 4.5", {"25", "35", "4.5"}),
        ("twenty one", {"21"}),
        ("the one that broke", set()),  # "one" alone is a pronoun far more often than a figure
        ("someone, fourteenth", set()),
    ],
)
def test_numbers_said_in_words_match_the_same_numbers_in_digits(text, expected):
    assert numbers(text) == expected


def test_a_paraphrase_in_digits_of_figures_said_in_words_is_a_reflection():
    said = (
        "Revenue's up every year. Margin isn't. Eighteen percent two years ago, thirteen now. Diesel ate it."
    )
    line = "So revenue is growing but your margin has been squeezed from 18 to 13 percent by diesel costs."
    assert classify(line, said).label == "reflect"


def test_a_scripted_good_listener_is_labelled_as_it_listened(settings):
    """Every persona, a leader who asks open questions, reflects each answer ("So ...") and sums up
    ("Let me check I've got your world right: ..."): no reflection may be scored as a correction."""
    from coach.counterpart.cards import list_personas
    from coach.rehearsal import start_rehearsal
    from tests.helpers import listen_well

    intended, got = [], []
    for persona in list_personas(settings):
        r = listen_well(start_rehearsal(settings, persona_id=persona.id, seed=0))
        turns = r.transcript.turns
        for i, t in enumerate(turns):
            if t.speaker == "leader":
                question = t.text.rstrip().endswith("?") and not t.text.startswith("Let me check")
                intended.append("question_open" if question else "reflect")
                got.append(classify(t.text, turns[i - 1].text if i else "").label)
    assert len(intended) > 100
    wrong = [(i, g) for i, g in zip(intended, got, strict=True) if i != g]
    assert len(wrong) <= 0.03 * len(intended), wrong
    assert ("reflect", "correct") not in wrong


@pytest.mark.parametrize(
    ("utterance", "asks"),
    [
        # a question that picks up her words is still a question
        ("Six outages since spring, same vendor. What happened?", True),
        ("Slipping how far? What's churn in the small accounts?", True),
        ("Up past the ring road - what have the couriers told you about those routes?", True),
        ("Three people a full week, is it the same three every month or does it rotate", True),
        ("how are the discount airlines able to go 20% under u on short routes", True),
        ("Has any client ever actually made you pay out on that guarantee?", True),
        ("So the bonus rides on cash flow, is that why up-front projects bother you so much?", True),
        ("Nine million on contractors, up from three; what has driven that rise, do you think?", True),
        # a say-back with a rising tone, a tag or a check stays a say-back
        ("So it's the app-based brokers undercutting you, not the big carriers?", False),
        ("So it's the brokers, isn't it?", False),
        ("It sounds like the CRM cost you two reps, is that fair?", False),
        ("So margin is down to thirteen and the board wants no surprises. Have I got that right?", False),
        ("What I'm hearing is that the margin is the problem?", False),
        ("You lose to the bundlers on price, do you think?", False),
        ("When a pickup gets missed, they leave.", False),
        # typed shorthand: no apostrophe, "r u", a question that opens with "ever"
        ("whats on the plant scorecard", True),
        ("hows the night shift holding up", True),
        ("r all the stores making money or is it a few carrying the rest", True),
        ("ever had an IT change shut down a line", True),
        ("Ever since the merger the numbers have been a mess.", False),
        ("Whatsapp is how the drivers reach us.", False),
        # dictated, no punctuation: the question starts after her words
        ("twelve hundred tickets a month how do you even keep up with that", True),
        ("three vendors in two years what did the last one get wrong", True),
        ("the night shift do they get the same training", True),
        ("so you're the one who has to go and explain it to the board every time", False),
        ("so marketing did that last year and it took six months to unpick", False),
        ("right so the problem is that nobody trusts the numbers which is why you rebuild them", False),
    ],
)
def test_the_form_of_a_question_is_read_whatever_words_it_reuses(utterance, asks):
    assert question_form(utterance) is asks


@pytest.mark.parametrize(
    ("context", "utterance"),
    [
        (
            "The board reads three things: fill rate, waste and cost per unit. If cost per unit is up, that's it.",
            "Why does the board start from cost per unit rather than fill rate?",
        ),
        (
            "We refund the month if a delivery slot is missed. Nobody else in the market does that.",
            "Has a customer ever claimed that refund?",
        ),
    ],
)
def test_a_question_about_her_own_words_is_labelled_a_question_not_a_reflection(context, utterance):
    assert classify(utterance, context).label in ("question_open", "question_closed")


def test_a_label_read_another_way_takes_that_labels_cue_and_an_honest_confidence():
    """Where perception settles the label (coach.counterpart.perceive.counted_label), the shown cue is the
    new label's and the confidence is the scorer's for it among the labels left, never the old one's."""
    scored = classify("Has it got any worse since the summer?", "We lost three nurses in a month.")
    other = next(lab for lab in ("question_closed", "question_open") if lab != scored.label)
    moved = scored.read_as(other, "Has it got any worse since the summer?")
    assert moved.label == other and moved.scores == scored.scores
    assert moved.confidence == pytest.approx(scored.scores[other] / (1 - scored.scores[scored.label]))
    assert "question" in moved.evidence.cue
    assert scored.read_as(scored.label, "Has it got any worse since the summer?") is scored
    stored = Labelled("correct", 0.7, scored.evidence)  # a label read back from disk, without its scores
    assert stored.read_as("question_closed", "Has it got any worse?").confidence == pytest.approx(0.3)


@pytest.mark.parametrize(
    "context",
    [
        "Four million out of the network this year. And the three biggest carrier contracts renegotiated.",
        "We lost three nurses in one month.",
        "",
    ],
)
@pytest.mark.parametrize("utterance", ["Why is that?", "How so?", "And why do you think that is?"])
def test_a_why_or_how_question_is_open_whatever_came_before(context, utterance):
    assert classify(utterance, context).label == "question_open"


@pytest.mark.parametrize(
    ("utterance", "why_how"),
    [
        ("Why is that?", True),
        ("So, how does that land with the board?", True),
        ("We lost three nurses - how come?", True),
        ("how do you even manage that many", True),  # dictated, no punctuation
        ("How many people left last year?", False),  # asks for one fact
        ("How long did the close take?", False),
        ("Is it the price, or the terms?", False),
        ("I know why. Do you?", False),  # the asking clause is "do you"
        ("How you handle it matters more than the price.", False),  # a statement, not a question
    ],
)
def test_why_and_how_are_read_from_the_clause_that_asks(utterance, why_how):
    assert asks_why_or_how(utterance) is why_how


@pytest.mark.parametrize(
    ("utterance", "asks"),
    [
        ("shifts run sixteen hours. where does that leave the rota?", True),  # a sentence end kept in one
        ("why the night shift specifically", True),  # dictated, a "why" without its verb
        ("why the board and not the auditors", True),
        ("why we moved is a long story", False),  # a cleft: it tells, it does not ask
        ("Why I'm asking is the renewal.", False),
        ("The rota was redone in March. Is that fair to say?", False),  # a check, not a question
        # a question mark that only echoes her words, then the question without one
        ("four recalls in a year?? what did the retailers say", True),
        ("two vendors gone already?? did anyone review the contracts", True),
        ("Forty stores?? Wow. That is a lot to look after.", False),
        ("six dashboards which ones does the board actually read", True),  # dictated
        ("the one which is what the board reads", False),
    ],
)
def test_a_question_is_found_after_a_loose_sentence_end_or_in_a_bare_why(utterance, asks):
    assert question_form(utterance) is asks


def test_behaviour_models_that_do_not_fit_together_name_the_command_that_rebuilds_them(tmp_path):
    shutil.copytree(ASSET_DIR, tmp_path / "behaviours")
    assert load_scorer(tmp_path / "behaviours").share == pytest.approx(load_scorer().share)
    meta_path = tmp_path / "behaviours" / GRAMS_DIR.name / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps(meta | {"idf": meta["idf"][:10]}), encoding="utf-8")
    with pytest.raises(CorpusError, match="python -m evals.train_behaviours"):
        load_scorer(tmp_path / "behaviours")
    (tmp_path / "behaviours" / GRAMS_DIR.name / "model.npz").unlink()
    with pytest.raises(CorpusError, match="missing or damaged.*python -m evals.train_behaviours"):
        load_scorer(tmp_path / "behaviours")


# Typed or dictated without punctuation, in shorthand or with typos: written for this test.
SHORTHAND = [
    ("our reps cant get quotes out fast enough", "so ur reps r stuck waiting on quotes", "reflect"),
    ("the rollout was a mess from day one", "nah it went live on time tbh", "correct"),
    ("", "thx for makin time today", "other"),
    ("we lost two big accounts last quarter", "wat happened with those two", "question_open"),
]


@pytest.mark.parametrize(("context", "utterance", "expected"), SHORTHAND)
def test_a_line_typed_in_shorthand_gets_the_label_it_would_get_written_out(context, utterance, expected):
    labelled = classify(utterance, context)
    assert labelled.label == expected and not labelled.uncertain, (labelled.label, labelled.confidence)
