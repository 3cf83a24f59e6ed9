"""The counterpart's mind: deterministic rules that decide what the persona does with each leader line.

The engine decides, the voice speaks. State (trust, patience, facts revealed, facts the leader has
described back correctly, asks made) changes by the rules below, from the scorer's label and from
matching the leader's words against the card's facts (coach.matching). Random choice only picks
*which* authored line says a decision, from a seeded RNG, so a seed makes a conversation reproducible.

The rules, in the playbook's terms:
- A fact comes out only when the leader asks about its area; an open question draws it out, a closed one
  gets a short answer unless the fact is freely shared (and never on hard).
- Sensitive facts need trust; trust grows with open questions and accurate reflections.
- Correcting them, pitching or asking for things before they feel understood cost trust and patience,
  and leave them guarded for a turn or two.
- "That's right" comes only from a summary that describes every core fact accurately while trust is high
  enough. A wrong reading is corrected with the card's own correction; a partial one is pointed at what is
  missing; all core facts with too little trust gets "you're right" (agreement meant to end the talk).
- Difficulty changes the starting trust, the trust each fact needs, gains and penalties, patience, how much
  of the world one summary must cover, and how closed questions and corrections are met.

No I/O happens here (the card's fallback lines are read once by coach.counterpart.cards).
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass, field
from typing import Any

from coach.counterpart.cards import DIMENSIONS, Fact, Persona
from coach.errors import InputError
from coach.matching import (
    ACKNOWLEDGE,
    ASK,
    HUMILITY,
    LEADER_CENTRIC,
    OPEN_STEM,
    PITCH,
    REFLECT_STEM,
    ROLE_BREAK,
    SMALL_TALK,
    STRONG_CORRECTION,
    SUMMARY,
    WEAK_CORRECTION,
    Encoder,
    SemanticIndex,
    Text,
    covers,
    is_general,
    misread,
    ranked_areas,
    touches,
)
from coach.scoring.behaviours import Labelled

DIFFICULTIES = ("easy", "normal", "hard")
MOODS = ("guarded", "warming", "open", "irritated")


@dataclass(frozen=True)
class Rules:
    trust_start: float
    gate_offset: float  # added to each sensitive fact's trust gate
    gain: float  # multiplies trust gains
    penalty: float  # multiplies trust and patience costs
    patience: float
    thats_right_trust: float
    summary_min_share: float  # share of core facts one summary must itself describe
    closed_reveals: str  # "any" | "free" (only facts needing no trust) | "none"
    grudge_turns: int  # turns after a correction or pitch in which sensitive facts stay shut
    volunteer_at: float  # trust at which an open question also brings up the next thing on their mind
    praise: float  # how often a good open question gets a word of appreciation before the answer


# volunteer_at above 1 means never: only an easy counterpart brings things up unasked.
RULES: dict[str, Rules] = {
    "easy": Rules(0.40, -0.10, 1.30, 0.70, 10, 0.50, 0.0, "any", 0, 0.50, 0.5),
    "normal": Rules(0.30, 0.00, 1.00, 1.00, 7, 0.60, 0.5, "free", 1, 2.0, 0.3),
    "hard": Rules(0.15, 0.10, 0.75, 1.40, 5, 0.70, 1.0, "none", 2, 2.0, 0.1),
}

# Base trust changes (scaled by the difficulty's gain or penalty).
GAIN = {
    "open_reveal": 0.05,
    "closed_reveal": 0.02,
    "open_nothing": 0.01,
    "reflection": 0.05,
    "summary_fact": 0.03,
    "small_talk": 0.02,
    "humility": 0.04,
    "thats_right": 0.10,
    "ask_after": 0.02,
}
COST = {
    "correction": 0.15,
    "pitch": 0.12,
    "ask_early": 0.12,
    "role_break": 0.05,
    "inform": 0.02,
    "too_many_asks": 0.03,
}
PATIENCE_COST = {
    "correction": 2.0,
    "pitch": 2.0,
    "ask_early": 2.0,
    "role_break": 1.0,
    "inform": 0.5,
    "small_talk": 1.0,
    "interrogation": 1.0,
}
SMALL_TALK_FREE = 2  # this many small-talk turns are welcome
CLOSED_STREAK = 3  # this many closed questions in a row start to feel like an interrogation
SUMMARY_FACTS = 3  # a reflection that describes this many facts at once is a summary, stem or not
MAX_ASKS = 2  # the playbook: one or two concrete asks

_SO_QUESTION = re.compile(
    r"^\s*(so|and|okay|ok|right),?\s+(what|how|why|who|which|when|where|tell|walk)\b", re.I
)
_THANKS_FOR = re.compile(
    r"\b(thanks|thank you) for (making|taking|your|the|meeting|seeing|having|letting)", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_POLITE_OPEN = re.compile(
    r"^\s*(can|could|would|will) you (tell|walk|talk|describe|help me understand|share|explain|take me|"
    r"give me a sense)",
    re.I,
)


@dataclass
class Decision:
    move: str
    line: str
    facts_now: list[Fact]
    state: dict[str, Any]
    trust_delta: float
    reasons: list[str] = field(default_factory=list)


class Engine:
    """One counterpart in one conversation. ``step`` is pure given the seed and the lines so far."""

    def __init__(
        self, persona: Persona, difficulty: str | None = None, seed: int = 0, encoder: Encoder | None = None
    ):
        difficulty = difficulty or persona.difficulty
        if difficulty not in RULES:
            raise InputError(
                f"difficulty {difficulty!r} is not known; choose one of {', '.join(DIFFICULTIES)}."
            )
        self.persona = persona
        self.difficulty = difficulty
        self.seed = seed
        self.rules = RULES[difficulty]
        self.first_name = persona.name.split()[0]
        self._rng = random.Random(seed)
        self._semantic = SemanticIndex(persona, encoder) if encoder is not None else None
        self._s: dict[str, Any] = {
            "trust": self.rules.trust_start,
            "patience": float(self.rules.patience),
            "revealed": [],
            "understood": [],
            "thats_right": False,
            "asks": [],
            "turn": 0,
            "closed": False,
            "small_talk": 0,
            "closed_streak": 0,
            "grudge": 0,
            "last_move": "",
            "used": {},
        }

    # -- public API --------------------------------------------------------------------------
    def opening(self) -> Decision:
        self._s["last_move"] = "open"
        return Decision(
            "open", self._pick("opening", self.persona.lines("opening")), [], self.public_state(), 0.0, []
        )

    def step(self, leader_text: str, labelled: Labelled) -> Decision:
        s = self._s
        s["turn"] += 1
        t = Text.of(leader_text or "")
        before = s["trust"]
        turn = _Turn(t, labelled.label)
        if s["closed"]:
            turn.move, turn.line = "closing", self._pick("closing", self.persona.lines("closing"))
            turn.reasons.append(f"{self.first_name} has run out of patience; the conversation is over.")
        else:
            self._decide(turn)
            if s["grudge"] and turn.move not in ("react_correction", "react_pitch"):
                s["grudge"] -= 1
            self._check_patience(turn)
        s["trust"] = round(min(1.0, max(0.0, s["trust"])), 4)
        s["last_move"] = turn.move
        return Decision(
            turn.move, turn.line, turn.facts, self.public_state(), round(s["trust"] - before, 4), turn.reasons
        )

    def public_state(self) -> dict[str, Any]:
        s = self._s
        return {
            "trust": round(s["trust"], 3),
            "patience": round(s["patience"], 2),
            "patience_max": float(self.rules.patience),
            "revealed": list(s["revealed"]),
            "understood": list(s["understood"]),
            "core": list(self.persona.core),
            "thats_right": s["thats_right"],
            "asks": list(s["asks"]),
            "mood": self._mood(),
            "difficulty": self.difficulty,
            "turn": s["turn"],
            "closed": s["closed"],
        }

    def snapshot(self) -> dict[str, Any]:
        version, internal, gauss = self._rng.getstate()
        return {
            "persona": self.persona.id,
            "difficulty": self.difficulty,
            "seed": self.seed,
            "state": copy.deepcopy(self._s),
            "rng": [version, list(internal), gauss],
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        if snapshot.get("persona") != self.persona.id or snapshot.get("difficulty") != self.difficulty:
            raise InputError(
                f"This snapshot is of {snapshot.get('persona')!r} on {snapshot.get('difficulty')!r}; "
                f"the engine plays {self.persona.id!r} on {self.difficulty!r}. "
                "Restore it into a matching engine."
            )
        self._s = copy.deepcopy(snapshot["state"])
        version, internal, gauss = snapshot["rng"]
        self._rng.setstate((version, tuple(internal), gauss))

    # -- the rules ---------------------------------------------------------------------------
    def _decide(self, turn: _Turn) -> None:
        t, label = turn.text, turn.label
        raw = t.raw.strip()
        sentences = [p for p in _SENTENCE_END.split(raw) if p]
        asked = [p for p in sentences if p.endswith("?")] or sentences[-1:]  # the part that asks
        open_stem = any(
            OPEN_STEM.search(p) or _POLITE_OPEN.search(p) or _SO_QUESTION.search(p) for p in asked
        )
        question = label in ("question_open", "question_closed") or raw.endswith("?") or open_stem
        open_q = label == "question_open" or open_stem
        if ROLE_BREAK.search(raw):
            return self._role_break(turn)
        if self._is_correction(raw, label, open_q, t):
            return self._correction(turn)
        if self._is_reflection(raw, label, t, asks_open=open_stem and raw.endswith("?")):
            return self._reflection(turn)
        if ASK.search(raw) and not (open_q and not LEADER_CENTRIC.search(raw)):
            return self._ask(turn)
        if PITCH.search(raw) and (not question or LEADER_CENTRIC.search(raw)):
            return self._pitch(turn)
        chat = bool(SMALL_TALK.search(raw)) and (not ACKNOWLEDGE.search(raw) or bool(_THANKS_FOR.search(raw)))
        if chat and not ranked_areas(self.persona, t) and not is_general(t):
            return self._small_talk(turn)
        if question:
            return self._question(turn, open_q)
        if chat:
            return self._small_talk(turn)
        if label == "other" or (ACKNOWLEDGE.search(raw) and len(t.stems) <= 8):
            return self._acknowledged(turn)
        return self._inform(turn)

    def _is_correction(self, raw: str, label: str, open_q: bool, t: Text) -> bool:
        """The scorer's label, weighed against the words: an accurate say-back is not a correction."""
        if STRONG_CORRECTION.search(raw):
            return True
        weak = bool(WEAK_CORRECTION.search(raw))
        accurate = any(covers(f, t) and not misread(f, t) for f in self._revealed_facts())
        if label == "correct":
            if open_q and raw.endswith("?"):
                return False
            return weak or not accurate
        return weak and label in ("inform", "reflect", "other") and not accurate

    def _is_reflection(self, raw: str, label: str, t: Text, asks_open: bool) -> bool:
        if SUMMARY.search(raw):
            return True
        if label == "reflect":  # unless it is plainly an open question about something not yet said
            return not asks_open or any(touches(f, t) for f in self._revealed_facts())
        if _SO_QUESTION.search(raw) and raw.endswith("?"):
            return False
        if REFLECT_STEM.search(raw):
            return any(touches(f, t) for f in self._revealed_facts())
        return False

    def _role_break(self, turn: _Turn) -> None:
        turn.move, turn.line = "stay_in_role", self._pick("role_break", self.persona.lines("role_break"))
        self._cost(turn, "role_break", f"stepped outside the conversation; {self.first_name} stays in role")

    def _correction(self, turn: _Turn) -> None:
        turn.move, turn.line = "react_correction", self._pick("correction", self.persona.lines("correction"))
        about = next((f for f in self._revealed_facts() if touches(f, turn.text)), None)
        what = f"corrected {self.first_name} about {about.topic}" if about else f"corrected {self.first_name}"
        self._cost(turn, "correction", what)
        self._s["grudge"] = self.rules.grudge_turns

    def _pitch(self, turn: _Turn) -> None:
        if self._s["thats_right"]:
            turn.move, turn.line = "receptive", self._pick("ask_after", self.persona.lines("ask_after"))
            self._gain(turn, "ask_after", "shared a view after being understood: received well")
            return
        turn.move, turn.line = "react_pitch", self._pick("pitch", self.persona.lines("pitch"))
        self._cost(turn, "pitch", "pitched before showing understanding")
        self._s["grudge"] = self.rules.grudge_turns

    def _ask(self, turn: _Turn) -> None:
        s = self._s
        if not s["thats_right"]:
            turn.move, turn.line = "react_pitch", self._pick("pitch", self.persona.lines("pitch"))
            self._cost(turn, "ask_early", f"asked for something before {self.first_name} felt understood")
            s["grudge"] = self.rules.grudge_turns
            return
        s["asks"].append(turn.text.raw.strip()[:300])
        if len(s["asks"]) <= MAX_ASKS:
            turn.move, turn.line = "acknowledge_ask", self._pick("ask_after", self.persona.lines("ask_after"))
            self._gain(turn, "ask_after", f"made ask {len(s['asks'])} after being understood")
        else:
            turn.move, turn.line = (
                "too_many_asks",
                self._pick("ask_too_many", self.persona.lines("ask_too_many")),
            )
            self._cost(
                turn, "too_many_asks", f"ask {len(s['asks'])}: more than one or two at once dilutes them"
            )

    def _small_talk(self, turn: _Turn) -> None:
        s = self._s
        s["small_talk"] += 1
        if s["small_talk"] <= SMALL_TALK_FREE:
            turn.move, turn.line = "smalltalk", self._pick("small_talk", self.persona.lines("small_talk"))
            self._gain(turn, "small_talk", "a little rapport")
        else:
            turn.move, turn.line = "move_on", self._pick("move_on", self.persona.lines("move_on"))
            self._spend_patience(turn, "small_talk", "more small talk than they have time for")

    def _acknowledged(self, turn: _Turn) -> None:
        """'I see', 'makes sense': the leader is listening; they carry on, nothing gained or lost."""
        turn.move, turn.line = "listen", self._pick("inform", self.persona.lines("inform"))

    def _inform(self, turn: _Turn) -> None:
        if self._s["thats_right"]:
            turn.move, turn.line = "receptive", self._pick("ask_after", self.persona.lines("ask_after"))
            return
        turn.move, turn.line = "listen", self._pick("inform", self.persona.lines("inform"))
        self._cost(turn, "inform", "told rather than asked while still learning their world")

    # -- questions: where facts come out -----------------------------------------------------
    def _question(self, turn: _Turn, open_q: bool) -> None:
        s = self._s
        s["closed_streak"] = 0 if open_q else s["closed_streak"] + 1
        areas = ranked_areas(self.persona, turn.text)
        if not areas and self._semantic is not None:
            found, _ = self._semantic.best_area(turn.text.raw)
            areas = [found] if found else []
        # the first area the question touches that still has something untold; else the best one
        area = next(
            (
                a
                for a in areas
                if any(f.dimension == a and f.id not in s["revealed"] for f in self.persona.facts)
            ),
            areas[0] if areas else None,
        )
        if area is None and open_q and not is_general(turn.text):
            turn.move, turn.line = "deflect", self._pick("deflect", self.persona.lines("deflect"))
            turn.reasons.append(
                f"the question was not about {self.first_name}'s world; ask about the business"
            )
            return None
        if area is None:
            candidates = [f for f in self.persona.facts if f.id not in s["revealed"]] if open_q else []
        else:
            candidates = [f for f in self.persona.facts if f.dimension == area and f.id not in s["revealed"]]
        where = DIMENSIONS[area] if area else "their world in general"
        if area is not None and not candidates:
            return self._repeat(turn, area, open_q)
        if not candidates:
            if open_q:
                return self._repeat(turn, None, open_q)
            turn.move, turn.line = (
                "short_answer",
                self._pick("closed_question", self.persona.lines("closed_question")),
            )
            turn.reasons.append("a closed question that points at nothing in particular gets a short answer")
            return self._interrogation(turn)
        grudge = s["grudge"] > 0
        ready = [f for f in candidates if self._gate(f) <= s["trust"] + 1e-9 and not (grudge and f.trust > 0)]
        if not ready:
            fact = candidates[0]
            turn.move = "guarded"
            lines = fact.guarded or self.persona.lines("guarded")
            turn.line = _fill(
                self._pick(f"guarded:{fact.id}" if fact.guarded else "guarded", lines), topic=fact.topic
            )
            if grudge and fact.trust > 0 and self._gate(fact) <= s["trust"]:
                turn.reasons.append(
                    f"{self.first_name} is still stung by the last turn and keeps {fact.topic} back"
                )
            else:
                turn.reasons.append(
                    f"asked about {fact.topic} before trust was high enough "
                    f"({s['trust']:.2f}, needs {self._gate(fact):.2f}); build trust first"
                )
            return
        fact = ready[0]
        if not open_q and not self._closed_reveals(fact):
            turn.move, turn.line = (
                "short_answer",
                self._pick("closed_question", self.persona.lines("closed_question")),
            )
            turn.reasons.append(
                f"a closed question about {where} got a short answer; an open one draws out more"
            )
            return self._interrogation(turn)
        self._reveal(turn, fact, open_q, broad=area is None)

    def _closed_reveals(self, fact: Fact) -> bool:
        mode = self.rules.closed_reveals
        return mode == "any" or (mode == "free" and fact.trust == 0)

    def _reveal(self, turn: _Turn, fact: Fact, open_q: bool, broad: bool = False) -> None:
        s = self._s
        if open_q and HUMILITY.search(turn.text.raw) and not s.get("humble"):
            s["humble"] = True  # the playbook: asking for help to understand their world earns trust quickly
            self._gain(turn, "humility", "asked for help to understand their world")
        line = self._pick(f"reveal:{fact.id}", fact.reveal)
        if open_q and self._rng.random() < self.rules.praise:
            line = self._pick("open_question", self.persona.lines("open_question")) + " " + line
        turn.move, turn.line, turn.facts = "reveal", line, [fact]
        s["revealed"].append(fact.id)
        if open_q:
            self._gain(turn, "open_reveal", f"an open question drew out {fact.topic}")
            if broad:  # asked about their world as a whole: an easy counterpart at ease says more
                self._volunteer(turn)
        else:
            self._gain(turn, "closed_reveal", f"a closed question drew out {fact.topic}")
            self._interrogation(turn)

    def _volunteer(self, turn: _Turn) -> None:
        """Asked broadly about their world, a trusting counterpart (easy) goes on to the next thing on their
        mind: still an answer to the question asked, so no fact comes out unless its area was asked about."""
        s = self._s
        if s["trust"] + 1e-9 < self.rules.volunteer_at or s["grudge"]:
            return
        nxt = next(
            (f for f in self.persona.facts if f.id not in s["revealed"] and self._gate(f) <= s["trust"]), None
        )
        if nxt is None:
            return
        bridge = self._pick("volunteer", self.persona.lines("volunteer"))
        line = self._pick(f"reveal:{nxt.id}", nxt.reveal)
        turn.line += f" {bridge} {line[:1].lower() + line[1:] if bridge.endswith(',') else line}"
        turn.facts.append(nxt)
        s["revealed"].append(nxt.id)
        turn.reasons.append(f"{self.first_name} is at ease and went on to {nxt.topic} unasked")

    def _repeat(self, turn: _Turn, area: str | None, open_q: bool) -> None:
        s = self._s
        pool = [f for f in self._revealed_facts() if area is None or f.dimension == area]
        if not pool:
            turn.move, turn.line = "deflect", self._pick("deflect", self.persona.lines("deflect"))
            turn.reasons.append(
                f"{self.first_name} has nothing to say about {DIMENSIONS.get(area or '', 'that')}"
            )
            return
        fact = pool[s["turn"] % len(pool)]
        unused = [i for i in range(len(fact.reveal)) if i not in s["used"].get(f"reveal:{fact.id}", [])]
        if unused:
            line = self._pick(f"reveal:{fact.id}", fact.reveal)
        else:
            line = _fill(self._pick("repeat", self.persona.lines("repeat")), topic=fact.topic)
        turn.move, turn.line = "repeat", line
        turn.reasons.append(f"asked again about {fact.topic}, which {self.first_name} has already explained")
        if open_q:
            self._gain(turn, "open_nothing", "an open question, even on known ground")

    def _interrogation(self, turn: _Turn) -> None:
        if self._s["closed_streak"] >= CLOSED_STREAK:
            self._spend_patience(
                turn, "interrogation", "several closed questions in a row feel like an interrogation"
            )

    # -- reflections and summaries: where understanding is shown -----------------------------
    def _reflection(self, turn: _Turn) -> None:
        s, r = self._s, self.rules
        t = turn.text
        revealed = self._revealed_facts()
        core = self.persona.core
        misreads = [(f, p) for f in revealed if (p := misread(f, t))]
        misreads.sort(key=lambda fp: (fp[0].id not in core, revealed.index(fp[0])))
        covered = [f for f in revealed if covers(f, t) and all(f is not m for m, _ in misreads)]
        is_summary = bool(SUMMARY.search(t.raw)) or len(covered) + len(misreads) >= SUMMARY_FACTS
        newly = [f for f in covered if f.id not in s["understood"]]
        for f in newly:
            s["understood"].append(f.id)

        if misreads:
            fact, phrase = misreads[0]
            if fact.id in s["understood"]:
                s["understood"].remove(fact.id)
            turn.move = "correct_summary"
            turn.line = (
                self._pick("inaccurate_summary", self.persona.lines("inaccurate_summary"))
                + " "
                + fact.correction
            )
            turn.reasons.append(
                f'described {fact.topic} as "{phrase}"; {self.first_name} corrected it, '
                "which is normal: fold it in"
            )
            if newly:
                self._gain(
                    turn, "summary_fact", f"described {len(newly)} fact(s) back correctly", times=len(newly)
                )
            return

        if not is_summary:
            if not covered:
                turn.move, turn.line = (
                    "reflect_vague",
                    self._pick("reflect_vague", self.persona.lines("reflect_vague")),
                )
                turn.reasons.append("the reflection did not match anything they have told you yet")
                return
            fact = covered[0]
            turn.move, turn.line = "affirm", self._pick("reflection", self.persona.lines("reflection"))
            if newly:
                self._gain(turn, "reflection", f"reflected {fact.topic} back accurately")
                s["patience"] = min(float(r.patience), s["patience"] + 0.5)
            return

        covered_core = [c for c in core if any(f.id == c for f in covered)]
        missing = [c for c in core if c not in s["understood"]]
        if newly:
            self._gain(
                turn, "summary_fact", f"described {len(newly)} more fact(s) back correctly", times=len(newly)
            )
        if s["thats_right"]:
            turn.move, turn.line = "affirm", self._pick("reflection", self.persona.lines("reflection"))
            return
        if missing:
            first = next((c for c in missing if c in s["revealed"]), missing[0])
            fact = self.persona.fact(first)
            label = fact.topic if first in s["revealed"] else DIMENSIONS[fact.dimension]
            turn.move = "partial_summary"
            turn.line = _fill(
                self._pick("partial_summary", self.persona.lines("partial_summary")), missing=label
            )
            unasked = [c for c in missing if c not in s["revealed"]]
            turn.reasons.append(
                f"the summary left out {len(missing)} of {len(core)} core facts"
                + (f" ({len(unasked)} never asked about)" if unasked else "")
            )
            return
        share = len(covered_core) / len(core)
        if share + 1e-9 < r.summary_min_share:
            left = [self.persona.fact(c) for c in core if c not in covered_core]
            turn.move = "partial_summary"
            turn.line = _fill(
                self._pick("partial_summary", self.persona.lines("partial_summary")), missing=left[0].topic
            )
            turn.reasons.append(
                f"on {self.difficulty}, one summary must describe at least {r.summary_min_share:.0%} "
                "of their world "
                f"together; this one covered {share:.0%}"
            )
            return
        if s["trust"] + 1e-9 < r.thats_right_trust:
            turn.move = "youre_right"
            turn.line = self._pick("premature_agreement", self.persona.lines("premature_agreement"))
            turn.reasons.append(
                f'accurate, but trust is {s["trust"]:.2f} (needs {r.thats_right_trust:.2f}): "you\'re right" '
                'means "let\'s move on"; keep asking and reflecting'
            )
            return
        s["thats_right"] = True
        turn.move, turn.line = (
            "thats_right",
            self._pick("accurate_summary", self.persona.lines("accurate_summary")),
        )
        self._gain(turn, "thats_right", 'described their world back accurately: "that\'s right"')
        s["patience"] = float(r.patience)

    # -- bookkeeping -------------------------------------------------------------------------
    def _gate(self, fact: Fact) -> float:
        if fact.trust <= 0:
            return 0.0
        return min(1.0, max(0.0, fact.trust + self.rules.gate_offset))

    def _gain(self, turn: _Turn, kind: str, why: str, times: int = 1) -> None:
        delta = GAIN[kind] * self.rules.gain * times
        self._s["trust"] += delta
        turn.reasons.append(f"{why}: trust +{delta:.2f}")

    def _cost(self, turn: _Turn, kind: str, why: str) -> None:
        delta = COST[kind] * self.rules.penalty
        self._s["trust"] -= delta
        turn.reasons.append(f"{why}: trust -{delta:.2f}")
        if kind in PATIENCE_COST:
            self._spend_patience(turn, kind, None)

    def _spend_patience(self, turn: _Turn, kind: str, why: str | None) -> None:
        cost = PATIENCE_COST[kind] * self.rules.penalty
        self._s["patience"] = max(0.0, self._s["patience"] - cost)
        if why:
            turn.reasons.append(f"{why}: patience -{cost:.1f}")

    def _check_patience(self, turn: _Turn) -> None:
        s = self._s
        if s["patience"] <= 0 and not s["thats_right"] and not s["closed"]:
            s["closed"] = True
            turn.line = f"{turn.line} {self._pick('closing', self.persona.lines('closing'))}"
            turn.move = "closing"
            turn.reasons.append(f"{self.first_name} ran out of patience and ended the conversation")

    def _revealed_facts(self) -> list[Fact]:
        return [self.persona.fact(i) for i in self._s["revealed"]]

    def _mood(self) -> str:
        s = self._s
        if s["closed"] or s["last_move"] in (
            "react_correction",
            "react_pitch",
            "stay_in_role",
            "too_many_asks",
        ):
            return "irritated"
        if s["patience"] <= self.rules.patience / 3 and not s["thats_right"]:
            return "irritated"
        if s["thats_right"] or s["trust"] >= 0.65:
            return "open"
        if s["trust"] >= 0.4:
            return "warming"
        return "guarded"

    def _pick(self, key: str, options: list[str]) -> str:
        used = self._s["used"].setdefault(key, [])
        fresh = [i for i in range(len(options)) if i not in used]
        if not fresh:
            used.clear()
            fresh = list(range(len(options)))
        i = self._rng.choice(fresh)
        used.append(i)
        return options[i]


def _fill(line: str, **values: str) -> str:
    """Fill a reaction's placeholder; a line that starts with one gets a capital letter."""
    out = line.format(**values)
    return out[:1].upper() + out[1:]


@dataclass
class _Turn:
    text: Text
    label: str
    move: str = ""
    line: str = ""
    facts: list[Fact] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
