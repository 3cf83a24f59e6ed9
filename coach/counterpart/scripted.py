"""Scripted leaders that play a persona through the engine: is a card winnable, and only by listening?

    good_listener(persona, difficulty, seed)  open questions in each area, reflections, then a summary
    corrector(persona, ...)                   asks, then contradicts what they hear
    pitcher(persona, ...)                     pitches and asks for things before understanding

Each returns a ``Run``: the turns, whether and when "that's right" came, and the final public state.
Authors use ``check_card`` (the Personas page and ``coach persona check``) to see that a new card can be
won by listening and cannot be won by arguing or selling; the tests and the evals use the same scripts.
Each scripted line carries the label a careful human coder would give it, so the check exercises the
engine's rules, not the scorer's current accuracy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from coach import paths
from coach.counterpart.cards import Persona
from coach.counterpart.engine import DIFFICULTIES, Decision, Engine
from coach.scoring.behaviours import Evidence, Labelled
from coach.vocab import Dimension, vocabulary

QUESTIONS: dict[str, tuple[str, ...]] = {
    d.value: w.scripted_questions for d, w in vocabulary().dimensions.items()
}
NATURAL_QUESTIONS = paths.DATA / "natural_questions.yaml"
OPENER = (
    "I've realised I don't know the business as well as I should. Could you help me understand your world?"
)
GENERAL = "What else should I understand about your world?"
PITCHES = (
    "We should move everything onto a modern cloud platform; it would fix most of these problems.",
    "Our team can automate that with AI. I've got a plan and a roadmap ready.",
    "What you need is a proper data platform. If you fund it, we can deliver it this year.",
    "I'd like you to approve the budget for our modernisation programme.",
)
CORRECTIONS = (
    "Actually, I don't think that's right. From what I've seen it's the other way round.",
    "With respect, that's not the case. The data shows something quite different.",
    "That's not really fair. The real problem is elsewhere, and it wasn't our fault.",
)


def label(name: str) -> Labelled:
    """The label a human coder would give a scripted line."""
    return Labelled(name, 1.0, Evidence("scripted"))


@dataclass
class Run:
    persona: str
    difficulty: str
    script: str
    turns: list[dict[str, Any]] = field(default_factory=list)
    thats_right_turn: int | None = None  # leader turns it took, or None
    final_state: dict[str, Any] = field(default_factory=dict)

    @property
    def reached(self) -> bool:
        return self.thats_right_turn is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "persona": self.persona,
            "difficulty": self.difficulty,
            "script": self.script,
            "thats_right_turn": self.thats_right_turn,
            "turns": len(self.turns),
            "final_trust": self.final_state.get("trust"),
            "final_mood": self.final_state.get("mood"),
            "closed": self.final_state.get("closed"),
        }


class _Driver:
    def __init__(self, persona: Persona, difficulty: str | None, seed: int, script: str, max_turns: int):
        self.persona = persona
        self.engine = Engine(persona, difficulty=difficulty, seed=seed)
        self.engine.opening()
        self.run = Run(persona.id, self.engine.difficulty, script)
        self.max_turns = max_turns

    @property
    def done(self) -> bool:
        s = self.engine.public_state()
        return s["thats_right"] or s["closed"] or len(self.run.turns) >= self.max_turns

    def say(self, text: str, kind: str) -> Decision:
        d = self.engine.respond(text, label(kind))
        self.run.turns.append(
            {
                "leader": text,
                "label": kind,
                "move": d.move,
                "reply": d.line,
                "trust": d.state["trust"],
                "facts": [f.id for f in d.facts_now],
            }
        )
        if d.state["thats_right"] and self.run.thats_right_turn is None:
            self.run.thats_right_turn = len(self.run.turns)
        return d

    def finish(self) -> Run:
        self.run.final_state = self.engine.public_state()
        return self.run


def summary_of(persona: Persona, fact_ids: list[str]) -> str:
    parts = [persona.fact(i).paraphrase for i in fact_ids]
    return "Let me check I've got your world right: " + "; ".join(parts) + ". What am I missing?"


def _dimensions(persona: Persona) -> list[str]:
    out: list[str] = []
    for f in persona.facts:
        if f.dimension not in out:
            out.append(f.dimension)
    return out


def good_listener(
    persona: Persona,
    difficulty: str | None = None,
    seed: int = 0,
    max_turns: int = 80,
    questions: dict[str, tuple[str, ...]] | None = None,
    script: str = "good_listener",
) -> Run:
    """Open questions area by area, a reflection of each thing heard; a summary once the core is heard.
    ``questions`` per dimension (default: the vocabulary's scripted ones, after the playbook's opener)."""
    drv = _Driver(persona, difficulty, seed, script, max_turns)
    asked: Counter[str] = Counter()
    summarised_at = -1  # how many facts were known at the last summary attempt
    if questions is None:
        questions = QUESTIONS
        d = drv.say(OPENER, "question_open")  # the playbook's opener: ask for help to understand their world
        for fact in d.facts_now:
            drv.say(f"So {fact.paraphrase}.", "reflect")

    def try_summary() -> None:
        nonlocal summarised_at
        state = drv.engine.public_state()
        if drv.done or summarised_at == len(state["revealed"]):
            return
        if all(c in state["revealed"] for c in persona.core):
            summarised_at = len(state["revealed"])
            drv.say(summary_of(persona, persona.core), "reflect")

    while not drv.done:
        revealed = set(drv.engine.public_state()["revealed"])
        pending = [
            d
            for d in _dimensions(persona)
            if any(f.dimension == d and f.id not in revealed for f in persona.facts) and asked[d] < 8
        ]
        if not pending:
            summarised_at = -1
            d = drv.say(GENERAL, "question_open")
            for fact in d.facts_now:
                drv.say(f"So {fact.paraphrase}.", "reflect")
            try_summary()
            continue
        for dim in pending:
            told = set(drv.engine.public_state()["revealed"])
            if drv.done:
                break
            if all(f.id in told for f in persona.facts if f.dimension == dim):
                continue  # they already went there unasked
            d = drv.say(questions[dim][asked[dim] % len(questions[dim])], "question_open")
            asked[dim] += 1
            for fact in d.facts_now:
                if not drv.done:
                    drv.say(f"So {fact.paraphrase}.", "reflect")
            try_summary()
    return drv.finish()


@lru_cache(maxsize=1)
def natural_questions() -> dict[str, tuple[str, ...]]:
    """Open questions people wrote, per dimension (coach/data/natural_questions.yaml)."""
    data = yaml.safe_load(NATURAL_QUESTIONS.read_text(encoding="utf-8"))
    return {d.value: tuple(data[d.value]) for d in Dimension}


def natural_listener(
    persona: Persona, difficulty: str | None = None, seed: int = 0, max_turns: int = 80
) -> Run:
    """The good listener asking in other people's words (natural questions, not the card's keywords)."""
    return good_listener(persona, difficulty, seed, max_turns, natural_questions(), "natural_listener")


def corrector(persona: Persona, difficulty: str | None = None, seed: int = 0, max_turns: int = 80) -> Run:
    """Asks about each area, then argues with what they hear; ends with an accurate summary anyway."""
    return _ask_and_interject(
        persona, difficulty, seed, max_turns, "corrector", CORRECTIONS, "correct", False
    )


def pitcher(persona: Persona, difficulty: str | None = None, seed: int = 0, max_turns: int = 80) -> Run:
    """Opens with a pitch, asks a little, pitches after each answer, asks for budget; then summarises."""
    return _ask_and_interject(persona, difficulty, seed, max_turns, "pitcher", PITCHES, "inform", True)


def _ask_and_interject(
    persona: Persona,
    difficulty: str | None,
    seed: int,
    max_turns: int,
    script: str,
    lines: Sequence[str],
    label: str,
    open_with_one: bool,
) -> Run:
    """Ask about each area; after every answer that told something, say the next of ``lines`` (labelled
    ``label``); then three accurate summaries. ``open_with_one`` says the first line before any question."""
    drv = _Driver(persona, difficulty, seed, script, max_turns)
    n = 0
    if open_with_one:
        drv.say(lines[0], label)
        n = 1
    for dim in _dimensions(persona):
        if drv.done:
            break
        d = drv.say(QUESTIONS[dim][0], "question_open")
        if d.facts_now and not drv.done:
            drv.say(lines[n % len(lines)], label)
            n += 1
    for _ in range(3):
        if not drv.done:
            drv.say(summary_of(persona, persona.core), "reflect")
    return drv.finish()


SCRIPTS = {
    "good_listener": good_listener,
    "natural_listener": natural_listener,
    "corrector": corrector,
    "pitcher": pitcher,
}
LISTENERS = ("good_listener", "natural_listener")


def check_card(persona: Persona, seed: int = 0) -> dict[str, Any]:
    """Every script at every difficulty: what an author needs to know before shipping a card."""
    results = {
        name: {d: fn(persona, d, seed).to_dict() for d in DIFFICULTIES} for name, fn in SCRIPTS.items()
    }
    problems = []
    for d in DIFFICULTIES:
        if results["good_listener"][d]["thats_right_turn"] is None:
            problems.append(
                f'a good listener never hears "that\'s right" on {d}; check trust gates and core facts'
                + (" (hard needs about eight facts a listener can earn)" if d == "hard" else "")
            )
        if results["natural_listener"][d]["thats_right_turn"] is None:
            problems.append(
                f'a listener asking natural questions never hears "that\'s right" on {d}; check that each '
                "fact's reveal answers a plain question about its part of their world"
            )
        for bad in ("corrector", "pitcher"):
            if results[bad][d]["thats_right_turn"] is not None:
                problems.append(
                    f'a {bad} reaches "that\'s right" on {d}; the card rewards the wrong behaviour'
                )
    turns = {d: results["good_listener"][d]["thats_right_turn"] for d in DIFFICULTIES}
    if None not in turns.values() and not turns["easy"] < turns["hard"]:
        problems.append(f"hard should take more turns than easy for a good listener; got {turns}")
    return {"persona": persona.id, "results": results, "problems": problems, "ok": not problems}
