"""The session scorecard: listening measures over a whole transcript, each with its criterion and evidence.

    build_scorecard(transcript, labels=None) -> Scorecard

Every leader turn is (re-)classified by coach.scoring.behaviours, even when the transcript already carries a
``label`` (a stored label may come from an older model or from a hand edit; the scorecard should reflect
today's scorer). Pass ``labels`` (one per leader turn, in order) to reuse labels already computed.

Measures and their benchmarks:
- label mix: counts and shares per behaviour;
- reflection-to-question ratio: motivational-interviewing coding benchmarks, 1:1 fair, 2:1 good;
- share of open questions among questions: MITI benchmarks, 50% fair, 70% good;
- corrections, quoted: the playbook asks for none while you demonstrate understanding;
- talk balance (leader's share of words): a listening conversation leaves the counterpart most of the talk;
- concrete asks: one or two clear requests, made after understanding is shown;
- us-versus-them language: none;
- with engine state: understanding coverage (core facts described back) and whether and when the
  counterpart said "that's right".
Guidance is paraphrased from "Winning Together: A Playbook for Aligning Technology & Business"
(DeGrandis, Torres, Hendrickson, Geinert, Fredrick; IT Revolution, 2021).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from coach.counterpart.perceive import LeaderMove, counted_label
from coach.cues import asks as find_asks
from coach.cues import cue, pitches
from coach.errors import InputError
from coach.scoring.behaviours import LABELS, Labelled, classify_batch
from coach.scoring.features import responds_to
from coach.text import sentences, words
from coach.transcript import Transcript
from coach.vocab import Act

Verdict = Literal["good", "fair", "needs work", "n/a"]


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    criterion: str
    value: float | int | bool | dict[str, Any] | None
    display: str
    benchmark: str
    verdict: Verdict
    evidence_turns: list[int] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TurnLabel:
    turn: int  # index into transcript.turns
    text: str
    label: str
    confidence: float
    cue: str
    quoted: str | None
    reading: Reading

    @property
    def is_correction(self) -> bool:
        return self.reading.correction

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Reading:
    """What the leader did in a turn, as every surface counts it: perception's reading when the turn
    carries one (a rehearsal stores it), else the same cues read from the words and the label."""

    correction: bool
    asks: tuple[str, ...]
    pitch: bool
    source: Literal["perceived", "words"]
    act: Act | None = None  # perception's act, when perceived


def _turn_label(i: int, turn: Any, lab: Labelled, transcript: Transcript) -> TurnLabel:
    """One leader turn as every surface counts it: where the rehearsal's perception settled correcting the
    other way from the scorer (LeaderMove.counted_label), its label, so the label mix, the question
    measures and the corrections never disagree."""
    reading = _reading(turn, lab.label)
    if reading.act is not None:
        counted = counted_label(lab.label, reading.act)
        if counted != lab.label:  # the context is read only for a label that moves
            lab = lab.read_as(counted, turn.text, responds_to(turn.text, transcript.theirs_before(i)))
    return TurnLabel(
        i, turn.text, lab.label, round(lab.confidence, 3), lab.evidence.cue, lab.evidence.quoted, reading
    )


def _reading(turn: Any, label: str) -> Reading:
    stored = (turn.meta or {}).get("perceived")
    if isinstance(stored, dict):
        try:
            move = LeaderMove.from_dict(turn.text, stored)
        except (KeyError, TypeError, ValueError):
            move = None
        if move is not None:
            return Reading(move.is_correction, move.asks, move.act.value == "pitch", "perceived", move.act)
    asks = tuple(find_asks(turn.text))
    pitch = label == "inform" and not asks and pitches(turn.text)
    return Reading(label == "correct", asks, pitch, "words")


@dataclass(frozen=True)
class Scorecard:
    persona: str
    measures: list[Measure]
    turns: list[TurnLabel]

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "persona": self.persona,
            "measures": [m.to_dict() for m in self.measures],
            "turns": [t.to_dict() for t in self.turns],
        }


def build_scorecard(transcript: Transcript, labels: Sequence[Labelled] | None = None) -> Scorecard:
    """Score a transcript's leader turns; ``labels`` (one per leader turn) skips re-classification."""
    leader = transcript.leader_turns()
    if labels is None:
        labels = classify_batch(
            [(t.text, responds_to(t.text, transcript.theirs_before(i))) for i, t in leader]
        )
    elif len(labels) != len(leader):
        raise InputError(
            f"got {len(labels)} labels for {len(leader)} leader turns; "
            "pass one label per leader turn or none."
        )
    per_turn = [_turn_label(i, t, lab, transcript) for (i, t), lab in zip(leader, labels, strict=True)]
    states = [(i, t.state) for i, t in enumerate(transcript.turns) if isinstance(t.state, dict)]
    measures = [
        _label_mix(per_turn),
        _reflection_ratio(per_turn),
        _open_share(per_turn),
        _corrections(per_turn),
        _talk_balance(transcript),
        _asks(per_turn, states),
        _pitches(per_turn, states),
        _us_them(per_turn),
    ]
    measures += _engine_measures(states)
    return Scorecard(transcript.persona, measures, per_turn)


def _turns_with(per_turn: list[TurnLabel], *labels: str) -> list[TurnLabel]:
    return [t for t in per_turn if t.label in labels]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _label_mix(per_turn: list[TurnLabel]) -> Measure:
    n = len(per_turn)
    counts = {lab: len(_turns_with(per_turn, lab)) for lab in LABELS}
    shares = {lab: (c / n if n else 0.0) for lab, c in counts.items()}
    display = (
        ", ".join(f"{lab} {c} ({_pct(shares[lab])})" for lab, c in counts.items() if c) or "no leader turns"
    )
    return Measure(
        "label_mix",
        "Behaviours used",
        "Count and share of the leader's turns per behaviour "
        "(reflect, open/closed question, inform, correct, other).",
        {"counts": counts, "shares": {k: round(v, 3) for k, v in shares.items()}, "leader_turns": n},
        display,
        "Listening conversations lean on reflections and open questions.",
        "n/a",
        [t.turn for t in per_turn],
    )


def _reflection_ratio(per_turn: list[TurnLabel]) -> Measure:
    refl = _turns_with(per_turn, "reflect")
    ques = _turns_with(per_turn, "question_open", "question_closed")
    crit = "Reflections divided by questions among the leader's turns."
    bench = "MI coding benchmarks: 1:1 fair, 2:1 good."
    evidence = sorted(t.turn for t in refl + ques)
    if not refl and not ques:
        return Measure(
            "reflection_ratio",
            "Reflection-to-question ratio",
            crit,
            None,
            "no reflections or questions",
            bench,
            "n/a",
            [],
        )
    if not ques:
        return Measure(
            "reflection_ratio",
            "Reflection-to-question ratio",
            crit,
            None,
            f"{_n(len(refl), 'reflection')}, no questions",
            bench,
            "good",
            evidence,
        )
    ratio = len(refl) / len(ques)
    verdict: Verdict = "good" if ratio >= 2 else "fair" if ratio >= 1 else "needs work"
    return Measure(
        "reflection_ratio",
        "Reflection-to-question ratio",
        crit,
        round(ratio, 2),
        f"{ratio:.1f}:1 ({_n(len(refl), 'reflection')}, {_n(len(ques), 'question')})",
        bench,
        verdict,
        evidence,
    )


def _open_share(per_turn: list[TurnLabel]) -> Measure:
    opens = _turns_with(per_turn, "question_open")
    ques = _turns_with(per_turn, "question_open", "question_closed")
    crit = "Open questions as a share of all the leader's questions."
    bench = "MITI benchmarks: 50% fair, 70% good."
    if not ques:
        return Measure(
            "open_question_share", "Open questions", crit, None, "no questions asked", bench, "n/a"
        )
    share = len(opens) / len(ques)
    verdict: Verdict = "good" if share >= 0.7 else "fair" if share >= 0.5 else "needs work"
    return Measure(
        "open_question_share",
        "Open questions",
        crit,
        round(share, 3),
        f"{_pct(share)} ({len(opens)} of {len(ques)} questions)",
        bench,
        verdict,
        [t.turn for t in ques],
        [t.text for t in opens[:3]],
    )


def _corrections(per_turn: list[TurnLabel]) -> Measure:
    corr = [t for t in per_turn if t.is_correction]
    verdict: Verdict = "good" if not corr else "fair" if len(corr) == 1 else "needs work"
    quotes = [t.text if not t.quoted else f"{t.text} (answering: \u201c{t.quoted}\u201d)" for t in corr]
    return Measure(
        "corrections",
        "Corrections",
        "Leader turns that contradict, argue, defend or ask a leading question that argues.",
        len(corr),
        "none" if not corr else f"{len(corr)} correction{'s' if len(corr) > 1 else ''}",
        "The playbook: none while you are showing that you understand their world.",
        verdict,
        [t.turn for t in corr],
        quotes,
    )


def _talk_balance(transcript: Transcript) -> Measure:
    lw = [(i, len(words(t.text))) for i, t in enumerate(transcript.turns) if t.speaker == "leader"]
    cw = sum(len(words(t.text)) for t in transcript.turns if t.speaker == "counterpart")
    total = sum(n for _, n in lw) + cw
    crit = "The leader's share of all words spoken."
    bench = "Listening first: 40% or less good, up to 55% fair."
    if not total:
        return Measure("talk_balance", "Talk balance", crit, None, "no words spoken", bench, "n/a")
    share = sum(n for _, n in lw) / total
    verdict: Verdict = "good" if share <= 0.4 else "fair" if share <= 0.55 else "needs work"
    longest = [i for i, _ in sorted(lw, key=lambda x: -x[1])[:3]]
    return Measure(
        "talk_balance",
        "Talk balance",
        crit,
        round(share, 3),
        f"leader spoke {_pct(share)} of the words",
        bench,
        verdict,
        sorted(longest),
    )


def _thats_right_turn(states: list[tuple[int, dict]]) -> int | None:
    return next((i for i, s in states if s.get("thats_right")), None)


def _asks(per_turn: list[TurnLabel], states: list[tuple[int, dict]]) -> Measure:
    found = [(t.turn, sent) for t in per_turn for sent in t.reading.asks]
    crit = (
        'Concrete requests the leader made ("I\'d like us to...", "Could we agree to..."), one per sentence.'
    )
    bench = "The playbook: one or two concrete asks, made once understanding is shown."
    understood_at = _thats_right_turn(states)
    turns = sorted({i for i, _ in found})
    quotes = [s for _, s in found]
    if not found:
        return Measure("concrete_asks", "Concrete asks", crit, 0, "no concrete ask", bench, "needs work")
    early = [i for i in turns if understood_at is None or i < understood_at] if states else []
    if len(found) > 2:
        verdict: Verdict = "fair"
        display = f"{len(found)} asks - more than one or two"
    elif early:
        verdict = "fair"
        display = f'{len(found)} ask{"s" if len(found) > 1 else ""}, before "that\'s right" was reached'
    else:
        verdict = "good"
        display = f"{len(found)} ask{'s' if len(found) > 1 else ''}"
    return Measure("concrete_asks", "Concrete asks", crit, len(found), display, bench, verdict, turns, quotes)


def _pitches(per_turn: list[TurnLabel], states: list[tuple[int, dict]]) -> Measure:
    understood_at = _thats_right_turn(states)
    early = [t for t in per_turn if t.reading.pitch and (understood_at is None or t.turn < understood_at)]
    verdict: Verdict = "good" if not early else "fair" if len(early) == 1 else "needs work"
    return Measure(
        "premature_pitches",
        "Pitches before understanding",
        "Leader turns that sell a solution or tell them what to do before they feel understood.",
        len(early),
        "none" if not early else f"{len(early)} pitch{'es' if len(early) > 1 else ''}",
        'The playbook: understand first; your view lands better after "that\'s right".',
        verdict,
        [t.turn for t in early],
        [t.text for t in early],
    )


def _us_them(per_turn: list[TurnLabel]) -> Measure:
    hits = []
    for t in per_turn:
        sent = next((s for s in sentences(t.text) if _casts_them_as_other(s, t.label)), None)
        if sent is not None:
            hits.append((t.turn, sent))
    verdict: Verdict = "good" if not hits else "fair" if len(hits) == 1 else "needs work"
    return Measure(
        "us_vs_them",
        "Us-versus-them language",
        'Leader phrases that cast the counterpart\'s side as the other camp ("they always", "you people").',
        len(hits),
        "none" if not hits else f"{len(hits)} turn{'s' if len(hits) > 1 else ''}",
        "The playbook: one team; none.",
        verdict,
        [i for i, _ in hits],
        [s for _, s in hits],
    )


def _casts_them_as_other(sentence: str, label: str) -> bool:
    """The sentence casts someone as the other camp. In a say-back, a bare "they don't..." is about whoever
    she was talking about ("so the apps have changed what people expect, even if they don't deliver"),
    not her side, so there only the other cues count ("you people", "your team always")."""
    hits = [m.group(0).lower() for m in cue("us_them").finditer(sentence)]
    if label == "reflect":
        hits = [h for h in hits if not h.startswith(("they ", "them "))]
    return bool(hits)


def _engine_measures(states: list[tuple[int, dict]]) -> list[Measure]:
    cov_crit = (
        "Core facts of the counterpart's world the leader described back correctly, out of all core facts."
    )
    cov_bench = "80% or more good, 50% fair."
    tr_crit = 'Whether and at which turn the counterpart said "that\'s right" (felt fully understood).'
    tr_bench = 'The playbook: reach "that\'s right" before asking for anything.'
    if not states:
        none = "not recorded: this transcript carries no engine state"
        return [
            Measure(
                "understanding_coverage", "Understanding coverage", cov_crit, None, none, cov_bench, "n/a"
            ),
            Measure("thats_right", '"That\'s right" reached', tr_crit, None, none, tr_bench, "n/a"),
        ]
    core: set[str] = set()
    understood: set[str] = set()
    gained: list[int] = []
    for i, s in states:
        core |= set(s.get("core") or [])
        now = set(s.get("understood") or [])
        if (now - understood) & core:
            gained.append(i)
        understood |= now
    if core:
        cov = len(understood & core) / len(core)
        verdict: Verdict = "good" if cov >= 0.8 else "fair" if cov >= 0.5 else "needs work"
        coverage = Measure(
            "understanding_coverage",
            "Understanding coverage",
            cov_crit,
            round(cov, 3),
            f"{len(understood & core)} of {len(core)} core facts ({_pct(cov)})",
            cov_bench,
            verdict,
            gained,
        )
    else:
        coverage = Measure(
            "understanding_coverage",
            "Understanding coverage",
            cov_crit,
            None,
            "the engine named no core facts",
            cov_bench,
            "n/a",
        )
    at = _thats_right_turn(states)
    if at is None:
        tr = Measure(
            "thats_right", '"That\'s right" reached', tr_crit, False, "not reached", tr_bench, "needs work"
        )
    else:
        tr = Measure(
            "thats_right",
            '"That\'s right" reached',
            tr_crit,
            True,
            f"reached at turn {at}",
            tr_bench,
            "good",
            [at],
        )
    return [coverage, tr]
