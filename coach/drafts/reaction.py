"""How this persona would likely react: a fresh engine reads the draft's sentences in order.

    likely_reaction(persona, labels) -> Reaction(headline, line, mood, trust_start, trust_end, steps)

Each body sentence is one step of ``coach.counterpart.engine.Engine`` (same rules as a rehearsal, fixed seed). The
headline is the step that hurt trust most (a correction, a pitch, an early ask), else the last step. A
step that would reveal a hidden fact is reported by its neutral topic, never by the fact's words: the
leader has not earned them yet.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from coach.counterpart.engine import Engine
from coach.counterpart.perceive import LeaderMove
from coach.drafts.score import sure
from coach.drafts.signals import SentenceLabel
from coach.scoring.behaviours import Evidence, Labelled
from coach.vocab import Act, vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from coach.counterpart.cards import Persona

NOTABLE = 0.05  # a trust change this large (either way) is what the reader would feel
MOVE_NAMES = {m.value: words for m, words in vocabulary().move_reader_sees.items()}


@dataclass(frozen=True)
class Step:
    sentence: int
    move: str
    trust_delta: float
    reasons: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reasons"] = list(self.reasons)
        return d


@dataclass(frozen=True)
class Reaction:
    persona: str
    name: str
    headline: str
    line: str  # the persona's authored line for the headline step (a revealed fact is replaced by its topic)
    move: str
    sentence: int | None  # the sentence that triggered the headline
    mood: str
    trust_start: float
    trust_end: float
    steps: list[Step]
    note: str = ""  # how to read a reaction that is neither warm nor cold

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["steps"] = [s.to_dict() for s in self.steps]
        return d


def _as_labelled(move: LeaderMove, s: SentenceLabel) -> LeaderMove:
    """The draft's sentence label is the reading the simulated reader reacts to (one scorer for every
    surface): a sentence labelled correcting or blaming, with a label the score counts
    (:func:`coach.drafts.score.sure`), is taken as a correction, even with nothing said yet to contradict (a
    message argues with the reader's presumed view), and one that is not is never taken as one. Everything
    else perception read (asks, pitch, what it is about) stands."""
    arguing = s.label in ("correcting", "blaming")
    if arguing and sure(s) and move.act is not Act.CORRECTION:
        return replace(move, act=Act.CORRECTION)
    if not arguing and move.act is Act.CORRECTION:
        return replace(move, act=Act.INFORM)
    return move


def likely_reaction(
    persona: Persona,
    labels: list[SentenceLabel],
    difficulty: str | None = None,
) -> Reaction:
    """Run the draft through a fresh engine for this persona and name the reaction that matters most."""
    # Same engine set-up as a rehearsal (coach.rehearsal): keyword routing, no semantic index.
    engine = Engine(persona, difficulty=difficulty, seed=0)
    first = persona.name.split()[0]
    trust_start = float(engine.public_state()["trust"])
    steps: list[Step] = []
    lines: dict[int, str] = {}
    state = engine.public_state()
    for s in labels:
        if s.kind != "body":
            continue
        labelled = Labelled(s.behaviour or "other", s.confidence or 0.0, Evidence(s.cue))
        d = engine.step(_as_labelled(engine.read(s.text, labelled), s))
        state = d.state
        line = d.line
        if d.facts_now:  # the draft would draw out a hidden fact: name its area, not its content
            topics = ", ".join(f.topic for f in d.facts_now)
            line = f"({first} would likely open up about {topics}.)"
        lines[s.index] = line
        steps.append(Step(s.index, d.move, float(d.trust_delta), tuple(d.reasons)))
        if state.get("closed"):
            break
    if not steps:
        return Reaction(
            persona.id,
            persona.name,
            f"{first} finds nothing to react to.",
            "",
            "none",
            None,
            state.get("mood", ""),
            trust_start,
            trust_start,
            [],
        )
    worst = min(steps, key=lambda st: st.trust_delta)
    best = max(steps, key=lambda st: st.trust_delta)
    head = worst if worst.trust_delta <= -NOTABLE else best if best.trust_delta >= NOTABLE else steps[-1]
    trust_end = float(state["trust"])
    what = MOVE_NAMES.get(head.move, head.move.replace("_", " "))
    change = trust_end - trust_start
    headline = (
        f"{first} {what} (sentence {head.sentence + 1}); trust {trust_start:.2f} -> {trust_end:.2f} "
        f"({'+' if change >= 0 else ''}{change:.2f}), mood {state.get('mood', '?')}."
    )
    note = ""
    if abs(change) < NOTABLE and worst.trust_delta > -NOTABLE:
        note = (
            f"No strong reaction either way. {first} has told you nothing yet that you could reflect back, "
            "so a first message mostly earns the chance to talk; trust grows in the conversation itself."
        )
    return Reaction(
        persona.id,
        persona.name,
        headline,
        lines[head.sentence],
        head.move,
        head.sentence,
        str(state.get("mood", "")),
        trust_start,
        trust_end,
        steps,
        note,
    )
