"""The 0-100 draft score: seven weighted criteria, each with its points, its evidence and a cited section.

    score_draft(labels) -> (score, [Criterion, ...])

| criterion     | pts | full marks when                                                    | cites           |
|---------------|----:|--------------------------------------------------------------------|-----------------|
| understanding | 25  | two or more claims about their goals, priorities or pressures      | demonstrate-... |
| invites       | 15  | an open question, or an invitation to correct you                  | open-questions  |
| no_correction | 20  | no correcting or blaming sentence (each one costs 10)              | dont-correct    |
| us_vs_them    | 10  | no us-versus-them wording                                          | us-versus-them  |
| concrete_ask  | 15  | one or two concrete asks, made after the understanding part        | concrete-asks   |
| telling       | 10  | at most a third of content sentences tell, pitch, correct or blame | premature-pitch |
| shape         | 5   | opens with their world (not a pitch, complaint or ask), <150 words | draft-messages  |

("demonstrate-..." is demonstrate-understanding.)

The thresholds restate the playbook's order (understand, show it, then one or two asks) as checks a
reader can verify; they are the project's own, tuned on the dev split of evals/data/drafts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from coach.drafts.signals import SentenceLabel
from coach.drafts.understanding import clauses
from coach.scoring.behaviours import UNCERTAIN_BELOW

MAX_WORDS = 150
# Sentences about the writer's side rather than the reader's world.
SELF_FOCUSED = ("telling", "correcting", "blaming")
LONG_WORDS = 250


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    points: int
    max_points: int
    verdict: str  # what happened, in one line
    earned_by: tuple[int, ...] = field(default=())  # sentence indexes that earned points
    lost_by: tuple[int, ...] = field(default=())  # sentence indexes that cost points
    section_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["earned_by"], d["lost_by"] = list(self.earned_by), list(self.lost_by)
        return d


def sure(s: SentenceLabel) -> bool:
    """A label the score may count: the classifier was confident (calibrated: below
    :data:`coach.scoring.behaviours.UNCERTAIN_BELOW` it is right about half the time), or the label rests on a
    cue every surface reads (an ask, blame). An uncertain sentence neither earns nor costs points; the
    review shows it as uncertain and the verdicts say how many were left out."""
    return s.confidence is None or s.confidence >= UNCERTAIN_BELOW or s.label in ("ask", "blaming")


def _idx(labels: list[SentenceLabel], *names: str) -> tuple[int, ...]:
    return tuple(s.index for s in labels if s.kind == "body" and s.label in names and sure(s))


def _unsure(labels: list[SentenceLabel], *names: str) -> str:
    n = sum(1 for s in labels if s.kind == "body" and s.label in names and not sure(s))
    return f" ({n} uncertain sentence{'s' if n > 1 else ''} not counted)" if n else ""


def claims(text: str) -> int:
    """How many claims about their world a goal sentence makes (its clauses, at most two)."""
    return min(2, max(1, len(clauses(text)) - 1))


def _understanding(labels: list[SentenceLabel]) -> Criterion:
    goals = _idx(labels, "their_goals")
    n = sum(claims(s.text) for s in labels if s.index in goals)
    pts = 25 if n >= 2 else 15 if goals else 0
    verdict = (
        f"{len(goals)} sentence{'s' if len(goals) > 1 else ''} describe{'' if len(goals) > 1 else 's'} "
        f"{n} of their goals or pressures"
        if n >= 2
        else "one sentence describes their goals or pressures; a second, on another area, shows more"
        if goals
        else "no sentence describes their goals, priorities or pressures"
    )
    return Criterion(
        "understanding",
        "Shows you understand their priorities",
        pts,
        25,
        verdict,
        goals,
        (),
        "demonstrate-understanding",
    )


def _invites(labels: list[SentenceLabel]) -> Criterion:
    open_q = _idx(labels, "question_open")
    invites = tuple(s.index for s in labels if s.kind == "body" and "invites_correction" in s.flags)
    closed = _idx(labels, "question_closed")
    if open_q:
        return Criterion(
            "invites",
            "Asks about their world or invites correction",
            15,
            15,
            f"{len(open_q)} open question{'s' if len(open_q) > 1 else ''}",
            open_q + invites,
            (),
            "open-questions",
        )
    if invites:
        return Criterion(
            "invites",
            "Asks about their world or invites correction",
            10,
            15,
            "invites correction, but asks no open question",
            invites,
            (),
            "open-questions",
        )
    if closed:
        return Criterion(
            "invites",
            "Asks about their world or invites correction",
            5,
            15,
            "only yes/no questions",
            (),
            closed,
            "open-questions",
        )
    return Criterion(
        "invites",
        "Asks about their world or invites correction",
        0,
        15,
        "no question about their world and no invitation to correct you",
        (),
        (),
        "open-questions",
    )


def _no_correction(labels: list[SentenceLabel]) -> Criterion:
    bad = _idx(labels, "correcting", "blaming")
    pts = max(0, 20 - 10 * len(bad))
    verdict = (
        "no correcting or blaming"
        if not bad
        else f"{len(bad)} sentence{'s' if len(bad) > 1 else ''} correct or blame"
    ) + _unsure(labels, "correcting")
    return Criterion("no_correction", "No correcting or blaming", pts, 20, verdict, (), bad, "dont-correct")


def _us_vs_them(labels: list[SentenceLabel]) -> Criterion:
    bad = tuple(s.index for s in labels if s.kind == "body" and "us_vs_them" in s.flags)
    return Criterion(
        "us_vs_them",
        "No us-versus-them wording",
        0 if bad else 10,
        10,
        "us-versus-them wording" if bad else "none",
        (),
        bad,
        "us-versus-them",
    )


def _concrete_ask(labels: list[SentenceLabel]) -> Criterion:
    asks = _idx(labels, "ask")
    goals = _idx(labels, "their_goals")
    name = "One or two concrete asks, after the understanding"
    if not asks:
        return Criterion("concrete_ask", name, 0, 15, "asks for nothing concrete", (), (), "concrete-asks")
    if len(asks) > 2:
        return Criterion(
            "concrete_ask",
            name,
            5,
            15,
            f"{len(asks)} asks: more than one or two",
            asks[:2],
            asks[2:],
            "concrete-asks",
        )
    if not goals or min(asks) < min(goals):
        why = (
            "the ask comes before any sign you understand their priorities"
            if goals
            else "the ask is not preceded by any sign you understand their priorities"
        )
        return Criterion("concrete_ask", name, 10, 15, why, (), asks, "concrete-asks")
    return Criterion(
        "concrete_ask",
        name,
        15,
        15,
        f"{len(asks)} concrete ask{'s' if len(asks) > 1 else ''}, after the understanding part",
        asks,
        (),
        "concrete-asks",
    )


def _telling(labels: list[SentenceLabel]) -> Criterion:
    content = [s for s in labels if s.kind == "body" and s.label != "other" and sure(s)]
    mine = tuple(s.index for s in content if s.label in SELF_FOCUSED or "pitch" in s.flags)
    share = len(mine) / len(content) if content else 1.0
    pts = 10 if share <= 1 / 3 else 5 if share <= 1 / 2 else 0
    verdict = (
        "no content sentences"
        if not content
        else f"{len(mine)} of {len(content)} content sentences "
        f"are about your side: telling, pitching, correcting or blaming ({share:.0%})"
    )
    return Criterion(
        "telling",
        "Telling and pitching do not dominate",
        pts,
        10,
        verdict,
        (),
        mine if pts < 10 else (),
        "premature-pitch",
    )


def _shape(labels: list[SentenceLabel]) -> Criterion:
    body = [s for s in labels if s.kind == "body"]
    words = sum(len(s.text.split()) for s in body)
    first = next((s for s in body if s.label != "other" and sure(s)), None)
    pts, notes, lost = 0, [], []
    if first is not None and first.label in ("their_goals", "question_open", "question_closed"):
        pts += 3
        notes.append("opens with their world")
    elif first is not None:
        lost.append(first.index)
        notes.append(f"opens with {first.label.replace('_', ' ')}, not their world")
    if words <= MAX_WORDS:
        pts += 2
        notes.append(f"{words} words")
    elif words <= LONG_WORDS:
        pts += 1
        notes.append(f"{words} words: long for a phone screen")
    else:
        notes.append(f"{words} words: too long to read on a phone")
    earned = (first.index,) if first is not None and not lost else ()
    return Criterion(
        "shape",
        "Opens with their world, short enough for a phone",
        pts,
        5,
        "; ".join(notes),
        earned,
        tuple(lost),
        "draft-messages",
    )


CRITERIA = (_understanding, _invites, _no_correction, _us_vs_them, _concrete_ask, _telling, _shape)
assert sum((25, 15, 20, 10, 15, 10, 5)) == 100


def score_draft(labels: list[SentenceLabel]) -> tuple[int, list[Criterion]]:
    """The score (0-100) and the criteria that make it up."""
    criteria = [f(labels) for f in CRITERIA]
    total = sum(c.points for c in criteria)
    assert 0 <= total <= 100 and sum(c.max_points for c in criteria) == 100
    return total, criteria
