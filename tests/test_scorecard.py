"""The session scorecard: each measure, its verdict against its benchmark, and its evidence turns."""

from __future__ import annotations

import json

import pytest

from coach.errors import InputError
from coach.scoring.behaviours import Evidence, Labelled
from coach.scoring.scorecard import _casts_them_as_other, build_scorecard
from coach.transcript import Transcript, Turn


def _lab(label: str) -> Labelled:
    return Labelled(label, 0.9, Evidence("test"))


def _transcript(leader_lines: list[str], states: list[dict | None] | None = None) -> Transcript:
    turns = []
    for n, line in enumerate(leader_lines):
        turns.append(Turn("counterpart", f"Counterpart line number {n} about margins and hiring."))
        turns.append(Turn("leader", line, state=(states[n] if states else None)))
    return Transcript(persona="maria-cfo", turns=turns)


@pytest.mark.parametrize(
    ("labels", "ratio", "verdict"),
    [
        (["reflect", "reflect", "question_open"], 2.0, "good"),
        (["reflect", "question_open"], 1.0, "fair"),
        (["reflect", "question_open", "question_closed", "inform"], 0.5, "needs work"),
        (["inform", "other"], None, "n/a"),
    ],
)
def test_reflection_to_question_ratio_against_mi_benchmarks(labels, ratio, verdict):
    t = _transcript([f"line {i}" for i in range(len(labels))])
    m = build_scorecard(t, [_lab(x) for x in labels]).measure("reflection_ratio")
    assert m.value == ratio
    assert m.verdict == verdict
    assert "1:1 fair, 2:1 good" in m.benchmark
    leader_idx = [i for i, _ in t.leader_turns()]
    assert m.evidence_turns == [
        leader_idx[i] for i, x in enumerate(labels) if x in ("reflect", "question_open", "question_closed")
    ]


@pytest.mark.parametrize(
    ("labels", "share", "verdict"),
    [
        (["question_open"] * 3 + ["question_closed"], 0.75, "good"),
        (["question_open", "question_closed"], 0.5, "fair"),
        (["question_closed", "question_closed", "question_open"], 0.333, "needs work"),
    ],
)
def test_open_question_share(labels, share, verdict):
    t = _transcript(["x"] * len(labels))
    m = build_scorecard(t, [_lab(x) for x in labels]).measure("open_question_share")
    assert m.value == pytest.approx(share, abs=1e-3)
    assert m.verdict == verdict


def test_label_mix_counts_and_shares():
    t = _transcript(["a", "b", "c", "d"])
    m = build_scorecard(t, [_lab(x) for x in ["reflect", "reflect", "inform", "correct"]]).measure(
        "label_mix"
    )
    assert m.value["counts"]["reflect"] == 2
    assert m.value["shares"]["inform"] == 0.25
    assert m.evidence_turns == [1, 3, 5, 7]


def test_corrections_are_quoted_with_the_turn():
    t = _transcript(["Actually, the cloud bill fell this year.", "What matters most to you?"])
    card = build_scorecard(t, [_lab("correct"), _lab("question_open")])
    m = card.measure("corrections")
    assert (m.value, m.verdict, m.evidence_turns) == (1, "fair", [1])
    assert "Actually, the cloud bill fell this year." in m.quotes[0]


def test_talk_balance_is_leader_share_of_words():
    t = Transcript("p", [Turn("counterpart", "one two three four five six"), Turn("leader", "seven eight")])
    m = build_scorecard(t, [_lab("other")]).measure("talk_balance")
    assert m.value == 0.25 and m.verdict == "good"


@pytest.mark.parametrize(
    ("line", "is_ask"),
    [
        ("I'd like us to agree on a joint budget review every quarter.", True),
        ("Could we agree to a two-month pilot?", True),
        ("Would you be willing to sponsor the pilot?", True),
        ("I need one analyst from your team for six weeks.", True),
        ("I need to understand your targets first.", False),
        ("Will you be at the offsite next week?", False),
        ("Will you sponsor the pilot at the steering group?", True),
        ("What keeps you up at night?", False),
        ("If it's useful, I'd like 30 minutes with you before the pack closes on the 14th.", True),
        ("I'd like to sit with the litigation team for a morning next week.", True),
        ("Please inform your shift leaders and confirm.", True),
        ("I'd like some time to think about it.", False),  # not a request of them
        ("I'd like to understand your priorities.", False),
    ],
)
def test_concrete_asks_are_detected(line, is_ask):
    m = build_scorecard(_transcript([line]), [_lab("inform")]).measure("concrete_asks")
    assert (m.value == 1) is is_ask
    if is_ask:
        assert m.quotes == [line] and m.evidence_turns == [1]


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("Honestly, they always change the requirements at the last minute.", True),
        ("You people never read the release notes.", True),
        ("The business just doesn't understand technical debt.", True),
        ("Your team never tells us about launches.", True),
        ("How does your team plan launches?", False),
    ],
)
def test_us_versus_them_language(line, flagged):
    m = build_scorecard(_transcript([line]), [_lab("inform")]).measure("us_vs_them")
    assert (m.value == 1) is flagged
    assert (m.verdict == "good") is (not flagged)


def test_engine_state_gives_coverage_and_thats_right_turn():
    s = {"core": ["margin", "hiring", "audit", "cash"], "trust": 0.5}
    states = [
        dict(s, understood=["margin"], thats_right=False),
        dict(s, understood=["margin", "hiring", "audit"], thats_right=True),
        dict(s, understood=["margin", "hiring", "audit"], thats_right=True),
    ]
    lines = [
        "So margins are the worry.",
        "Hiring and the audit too.",
        "I'd like us to agree a monthly review.",
    ]
    card = build_scorecard(_transcript(lines, states), [_lab("reflect"), _lab("reflect"), _lab("inform")])
    cov = card.measure("understanding_coverage")
    assert cov.value == 0.75 and cov.verdict == "fair" and cov.evidence_turns == [1, 3]
    tr = card.measure("thats_right")
    assert tr.value is True and tr.evidence_turns == [3] and "turn 3" in tr.display
    asks = card.measure("concrete_asks")
    assert asks.verdict == "good"  # the ask came after "that's right"


def test_ask_before_thats_right_is_only_fair():
    states = [{"core": ["a"], "understood": [], "thats_right": False}] * 2
    card = build_scorecard(_transcript(["I'd like us to fund this now.", "ok"], states), [_lab("inform")] * 2)
    assert card.measure("concrete_asks").verdict == "fair"
    assert card.measure("thats_right").verdict == "needs work"


def test_without_engine_state_those_measures_say_so():
    card = build_scorecard(_transcript(["hello"]), [_lab("other")])
    assert card.measure("understanding_coverage").verdict == "n/a"
    assert "no engine state" in card.measure("thats_right").display


def test_every_measure_names_criterion_and_benchmark_and_is_json():
    card = build_scorecard(_transcript(["What keeps you up at night?", "So it's the margins."]))
    d = json.loads(json.dumps(card.to_dict()))
    assert len(d["turns"]) == 2 and d["turns"][0]["label"] == "question_open"
    for m in d["measures"]:
        assert m["criterion"] and m["benchmark"] and m["verdict"] in ("good", "fair", "needs work", "n/a")


def test_stored_labels_are_reclassified():
    t = _transcript(["What keeps you up at night?"])
    t.turns[1].label = "correct"
    assert build_scorecard(t).turns[0].label == "question_open"


def test_wrong_number_of_labels_is_an_error():
    with pytest.raises(InputError, match="1 leader turns"):
        build_scorecard(_transcript(["a"]), [_lab("other"), _lab("other")])


def test_a_say_back_about_a_third_party_is_not_us_versus_them_but_a_jab_at_her_side_is():
    assert not _casts_them_as_other(
        "Right, so the apps have changed what people expect, even if they don't deliver it.", "reflect"
    )
    assert _casts_them_as_other("Honestly, they never tell us what they need until it's late.", "inform")
    assert _casts_them_as_other("So your team always pushes back on our estimates.", "reflect")
