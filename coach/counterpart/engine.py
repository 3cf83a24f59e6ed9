"""The counterpart's mind: deterministic rules that decide what the persona does with each leader line.

The engine decides, the voice speaks. Perception (coach.counterpart.perceive) reads each leader line into
a LeaderMove; the engine is the policy: from that reading alone, the typed state (trust, patience, facts
revealed, facts the leader has described back correctly, asks made; coach.counterpart.state) changes by
the rules below. Random choice only picks *which* authored line says a decision, from a seeded RNG, so
a seed makes a conversation reproducible.

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
from dataclasses import dataclass, field, replace
from typing import Any

from coach.counterpart.cards import Fact, Persona
from coach.counterpart.meaning import closeness
from coach.counterpart.perceive import LeaderMove, perceive
from coach.counterpart.state import CounterpartState
from coach.errors import InputError
from coach.scoring.behaviours import Labelled
from coach.text import content_words, words
from coach.vocab import Act, Difficulty, Mood, Move, dimension
from coach.vocab import difficulty as parse_difficulty

DIFFICULTIES = tuple(d.value for d in Difficulty)
MOODS = tuple(m.value for m in Mood)


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
RULES: dict[Difficulty, Rules] = {
    Difficulty.EASY: Rules(0.40, -0.10, 1.30, 0.70, 10, 0.50, 0.0, "any", 0, 0.50, 0.5),
    Difficulty.NORMAL: Rules(0.30, 0.00, 1.00, 1.00, 7, 0.60, 0.5, "free", 1, 2.0, 0.3),
    Difficulty.HARD: Rules(0.15, 0.10, 0.75, 1.40, 5, 0.70, 1.0, "none", 2, 2.0, 0.1),
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
    "offer": 0.02,
    "depth": 0.02,
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
MAX_ASKS = 2  # the playbook: one or two concrete asks
OPENING_TURNS = 2  # thanks in the first turns is a greeting
ASK_CHARS = 300  # an ask is remembered to this length
OPENING_WORDS = 3  # praise before an answer is left out when both open with the same words
SPECIFIC_WORDS = 2  # a follow-up with this many content words asks about something in particular
KIND_MARGIN = 0.15  # ... and a line this much closer to its words than any of the kind asked for answers it
ACCEPTED_CHARS = 400  # a say-back she agreed with is remembered to this length ...
ACCEPTED_PER_FACT = 3  # ... and the last three of them per fact


@dataclass
class Decision:
    move: Move
    line: str
    facts_now: list[Fact]
    state: dict[str, Any]
    trust_delta: float
    reasons: list[str] = field(default_factory=list)
    perceived: LeaderMove | None = None  # what the engine read the leader as doing (None for the opening)
    topic: str | None = None  # the dimension the reply is about, when it is about one


class Engine:
    """One counterpart in one conversation: the policy. ``step`` is pure given the seed and the lines so far.

    It decides from perception's reading of each line (coach.counterpart.perceive) over a typed
    :class:`CounterpartState`; it never reads the leader's words itself.
    """

    def __init__(self, persona: Persona, difficulty: str | None = None, seed: int = 0):
        self.persona = persona
        self.difficulty = parse_difficulty(difficulty or persona.difficulty)
        self.seed = seed
        self.rules = RULES[self.difficulty]
        self.first_name = persona.name.split()[0]
        self._rng = random.Random(seed)
        self.state = CounterpartState(trust=self.rules.trust_start, patience=float(self.rules.patience))

    # -- public API --------------------------------------------------------------------------
    def opening(self) -> Decision:
        self.state.last_move = Move.OPEN
        return Decision(
            Move.OPEN, self._pick("opening", self.persona.lines("opening")), [], self.public_state(), 0.0, []
        )

    def read(self, text: str, labelled: Labelled, context: str = "") -> LeaderMove:
        """Perception of one line against what this counterpart has told so far and the topic in play
        (see coach.counterpart.perceive); ``context`` is the counterpart's last line."""
        return perceive(
            text, labelled, self.persona, self.told(), context, self.in_play(), self.state.accepted
        )

    def respond(self, text: str, labelled: Labelled, context: str = "") -> Decision:
        """Perceive one line, then decide: ``step(read(text, labelled, context))``."""
        return self.step(self.read(text, labelled, context))

    def in_play(self) -> Fact | None:
        """The fact the conversation is on: the last one told or followed up."""
        return self.persona.fact(self.state.topic) if self.state.topic else None

    def told(self) -> list[Fact]:
        """The facts revealed so far, in the order they were told (what perception checks a say-back against)."""
        return [self.persona.fact(i) for i in self.state.revealed]

    def step(self, move: LeaderMove) -> Decision:
        s = self.state
        s.turn += 1
        before = s.trust
        turn = _Turn(move)
        if move.asks:
            s.asks.extend(a[:ASK_CHARS] for a in move.asks)
        if s.closed:
            turn.move, turn.line = Move.CLOSING, self._pick("closing", self.persona.lines("closing"))
            turn.reasons.append(f"{self.first_name} has run out of patience; the conversation is over.")
        else:
            self._decide(turn)
            if s.grudge and turn.move not in (Move.REACT_CORRECTION, Move.REACT_PITCH):
                s.grudge -= 1
            self._check_patience(turn)
        s.trust = round(min(1.0, max(0.0, s.trust)), 4)
        s.last_move = turn.move
        return Decision(
            turn.move,
            turn.line,
            turn.facts,
            self.public_state(),
            round(s.trust - before, 4),
            turn.reasons,
            move,
            turn.topic,
        )

    def public_state(self) -> dict[str, Any]:
        s = self.state
        return {
            "trust": round(s.trust, 3),
            "patience": round(s.patience, 2),
            "patience_max": float(self.rules.patience),
            "revealed": list(s.revealed),
            "understood": list(s.understood),
            "core": list(self.persona.core),
            "thats_right": s.thats_right,
            "asks": list(s.asks),
            "mood": self._mood().value,
            "difficulty": self.difficulty.value,
            "turn": s.turn,
            "closed": s.closed,
        }

    def snapshot(self) -> dict[str, Any]:
        version, internal, gauss = self._rng.getstate()
        return {
            "persona": self.persona.id,
            "difficulty": self.difficulty.value,
            "seed": self.seed,
            "state": self.state.to_dict(),
            "rng": [version, list(internal), gauss],
        }

    def restore(self, snapshot: dict[str, Any]) -> None:
        if snapshot.get("persona") != self.persona.id or snapshot.get("difficulty") != self.difficulty:
            raise InputError(
                f"This snapshot is of {snapshot.get('persona')!r} on {snapshot.get('difficulty')!r}; "
                f"the engine plays {self.persona.id!r} on {self.difficulty.value!r}. "
                "Restore it into a matching engine."
            )
        # A copy: the engine goes on to change its lists, and the snapshot may be restored again.
        self.state = CounterpartState.from_dict(copy.deepcopy(snapshot["state"]))
        version, internal, gauss = snapshot["rng"]
        self._rng.setstate((version, tuple(internal), gauss))

    # -- the rules ---------------------------------------------------------------------------
    def _decide(self, turn: _Turn) -> None:
        act = turn.leader.act
        if act is Act.ROLE_BREAK:
            return self._role_break(turn)
        if act is Act.CORRECTION:
            return self._correction(turn)
        if act in (Act.REFLECTION, Act.SUMMARY):
            return self._reflection(turn)
        if act is Act.ASK:
            return self._ask(turn)
        if act is Act.PITCH:
            return self._pitch(turn)
        if act is Act.SMALL_TALK:
            return self._small_talk(turn)
        if act is Act.GREETING:
            return self._greeting(turn)
        if act is Act.THANKS:
            return self._thanks(turn)
        if act in (Act.OPEN_QUESTION, Act.CLOSED_QUESTION):
            return self._question(turn, act is Act.OPEN_QUESTION)
        if act is Act.ACKNOWLEDGE:
            return self._acknowledged(turn)
        return self._inform(turn)

    def _role_break(self, turn: _Turn) -> None:
        turn.move, turn.line = Move.STAY_IN_ROLE, self._pick("role_break", self.persona.lines("role_break"))
        self._cost(turn, "role_break", f"stepped outside the conversation; {self.first_name} stays in role")

    def _correction(self, turn: _Turn) -> None:
        turn.move, turn.line = (
            Move.REACT_CORRECTION,
            self._pick("correction", self.persona.lines("correction")),
        )
        about = self.persona.fact(turn.leader.touched[0]) if turn.leader.touched else None
        what = f"corrected {self.first_name} about {about.topic}" if about else f"corrected {self.first_name}"
        self._cost(turn, "correction", what)
        self.state.grudge = self.rules.grudge_turns

    def _pitch(self, turn: _Turn) -> None:
        if self.state.thats_right:
            turn.move, turn.line = Move.RECEPTIVE, self._pick("ask_after", self.persona.lines("ask_after"))
            self._gain(turn, "ask_after", "shared a view after being understood: received well")
            return
        turn.move, turn.line = Move.REACT_PITCH, self._pick("pitch", self.persona.lines("pitch"))
        self._cost(turn, "pitch", "pitched before showing understanding")
        self.state.grudge = self.rules.grudge_turns

    def _ask(self, turn: _Turn) -> None:
        s = self.state
        if not s.thats_right and turn.leader.offers:
            # what she told you she needs, offered: taken up as such, not as an ask for something of hers
            fact = self.persona.fact(turn.leader.offers[0])
            turn.move, turn.line = (
                Move.OFFER_TAKEN,
                self._pick("offer_taken", self.persona.lines("offer_taken")),
            )
            turn.topic = fact.dimension
            self._gain(turn, "offer", f"offered what {self.first_name} asked for: {fact.topic}")
            return
        if not s.thats_right:
            # the same cost as a pitch, but said as a "not yet" to a request, not as "what are you selling?"
            turn.move, turn.line = Move.REACT_PITCH, self._pick("ask_early", self.persona.lines("ask_early"))
            self._cost(turn, "ask_early", f"asked for something before {self.first_name} felt understood")
            s.grudge = self.rules.grudge_turns
            return
        s.asked_after += 1
        if s.asked_after <= MAX_ASKS:
            turn.move, turn.line = (
                Move.ACKNOWLEDGE_ASK,
                self._pick("ask_after", self.persona.lines("ask_after")),
            )
            self._gain(turn, "ask_after", f"made ask {s.asked_after} after being understood")
        else:
            turn.move, turn.line = (
                Move.TOO_MANY_ASKS,
                self._pick("ask_too_many", self.persona.lines("ask_too_many")),
            )
            self._cost(
                turn, "too_many_asks", f"ask {s.asked_after}: more than one or two at once dilutes them"
            )

    def _small_talk(self, turn: _Turn) -> None:
        s = self.state
        if turn.leader.logistics:  # settled in a sentence; it spends none of their patience for small talk
            turn.move, turn.line = Move.LOGISTICS, self._pick("logistics", self.persona.lines("logistics"))
            return
        s.small_talk += 1
        if s.small_talk <= SMALL_TALK_FREE:
            turn.move, turn.line = Move.SMALLTALK, self._pick("small_talk", self.persona.lines("small_talk"))
            self._gain(turn, "small_talk", "a little rapport")
        else:
            turn.move, turn.line = Move.MOVE_ON, self._pick("move_on", self.persona.lines("move_on"))
            self._spend_patience(turn, "small_talk", "more small talk than they have time for")

    def _greeting(self, turn: _Turn) -> None:
        s = self.state
        s.small_talk += 1
        lines = self.persona.lines("greeting")
        if not turn.leader.how_are_you:  # "Doing alright. How about you?" answers a question not asked
            lines = [line for line in lines if not line.rstrip().endswith("?")] or lines
        key = "greeting" if turn.leader.how_are_you else "greeting_plain"
        turn.move, turn.line = Move.GREETED, self._pick(key, lines)
        if s.small_talk <= SMALL_TALK_FREE:
            self._gain(turn, "small_talk", "a friendly greeting")

    def _thanks(self, turn: _Turn) -> None:
        """Thanks are taken as thanks: no answer to a question nobody asked, nothing lost or given away.
        At the very start ("thanks for making the time") they are a greeting, and answered as one."""
        if self.state.turn <= OPENING_TURNS:
            return self._greeting(turn)
        turn.move, turn.line = Move.THANKED, self._pick("thanks", self.persona.lines("thanks"))

    def _acknowledged(self, turn: _Turn) -> None:
        """'I see', 'makes sense': the leader is listening; they carry on, nothing gained or lost."""
        turn.move, turn.line = Move.LISTEN, self._pick("inform", self.persona.lines("inform"))

    def _inform(self, turn: _Turn) -> None:
        if self.state.thats_right:
            turn.move, turn.line = Move.RECEPTIVE, self._pick("ask_after", self.persona.lines("ask_after"))
            return
        turn.move, turn.line = Move.LISTEN, self._pick("inform", self.persona.lines("inform"))
        self._cost(turn, "inform", "told rather than asked while still learning their world")

    # -- questions: where facts come out -----------------------------------------------------
    def _question(self, turn: _Turn, open_q: bool) -> None:
        s = self.state
        s.closed_streak = 0 if open_q else s.closed_streak + 1
        in_play = self.in_play()
        if turn.leader.about == "followup" and in_play is not None:
            return self._follow_up(turn, in_play, open_q)
        return self._ask_about(turn, open_q)

    def _ask_about(self, turn: _Turn, open_q: bool) -> None:
        """A question about the areas perception read: reveal, guard, repeat or deflect."""
        s = self.state
        areas = list(turn.leader.areas)
        # the first area the question touches that still has something untold; else the best one
        area = next(
            (
                a
                for a in areas
                if any(f.dimension == a and f.id not in s.revealed for f in self.persona.facts)
            ),
            areas[0] if areas else None,
        )
        turn.topic = area
        if area is None and open_q and not turn.leader.general:
            turn.move, turn.line = Move.DEFLECT, self._pick("deflect", self.persona.lines("deflect"))
            turn.reasons.append(
                f"the question was not about {self.first_name}'s world; ask about the business"
            )
            return None
        if area is None:
            candidates = [f for f in self.persona.facts if f.id not in s.revealed] if open_q else []
        else:
            candidates = [f for f in self.persona.facts if f.dimension == area and f.id not in s.revealed]
        where = dimension(area).in_their_voice if area else "their world in general"
        if area is not None and not candidates:
            return self._repeat(turn, area, open_q)
        if not candidates:
            if open_q:
                return self._repeat(turn, None, open_q)
            turn.move, turn.line = (
                Move.SHORT_ANSWER,
                self._short_answer(turn),
            )
            turn.reasons.append("a closed question that points at nothing in particular gets a short answer")
            return self._interrogation(turn)
        grudge = s.grudge > 0
        ready = [f for f in candidates if self.gate(f) <= s.trust + 1e-9 and not (grudge and f.trust > 0)]
        if not ready:
            fact = candidates[0]
            again = s.last_move == Move.GUARDED and s.topic == fact.id  # kept back last turn too
            s.topic, turn.topic = fact.id, fact.dimension  # what they asked about is in play, told or not
            turn.move = Move.GUARDED
            # her own words for keeping this back, until she has said them all and is asked again straight
            # after: then the persona's general ones ("I have my priorities..." four times running is no person)
            own = f"guarded:{fact.id}"
            spent = len(set(s.used.get(own, []))) >= len(fact.guarded)
            key, lines = (own, fact.guarded) if fact.guarded and not (again and spent) else ("guarded", [])
            turn.line = _fill(self._pick(key, lines or self.persona.lines("guarded")), topic=fact.own_topic)
            if grudge and fact.trust > 0 and self.gate(fact) <= s.trust:
                turn.reasons.append(
                    f"{self.first_name} is still stung by the last turn and keeps {fact.topic} back"
                )
            else:
                turn.reasons.append(
                    f"asked about {fact.topic} before trust was high enough "
                    f"({s.trust:.2f}, needs {self.gate(fact):.2f}); build trust first"
                )
            return
        if area is None and turn.leader.leans:
            # about their world in general: what is top of mind (the card's order), unless the question
            # leans towards a part ("what would make this year a good one for you, in the big picture?")
            ready.sort(key=lambda f: f.dimension not in turn.leader.leans)
        fact = ready[0]
        if not open_q and not self._closed_reveals(fact):
            s.topic = fact.id  # the short answer was about it: "which one has the least slack?" follows it up
            turn.move, turn.line = (
                Move.SHORT_ANSWER,
                self._short_answer(turn),
            )
            turn.reasons.append(
                f"a closed question about {where} got a short answer; an open one draws out more"
            )
            return self._interrogation(turn)
        self._reveal(turn, fact, open_q, broad=area is None)

    def _follow_up(self, turn: _Turn, fact: Fact, open_q: bool) -> None:
        """A follow-up on the fact in play draws more of it (its depth lines, what was asked for first);
        when all is said, they say so in their own words. A fact not yet told stays behind its gate."""
        s = self.state
        turn.topic = fact.dimension
        if fact.id not in s.revealed:
            turn.leader = replace(turn.leader, about=fact.dimension, areas=(fact.dimension,))
            return self._ask_about(turn, open_q)  # the streak was counted once, in _question
        if not open_q and self.rules.closed_reveals == "none":
            turn.move, turn.line = (
                Move.SHORT_ANSWER,
                self._short_answer(turn),
            )
            turn.reasons.append(f"a yes/no follow-up on {fact.topic} got a short answer; ask why or how")
            return self._interrogation(turn)
        lines = fact.depth_lines()
        used = s.deepened.setdefault(fact.id, [])
        fresh = [i for i in range(len(lines)) if i not in used]
        # what was asked for, first: the kind ("why", "what did it cost"; any, if it names none), and among
        # those the line closest in meaning to a specific question ("why does the double matter so much?");
        # "go on" or "why is that?" takes them in order
        kind = turn.leader.depth
        sims: dict[int, float] = {}
        if len(content_words(turn.leader.text)) >= SPECIFIC_WORDS and len(fresh) > 1:
            scores = closeness(turn.leader.text, [lines[i][1] for i in fresh])
            sims = {i: float(v) for i, v in zip(fresh, scores, strict=True)}
            fresh.sort(key=lambda i: -sims[i])
        if kind != "more":
            fresh.sort(key=lambda i: lines[i][0] != kind)  # stable: closeness within the kind asked for
            # ... unless a line of another kind answers the words asked far better: "Why do people still come
            # to you then?" is answered by "they come back when it matters", not by why the rivals are cheaper
            if sims and (best := max(sims, key=sims.__getitem__)) != fresh[0]:
                if sims[best] - sims[fresh[0]] >= KIND_MARGIN:
                    fresh.remove(best)
                    fresh.insert(0, best)
        if not lines:  # a card without depth: they say it again, in other words
            return self._repeat(turn, fact.dimension, open_q)
        if not fresh:
            turn.move = Move.SAID_ENOUGH
            turn.line = _fill(
                self._pick("said_enough", self.persona.lines("said_enough")), topic=fact.own_topic
            )
            turn.reasons.append(
                f"{self.first_name} has said all there is on {fact.topic}; ask about something else"
            )
            return
        used.append(fresh[0])
        turn.move, turn.line, turn.facts = Move.DEEPEN, _unprompted(lines[fresh[0]], kind), []
        s.topic = fact.id
        if open_q:
            self._gain(turn, "depth", f"a follow-up drew out more of {fact.topic}")

    def _short_answer(self, turn: _Turn) -> str:
        """The brief reply to a closed question: a noncommittal one to a yes-or-no question ("Sometimes."),
        and one that gives little without a yes or a no to "what...", "which...", "when..." ("Depends on the
        plant."): "Sometimes." does not answer "what must you deliver this year?"."""
        kind = "closed_question" if turn.leader.yes_no else "closed_fact"
        return self._pick(kind, self.persona.lines(kind))

    def _closed_reveals(self, fact: Fact) -> bool:
        mode = self.rules.closed_reveals
        return mode == "any" or (mode == "free" and fact.trust == 0)

    def _reveal(self, turn: _Turn, fact: Fact, open_q: bool, broad: bool = False) -> None:
        s = self.state
        if turn.leader.humble and not s.humble:
            s.humble = True  # the playbook: asking for help to understand their world earns trust quickly
            self._gain(turn, "humility", "asked for help to understand their world")
        line = self._pick(f"reveal:{fact.id}", fact.reveal)
        if open_q and self._rng.random() < self.rules.praise:
            praise = self._pick("open_question", self.persona.lines("open_question"))
            # not "Here's the thing: nobody asks me that. Here's the thing. ..."
            if _opening_words(praise) != _opening_words(line):
                line = praise + " " + line
        turn.move, turn.line, turn.facts = Move.REVEAL, line, [fact]
        s.revealed.append(fact.id)
        s.topic, turn.topic = fact.id, fact.dimension
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
        s = self.state
        if s.trust + 1e-9 < self.rules.volunteer_at or s.grudge:
            return
        nxt = next(
            (f for f in self.persona.facts if f.id not in s.revealed and self.gate(f) <= s.trust), None
        )
        if nxt is None:
            return
        bridge = self._pick("volunteer", self.persona.lines("volunteer"))
        line = self._pick(f"reveal:{nxt.id}", nxt.reveal)
        turn.line += f" {bridge} {line[:1].lower() + line[1:] if bridge.endswith(',') else line}"
        turn.facts.append(nxt)
        s.revealed.append(nxt.id)
        turn.reasons.append(f"{self.first_name} is at ease and went on to {nxt.topic} unasked")

    def _repeat(self, turn: _Turn, area: str | None, open_q: bool) -> None:
        s = self.state
        pool = [f for f in self.told() if area is None or f.dimension == area]
        if not pool:
            turn.move, turn.line = Move.DEFLECT, self._pick("deflect", self.persona.lines("deflect"))
            about = dimension(area).in_their_voice if area else "that"
            turn.reasons.append(f"{self.first_name} has nothing to say about {about}")
            return
        fact = pool[s.turn % len(pool)]
        s.topic, turn.topic = fact.id, fact.dimension
        unused = [i for i in range(len(fact.reveal)) if i not in s.used.get(f"reveal:{fact.id}", [])]
        if unused:
            line = self._pick(f"reveal:{fact.id}", fact.reveal)
        else:
            line = _fill(self._pick("repeat", self.persona.lines("repeat")), topic=fact.own_topic)
        turn.move, turn.line = Move.REPEAT, line
        turn.reasons.append(f"asked again about {fact.topic}, which {self.first_name} has already explained")
        if open_q:
            self._gain(turn, "open_nothing", "an open question, even on known ground")

    def _interrogation(self, turn: _Turn) -> None:
        if self.state.closed_streak >= CLOSED_STREAK:
            self._spend_patience(
                turn, "interrogation", "several closed questions in a row feel like an interrogation"
            )

    # -- reflections and summaries: where understanding is shown -----------------------------
    def _reflection(self, turn: _Turn) -> None:
        s, r = self.state, self.rules
        leader = turn.leader
        core = self.persona.core
        covered = [self.persona.fact(i) for i in leader.covered]
        newly = [f for f in covered if f.id not in s.understood]
        for f in newly:
            s.understood.append(f.id)

        if leader.misread:
            fact_id, phrase = leader.misread[0]
            fact = self.persona.fact(fact_id)
            if fact.id in s.understood:
                s.understood.remove(fact.id)
            turn.move = Move.CORRECT_SUMMARY
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

        if leader.act is not Act.SUMMARY:
            if not covered and leader.ahead:
                fact = self.persona.fact(leader.ahead[0])
                turn.move = Move.AHEAD_OF_ME
                turn.line = self._pick("ahead_of_me", self.persona.lines("ahead_of_me"))
                turn.reasons.append(
                    f"described {fact.topic} before {self.first_name} had told you: ask, and let them say it"
                )
                return
            if not covered:
                turn.move, turn.line = (
                    Move.REFLECT_VAGUE,
                    self._pick("reflect_vague", self.persona.lines("reflect_vague")),
                )
                turn.reasons.append("the reflection did not match anything they have told you yet")
                return
            fact = covered[0]
            s.topic, turn.topic = fact.id, fact.dimension
            if len(covered) == 1:  # her "yes" to it: the same words in a summary later describe it too
                s.accepted.setdefault(fact.id, []).append(leader.text[:ACCEPTED_CHARS])
                del s.accepted[fact.id][:-ACCEPTED_PER_FACT]
            turn.move, turn.line = Move.AFFIRM, self._pick("reflection", self.persona.lines("reflection"))
            if newly:
                self._gain(turn, "reflection", f"reflected {fact.topic} back accurately")
                s.patience = min(float(r.patience), s.patience + 0.5)
            return

        covered_core = [c for c in core if any(f.id == c for f in covered)]
        missing = [c for c in core if c not in s.understood]
        if newly:
            self._gain(
                turn, "summary_fact", f"described {len(newly)} more fact(s) back correctly", times=len(newly)
            )
        if s.thats_right:
            turn.move, turn.line = Move.AFFIRM, self._pick("reflection", self.persona.lines("reflection"))
            return
        if missing:
            # name what is missing only where they would talk about it: a told fact, or one they would tell
            nameable = [c for c in missing if c in s.revealed or self.gate(self.persona.fact(c)) <= s.trust]
            turn.move = Move.PARTIAL_SUMMARY
            if nameable:
                first = next((c for c in nameable if c in s.revealed), nameable[0])
                fact = self.persona.fact(first)
                label = fact.own_topic if first in s.revealed else dimension(fact.dimension).in_their_voice
                turn.line = _fill(
                    self._pick("partial_summary", self.persona.lines("partial_summary")), missing=label
                )
            else:
                turn.line = self._pick("partial_guarded", self.persona.lines("partial_guarded"))
            unasked = [c for c in missing if c not in s.revealed]
            turn.reasons.append(
                f"the summary left out {len(missing)} of {len(core)} core facts"
                + (f" ({len(unasked)} never asked about)" if unasked else "")
            )
            return
        share = len(covered_core) / len(core)
        if share + 1e-9 < r.summary_min_share:
            left = [self.persona.fact(c) for c in core if c not in covered_core]
            turn.move = Move.PARTIAL_SUMMARY
            turn.line = _fill(
                self._pick("partial_summary", self.persona.lines("partial_summary")),
                missing=left[0].own_topic,
            )
            turn.reasons.append(
                f"on {self.difficulty.value}, one summary must describe at least {r.summary_min_share:.0%} "
                "of their world "
                f"together; this one covered {share:.0%}"
            )
            return
        if s.trust + 1e-9 < r.thats_right_trust:
            turn.move = Move.YOURE_RIGHT
            turn.line = self._pick("premature_agreement", self.persona.lines("premature_agreement"))
            turn.reasons.append(
                f'accurate, but trust is {s.trust:.2f} (needs {r.thats_right_trust:.2f}): "you\'re right" '
                'means "let\'s move on"; keep asking and reflecting'
            )
            return
        s.thats_right = True
        turn.move, turn.line = (
            Move.THATS_RIGHT,
            self._pick("accurate_summary", self.persona.lines("accurate_summary")),
        )
        self._gain(turn, "thats_right", 'described their world back accurately: "that\'s right"')
        s.patience = float(r.patience)

    # -- bookkeeping -------------------------------------------------------------------------
    def gate(self, fact: Fact) -> float:
        """The trust this fact needs before they share it, at this difficulty."""
        if fact.trust <= 0:
            return 0.0
        return min(1.0, max(0.0, fact.trust + self.rules.gate_offset))

    def _gain(self, turn: _Turn, kind: str, why: str, times: int = 1) -> None:
        delta = GAIN[kind] * self.rules.gain * times
        self.state.trust += delta
        turn.reasons.append(f"{why}: trust +{delta:.2f}")

    def _cost(self, turn: _Turn, kind: str, why: str) -> None:
        delta = COST[kind] * self.rules.penalty
        self.state.trust -= delta
        turn.reasons.append(f"{why}: trust -{delta:.2f}")
        if kind in PATIENCE_COST:
            self._spend_patience(turn, kind, None)

    def _spend_patience(self, turn: _Turn, kind: str, why: str | None) -> None:
        cost = PATIENCE_COST[kind] * self.rules.penalty
        self.state.patience = max(0.0, self.state.patience - cost)
        if why:
            turn.reasons.append(f"{why}: patience -{cost:.1f}")

    def _check_patience(self, turn: _Turn) -> None:
        s = self.state
        if s.patience <= 0 and not s.thats_right and not s.closed:
            s.closed = True
            turn.line = f"{turn.line} {self._pick('closing', self.persona.lines('closing'))}"
            turn.move = Move.CLOSING
            turn.reasons.append(f"{self.first_name} ran out of patience and ended the conversation")

    def _mood(self) -> Mood:
        s = self.state
        if s.closed or s.last_move in (
            Move.REACT_CORRECTION,
            Move.REACT_PITCH,
            Move.STAY_IN_ROLE,
            Move.TOO_MANY_ASKS,
        ):
            return Mood.IRRITATED
        if s.patience <= self.rules.patience / 3 and not s.thats_right:
            return Mood.IRRITATED
        if s.thats_right or s.trust >= 0.65:
            return Mood.OPEN
        if s.trust >= 0.4:
            return Mood.WARMING
        return Mood.GUARDED

    def _pick(self, key: str, options: list[str]) -> str:
        used = self.state.used.setdefault(key, [])
        fresh = [i for i in range(len(options)) if i not in used]
        # all said: start again, but never with the line just said ("Ask me that when...", twice in a row)
        if not fresh:
            last = used[-1] if used else None
            used.clear()
            fresh = [i for i in range(len(options)) if i != last] or list(range(len(options)))
        i = self._rng.choice(fresh)
        used.append(i)
        return options[i]


def _opening_words(line: str) -> tuple[str, ...]:
    return tuple(words(line)[:OPENING_WORDS])


_OWN_WHY = re.compile(r"^(and )?why\b[^?]{0,60}\?\s+(because\s+)?", re.I)


def _unprompted(depth_line: tuple[str, str], asked: str) -> str:
    """A depth line said to the follow-up it answers: a "why" line that opens by asking its own why ("Why
    help instead of decide? Because the person in the living room...") loses that opening when the leader
    asked something else ("what happened?"), so she does not answer a question nobody put."""
    kind, line = depth_line
    if kind != "why" or asked == "why" or not (m := _OWN_WHY.match(line)):
        return line
    rest = line[m.end() :]
    return rest[:1].upper() + rest[1:] if rest else line


def _fill(line: str, **values: str) -> str:
    """Fill a reaction's placeholder; a line that starts with one gets a capital letter."""
    out = line.format(**values)
    return out[:1].upper() + out[1:]


@dataclass
class _Turn:
    leader: LeaderMove
    move: Move = Move.LISTEN
    line: str = ""
    facts: list[Fact] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    topic: str | None = None  # the dimension the reply is about
