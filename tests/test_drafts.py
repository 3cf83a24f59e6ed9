"""Draft review: splitting, sentence labels, the score and its criteria, suggestions built from the draft,
the persona's likely reaction, the model rewrite (ScriptedChat), exports, and the dev-split ranking gate."""

from __future__ import annotations

import json

import pytest

from coach.counterpart.cards import load_persona
from coach.drafts.export import review_json, review_markdown
from coach.drafts.review import MAX_DRAFT_CHARS, review_draft
from coach.drafts.rewrite import Rewrite
from coach.drafts.sentences import split_draft
from coach.drafts.signals import label_sentences
from coach.errors import BackendError, InputError
from coach.llm import ScriptedChat
from coach.playbook.retrieval import get_section, section_ids
from coach.sayable import problems

POOR = """Hi Maria,

As I mentioned before, the legacy TMS is a risk and your team keeps changing requirements, which is why we're
late. Actually, the outage last month was caused by the vendor, not us. We should migrate to a modern cloud
platform; it will cut costs and we can automate dispatch. Finance always blocks these investments.

Best,
Sam
"""

GOOD = """Hi Maria,

Before the planning cycle starts, I'd like to make sure I understand your priorities. My understanding is that
protecting margins against the digital brokers is your top concern this year, and that you're measured on
operating ratio. Is that right, or what am I missing?

What would make the planning process easier for you this time?

Could we meet for 30 minutes next Tuesday so I can check my understanding before I bring any proposal?

Thanks,
Sam
"""


@pytest.fixture(scope="module")
def maria():
    return load_persona("maria-cfo")


@pytest.fixture(scope="module")
def encoder():
    from coach.embeddings import local_encoder

    return local_encoder()


# -- splitting -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hi Maria,\n\nI know Q3 is heavy. What matters most?\n\nBest,\nSam",
            [
                ("Hi Maria,", "greeting"),
                ("I know Q3 is heavy.", "body"),
                ("What matters most?", "body"),
                ("Best,", "signoff"),
                ("Sam", "signoff"),
            ],
        ),
        (
            "Costs are up 3.5% vs. plan, e.g. fuel. Can we talk?",
            [("Costs are up 3.5% vs. plan, e.g. fuel.", "body"), ("Can we talk?", "body")],
        ),
        (
            "Two things:\n- Could we meet Tuesday?\n* What matters most to you?",
            [
                ("Two things:", "body"),
                ("Could we meet Tuesday?", "body"),
                ("What matters most to you?", "body"),
            ],
        ),
        (
            "Hey Raj, quick one: your stores keep slipping. Thanks for making time last week.",
            [
                ("Hey Raj,", "greeting"),
                ("quick one: your stores keep slipping.", "body"),
                ("Thanks for making time last week.", "body"),
            ],
        ),
        (
            "Dear Helen,\nThank you for your time.\nKind regards,\nPriya Shah\nCTO",
            [
                ("Dear Helen,", "greeting"),
                ("Thank you for your time.", "body"),
                ("Kind regards,", "signoff"),
                ("Priya Shah", "signoff"),
                ("CTO", "signoff"),
            ],
        ),
    ],
)
def test_split_draft(text, expected):
    assert [(s.text, s.kind) for s in split_draft(text)] == expected


# -- labels --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("Your team keeps changing requirements, which is why we're late.", "blaming"),
        ("Finance always blocks these investments.", "blaming"),
        ("We care about quality; they only care about the deadline.", "correcting"),  # us-versus-them: a flag
        ("Actually, the outage was caused by the vendor, not us.", "correcting"),
        ("That's not what happened with the rollout.", "correcting"),
        ("Could we meet for 30 minutes next Tuesday?", "ask"),
        ("Would you be open to me joining your pipeline review next week?", "ask"),
        ("Could you get your managers to update their pipelines by Friday?", "ask"),
        ("Could you walk me through how the board judges your year?", "question_open"),
        ("My understanding is that churn in the mid-market is your top worry.", "their_goals"),
        ("I know quarter-end is heavy for your team.", "their_goals"),
        ("What would make the planning process easier for you?", "question_open"),
        ("I'd like to hear which of our systems your store teams work around.", "question_open"),
        ("We should migrate to a modern cloud platform and automate dispatch.", "telling"),
        ("Looking forward to Friday.", "other"),
    ],
)
def test_sentence_labels(sentence, label):
    [s] = label_sentences(split_draft(sentence))
    assert s.label == label, (sentence, s)


# -- score and criteria --------------------------------------------------------------------------
def test_poor_draft_scores_far_below_good_one():
    poor, good = review_draft(POOR), review_draft(GOOD)
    assert poor.score + 40 <= good.score, (poor.score, good.score)
    assert poor.score == sum(c.points for c in poor.criteria)
    assert sum(c.max_points for c in poor.criteria) == 100


def test_criteria_name_the_sentences_that_cost_points():
    r = review_draft(POOR)
    by_id = {c.id: c for c in r.criteria}
    texts = {s.index: s.text for s in r.sentences}
    assert any("Finance always blocks" in texts[i] for i in by_id["us_vs_them"].lost_by)
    assert any(texts[i].startswith("Actually") for i in by_id["no_correction"].lost_by)
    assert by_id["concrete_ask"].points == 0 and by_id["understanding"].points == 0


def test_every_cited_section_exists_in_the_corpus():
    known = set(section_ids())
    for r in (review_draft(POOR), review_draft(GOOD)):
        ids = {c.section_id for c in r.criteria} | {s.section_id for s in r.suggestions}
        assert ids <= known, ids - known
        for c in r.citations:
            assert get_section(c.section_id).title == c.title


# -- suggestions: built from the draft, never generic -----------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        POOR,
        GOOD.replace("What would make", "Will"),
        "Maria, we need the $1.2M for the data platform approved by Friday. The numbers are clear.",
    ],
)
def test_suggestions_quote_the_draft_and_offer_whole_sentences(text):
    r = review_draft(text)
    sentences = {s.index: s.text for s in r.sentences}
    assert r.suggestions
    for sg in r.suggestions:
        assert sg.quote == sentences[sg.sentence] and sg.quote in " ".join(text.split()) + " " + text
        assert problems(sg.example) == [], (sg.quote, sg.example)


def test_poor_draft_gets_a_suggestion_for_each_problem():
    r = review_draft(POOR)
    kinds = {s.criterion for s in r.suggestions}
    assert {"no_correction", "understanding", "concrete_ask"} <= kinds
    blame = next(s for s in r.suggestions if "your team keeps" in s.quote)
    # Never "What has been driving changing requirements on your side?": a gerund clause is not a thing.
    assert blame.example.startswith("What has been driving ") and problems(blame.example) == []


def test_good_draft_has_nothing_to_fix():
    r = review_draft(GOOD)
    assert r.score >= 90 and r.suggestions == []
    assert len(r.asks) == 1 and "Tuesday" in r.asks[0].text


# -- persona: understanding by dimension and likely reaction -------------------------------------------
def test_understanding_names_dimensions_never_hidden_facts(maria, encoder):
    r = review_draft(GOOD, persona=maria, encoder=encoder)
    shown = {n.dimension for n in r.understanding.shown}
    assert {"competitors", "financials"} & shown, r.understanding.to_dict()
    assert any(n.core for n in r.understanding.missed)
    out = review_markdown(r) + review_json(r)
    for fact in maria.facts:
        assert fact.statement not in out
        for line in fact.reveal:
            assert line not in out


def test_reaction_reads_a_correction_as_the_card_authored_it(maria, encoder):
    poor = review_draft(POOR, persona=maria, encoder=encoder)
    good = review_draft(GOOD, persona=maria, encoder=encoder)
    assert poor.reaction.move == "react_correction"
    assert poor.reaction.line in maria.reactions.correction
    assert poor.reaction.trust_end < good.reaction.trust_end
    assert poor.reaction.trust_end < poor.reaction.trust_start


# -- the model rewrite -----------------------------------------------------------------------------
def test_rewrite_from_model_is_parsed_and_prompt_holds_no_hidden_fact(maria):
    reply = json.dumps(
        {
            "text": "Hi Maria,\n\nWhat matters most to you this year?\n\nSam",
            "changes": ["Opened with a question about her priorities."],
        }
    )
    chat = ScriptedChat([f"Here you go:\n```json\n{reply}\n```"])
    r = review_draft(POOR, persona=maria, backend=chat)
    assert r.rewrite.rewrite == Rewrite(
        text="Hi Maria,\n\nWhat matters most to you this year?\n\nSam",
        changes=["Opened with a question about her priorities."],
    )
    [request] = chat.requests
    prompt = "\n".join(m["content"] for m in request)
    assert "Finance always blocks these investments." in prompt and "Maria Okafor" in prompt
    assert all(f.statement not in prompt for f in maria.facts)
    assert "Suggested rewrite" in review_markdown(r)


@pytest.mark.parametrize(
    ("reply", "in_error"),
    [
        ("Sure! I would change the opening.", "not valid"),
        ('{"text": "Hi Maria, what matters most?"}', "changes"),
        ('{"text": "", "changes": ["x"]}', "text"),
        (
            BackendError("Cannot reach the model server at http://127.0.0.1:9", kind="connection"),
            "Cannot reach",
        ),
    ],
)
def test_bad_rewrite_is_reported_and_the_offline_review_stands(reply, in_error):
    r = review_draft(POOR, backend=ScriptedChat([reply]))
    assert r.rewrite.rewrite is None and in_error in r.rewrite.error
    assert r.score == review_draft(POOR).score and r.suggestions
    assert in_error in review_markdown(r)


# -- exports and input errors ----------------------------------------------------------------------
def test_json_export_round_trips_the_review(maria, encoder):
    r = review_draft(POOR, persona=maria, encoder=encoder)
    data = json.loads(review_json(r))
    assert data["score"] == r.score
    assert [c["id"] for c in data["criteria"]] == [c.id for c in r.criteria]
    assert data["label_counts"]["blaming"] == 2
    assert data["reaction"]["move"] == "react_correction"
    assert data["persona"]["id"] == "maria-cfo" and "facts" not in data["persona"]
    md = review_markdown(r)
    assert f"**Score: {r.score}/100**" in md and "How Maria Okafor would likely react" in md


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        ("Hi Maria,\n\nBest,\nSam", "no message"),
        ("abc\x00def", "binary"),
        ("x" * (MAX_DRAFT_CHARS + 1), "characters"),
    ],
)
def test_unusable_drafts_raise_input_error(text, message):
    with pytest.raises(InputError, match=message):
        review_draft(text)


# -- the eval gate ---------------------------------------------------------------------------------
def test_dev_split_ranks_good_drafts_above_poor_ones():
    from evals.drafts import evaluate

    r = evaluate("dev")
    assert r.n_good >= 8 and r.n_poor >= 8
    assert r.pairwise_overall >= 0.95, f"pairwise ranking accuracy was {r.pairwise_overall:.1%}"
    assert r.mean_good - r.mean_poor >= 40, f"mean good {r.mean_good:.1f} vs poor {r.mean_poor:.1f}"
