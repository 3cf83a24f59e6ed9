"""The debrief: what the leader did, what it earned, what to try instead, and the guidance behind it.

Built from a transcript (with the engine's per-turn state when it came from a rehearsal) and the
persona card. Every piece of advice quotes the conversation and cites a playbook section that exists
in the corpus. Offline, better lines are built from the conversation itself (coach.rephrase); with a
model configured, ``enrich_with_model`` adds richer rewrites, validated as typed output.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach import paths
from coach.errors import BackendError, CorpusError, PersonaError
from coach.llm import json_object
from coach.playbook.citations import Citation
from coach.prompts import fill, load_template
from coach.rephrase import open_question_from, reflection_of
from coach.scoring.behaviours import recorded_labels
from coach.scoring.scorecard import Measure, Scorecard, build_scorecard
from coach.transcript import Transcript
from coach.vocab import Act, dimension

ADVICE_FILE = paths.DATA / "advice.yaml"


@dataclass
class Moment:
    """A leader line worth doing differently, with a better line built from that moment."""

    turn: int
    kind: str  # "correction" | "premature_pitch" | "closed_question"
    said: str
    their_words: str
    better: str  # a line the leader could say instead; "" when none can be built from whole units
    why: str
    cite: Citation
    source: str = "offline"  # or "model"


@dataclass
class TrustMove:
    turn: int
    said: str
    delta: float
    reasons: list[str]


@dataclass
class WorldPart:
    dimension: str
    name: str
    status: str  # "described back" | "drawn out" | "missed"
    revealed: int
    total: int
    cite: Citation


@dataclass
class Advice:
    text: str
    evidence_turns: list[int]
    quotes: list[str]
    cite: Citation


@dataclass
class Debrief:
    persona_id: str
    persona_name: str
    turns: int
    scorecard: Scorecard
    thats_right: dict[str, Any]
    asks: list[dict[str, Any]]
    trust_moves: list[TrustMove]
    world: list[WorldPart]
    missed: list[str]
    moments: list[Moment]
    advice: list[Advice]
    notes: list[str] = field(default_factory=list)
    # Trust after each of the leader's lines: [{"turn": i, "trust": t, "said": text}], for the timeline.
    trust_timeline: list[dict[str, Any]] = field(default_factory=list)

    def citations(self) -> list[Citation]:
        seen: dict[str, Citation] = {}
        for c in (
            [m.cite for m in self.moments] + [a.cite for a in self.advice] + [w.cite for w in self.world]
        ):
            seen.setdefault(c.section_id, c)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["scorecard"] = self.scorecard.to_dict()
        return out


def _world(persona, state: dict[str, Any]) -> tuple[list[WorldPart], list[str]]:
    revealed = set(state.get("revealed", []))
    understood = set(state.get("understood", []))
    by_dim: dict[str, list[str]] = {}
    for fact in persona.facts:
        by_dim.setdefault(fact.dimension, []).append(fact.id)
    parts, missed = [], []
    for dim, ids in by_dim.items():
        words = dimension(dim)
        name, never, section = words.debrief_name, words.never_learned, words.section
        n_rev = sum(1 for i in ids if i in revealed)
        if any(i in understood for i in ids):
            status = "described back"
        elif n_rev:
            status = "drawn out"
        else:
            status = "missed"
            missed.append(f"You never learned {never}.")
        parts.append(WorldPart(dim, name, status, n_rev, len(ids), Citation.of(section)))
    return parts, missed


def _small_talk(turn) -> bool:
    """Perception read the line as small talk, a greeting or thanks: a closed question there is fine."""
    act = ((turn.meta or {}).get("perceived") or {}).get("act")
    return act in (Act.SMALL_TALK, Act.GREETING, Act.THANKS)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _what_they_told(persona, transcript: Transcript, index: int) -> tuple[str | None, bool]:
    """(the card's paraphrase of the fact they were telling before turn ``index``, whether their last line
    was one of the card's reactions rather than a fact). A reaction ("Money is a conversation for when you
    know why I'm asking.") is not something to say back; then the latest fact they told stands in. For a
    model's own words neither is known: (None, False)."""
    said = _norm(transcript.context_before(index))
    if not said or persona is None:
        return None, False
    state = next((t.state for t in reversed(transcript.turns[:index]) if t.state), None) or {}
    known = {f.id for f in persona.facts}
    told = [persona.fact(i) for i in state.get("revealed", []) if i in known]
    for fact in told:
        authored = [*fact.reveal, *(line for lines in fact.depth.values() for line in lines)]
        if any(_norm(line) in said or said in _norm(line) for line in authored):
            return fact.paraphrase, False
    reaction = any(_norm(line) in said for line in _reaction_lines(persona))
    return (told[-1].paraphrase if told and reaction else None), reaction


def _reaction_lines(persona) -> list[str]:
    """Everything the card has them say that is not a fact: refusals, and every reaction pool (with the
    built-in lines for pools a card leaves empty)."""
    out = [line for f in persona.facts for line in f.guarded]
    for name in type(persona.reactions).model_fields:
        try:
            out += persona.lines(name)
        except PersonaError:  # a pool with no lines and no built-in fallback
            continue
    return out


def _moments(transcript: Transcript, labels, persona=None) -> list[Moment]:
    out: list[Moment] = []
    understood_before_pitch = False
    for lab in labels:
        index, turn = lab.turn, transcript.turns[lab.turn]
        their = transcript.context_before(index)
        state = turn.state or {}
        if lab.is_correction:
            quoted = _substantive(transcript, index, lab.quoted)
            their = quoted
            paraphrase, reaction = _what_they_told(persona, transcript, index)
            better = reflection_of("" if reaction else quoted, paraphrase)
            out.append(
                Moment(
                    index,
                    "correction",
                    turn.text,
                    quoted,
                    better,
                    "Correcting them does not change their mind; it shows you care more about your view than "
                    "theirs. Give their view back first; your turn to be understood comes later.",
                    Citation.of("dont-correct"),
                )
            )
        elif lab.reading.pitch and not state.get("thats_right") and not understood_before_pitch:
            their = _substantive(transcript, index, None)
            paraphrase, reaction = _what_they_told(persona, transcript, index)
            better = reflection_of("" if reaction else their, paraphrase)
            out.append(
                Moment(
                    index,
                    "premature_pitch",
                    turn.text,
                    their,
                    better,
                    "A proposal before they feel understood sounds like your agenda. Reflect what they just told "
                    'you and ask about their world; the pitch lands better after "that\'s right".',
                    Citation.of("premature-pitch"),
                )
            )
        elif (
            lab.label == "question_closed" and not lab.reading.asks and not _small_talk(turn) and len(out) < 6
        ):
            out.append(
                Moment(
                    index,
                    "closed_question",
                    turn.text,
                    their,
                    open_question_from(turn.text),
                    "A yes/no question gets a yes or no. An open question invites them to tell you how they see it.",
                    Citation.of("open-questions"),
                )
            )
        if state.get("thats_right"):
            understood_before_pitch = True
    return out


def _substantive(transcript: Transcript, index: int, quoted: str | None) -> str:
    """What they said that the leader was answering: the quoted words, or, when those are a bare
    "Exactly that.", the last counterpart turn before it with something in it."""
    if quoted and _content_words(quoted) >= 4:
        return quoted
    for turn in reversed(transcript.turns[:index]):
        if turn.speaker == "counterpart" and _content_words(turn.text) >= 4:
            return turn.text
    return quoted or transcript.context_before(index)


def _content_words(text: str) -> int:
    return sum(1 for w in text.split() if len(w.strip(".,!?;:'\"")) > 3)


class AdviceRule(BaseModel):
    """One entry of coach/data/advice.yaml."""

    model_config = ConfigDict(extra="forbid")

    measure: str
    when: dict[Literal["verdict", "value_above", "value", "thats_right", "drawn", "has_state"], Any]
    say: str
    cite: str


@lru_cache(maxsize=1)
def advice_rules() -> list[AdviceRule]:
    try:
        data = yaml.safe_load(ADVICE_FILE.read_text(encoding="utf-8"))
        return [AdviceRule.model_validate(entry) for entry in data]
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise CorpusError(f"{ADVICE_FILE} cannot be read ({exc}). Reinstall the package.") from None


def _holds(rule: AdviceRule, m: Measure | None, facts: dict[str, bool]) -> bool:
    for key, want in rule.when.items():
        if key in facts:
            if facts[key] != want:
                return False
        elif m is None:
            return False
        elif key == "verdict" and m.verdict not in want:
            return False
        elif key == "value_above" and not (isinstance(m.value, int | float) and m.value > want):
            return False
        elif key == "value" and m.value != want:
            return False
    return True


def _advice(card: Scorecard, state: dict[str, Any], world: list[WorldPart]) -> list[Advice]:
    """Every rule of coach/data/advice.yaml that holds for this rehearsal, in the file's order."""
    measures = {m.id: m for m in card.measures}
    drawn = [w.name for w in world if w.status == "drawn out"]
    facts = {"thats_right": bool(state.get("thats_right")), "drawn": bool(drawn), "has_state": bool(state)}
    out: list[Advice] = []
    for rule in advice_rules():
        m = measures.get(rule.measure)
        if not _holds(rule, m, facts):
            continue
        value = m.value if m else None
        text = rule.say.format(
            display=m.display if m else "",
            value=value,
            percent=f"{value:.0%}" if isinstance(value, float) else value,
            drawn=", ".join(drawn),
        )
        out.append(
            Advice(
                text,
                list(m.evidence_turns) if m else [],
                list(m.quotes)[:3] if m else [],
                Citation.of(rule.cite),
            )
        )
    return out


def _trust_moves(transcript: Transcript) -> list[TrustMove]:
    moves = []
    for index, turn in transcript.leader_turns():
        delta = (turn.meta or {}).get("trust_delta")
        if delta:
            moves.append(
                TrustMove(index, turn.text, float(delta), list((turn.meta or {}).get("reasons", [])))
            )
    moves.sort(key=lambda m: abs(m.delta), reverse=True)
    return moves[:3]


def build_debrief(transcript: Transcript, persona) -> Debrief:
    """The offline debrief of one rehearsal."""
    card = build_scorecard(transcript, recorded_labels(transcript))
    state = transcript.last_state()
    world, missed = _world(persona, state) if state else ([], [])
    labels = card.turns
    thats_right_turn = next(
        (i for i, t in transcript.leader_turns() if (t.state or {}).get("thats_right")), None
    )
    asks = [{"turn": i, "quote": q} for i, q in _asks(card)]
    notes = []
    if not state:
        notes.append(
            "This transcript carries no engine state, so understanding and trust are not shown; "
            "rehearse in the app or with 'coach rehearse' to get them."
        )
    return Debrief(
        persona_id=transcript.persona,
        persona_name=getattr(persona, "name", transcript.persona),
        turns=len(transcript.leader_turns()),
        scorecard=card,
        thats_right={"reached": thats_right_turn is not None, "turn": thats_right_turn},
        asks=asks,
        trust_moves=_trust_moves(transcript),
        world=world,
        missed=missed,
        moments=_moments(transcript, labels, persona),
        advice=_advice(card, state, world),
        notes=notes,
        trust_timeline=_trust_timeline(transcript),
    )


def _trust_timeline(transcript: Transcript) -> list[dict[str, Any]]:
    return [
        {"turn": i, "trust": float(t.state["trust"]), "said": t.text}
        for i, t in transcript.leader_turns()
        if isinstance(t.state, dict) and isinstance(t.state.get("trust"), int | float)
    ]


def _asks(card: Scorecard) -> list[tuple[int, str]]:
    """Every concrete ask, from the same reading of each turn that the scorecard counts."""
    return [(t.turn, ask) for t in card.turns for ask in t.reading.asks]


# -- with a model: richer rewrites, validated ----------------------------------------------------
class Rewrite(BaseModel):
    turn: int
    better: str = Field(min_length=3, max_length=600)
    why: str = Field(min_length=3, max_length=600)


class Rewrites(BaseModel):
    rewrites: list[Rewrite]


def enrich_with_model(debrief: Debrief, transcript: Transcript, backend) -> Debrief:
    """Replace offline better lines with the model's, when it returns valid JSON for known turns."""
    if backend is None or not debrief.moments:
        return debrief
    lines = []
    for t in transcript.turns:
        lines.append(f"{'LEADER' if t.speaker == 'leader' else 'COUNTERPART'}: {t.text}")
    asks = [{"turn": m.turn, "kind": m.kind, "said": m.said} for m in debrief.moments]
    messages = [
        {"role": "system", "content": load_template("debrief_system.txt")},
        {
            "role": "user",
            "content": fill(
                load_template("debrief_user.txt"),
                {
                    "transcript": "\n".join(f"[{n}] {line}" for n, line in enumerate(lines)),
                    "moments": json.dumps(asks, ensure_ascii=False),
                },
                "debrief_user.txt",
            ),
        },
    ]
    try:
        raw = backend.complete(messages, temperature=0.3, max_tokens=800)
        parsed = Rewrites.model_validate_json(json_object(raw))
    except BackendError as exc:
        debrief.notes.append(
            f"The model could not write richer rewrites ({exc.on('debrief')}); the lines below are built offline."
        )
        return debrief
    except (ValidationError, ValueError):
        debrief.notes.append("The model's rewrites were not valid JSON; the lines below are built offline.")
        return debrief
    by_turn = {r.turn: r for r in parsed.rewrites}
    for m in debrief.moments:
        r = by_turn.get(m.turn)
        if r:
            m.better, m.why, m.source = r.better.strip(), r.why.strip(), "model"
    return debrief
