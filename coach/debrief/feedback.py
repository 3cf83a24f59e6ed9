"""The debrief: what the leader did, what it earned, what to try instead, and the guidance behind it.

Built from a transcript (with the engine's per-turn state when it came from a rehearsal) and the
persona card. Every piece of advice quotes the conversation and cites a playbook section that exists
in the corpus. Offline, better lines are built from the conversation itself (coach.rephrase); with a
model configured, ``enrich_with_model`` adds richer rewrites, validated as typed output.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from coach.errors import BackendError
from coach.llm import json_object
from coach.playbook.retrieval import get_section
from coach.prompts import fill, load_template
from coach.rephrase import open_question_from, reflection_of
from coach.scoring.behaviours import recorded_labels
from coach.scoring.scorecard import Scorecard, build_scorecard
from coach.transcript import Transcript
from coach.vocab import dimension


@dataclass
class Citation:
    section_id: str
    title: str
    source: str
    excerpt: str

    @classmethod
    def of(cls, section_id: str) -> Citation:
        p = get_section(section_id)
        return cls(p.section_id, p.title, p.source, _excerpt(p.text))


def _excerpt(text: str, limit: int = 320) -> str:
    """The section's first paragraph, cut at a sentence end within ``limit`` characters."""
    first = text.strip().split("\n\n")[0].strip()
    if len(first) <= limit:
        return first
    cut = max(first.rfind(". ", 0, limit), first.rfind("? ", 0, limit), first.rfind("! ", 0, limit))
    return first[: cut + 1] if cut > 0 else first[:limit].rsplit(" ", 1)[0] + "…"


@dataclass
class Moment:
    """A leader line worth doing differently, with a better line built from that moment."""

    turn: int
    kind: str  # "correction" | "premature_pitch" | "closed_question"
    said: str
    their_words: str
    better: str
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


def _moments(transcript: Transcript, labels) -> list[Moment]:
    out: list[Moment] = []
    understood_before_pitch = False
    for lab in labels:
        index, turn = lab.turn, transcript.turns[lab.turn]
        their = transcript.context_before(index)
        reply = transcript.turns[index + 1] if index + 1 < len(transcript.turns) else None
        move = (reply.meta or {}).get("move", "") if reply else ""
        state = turn.state or {}
        if lab.is_correction:
            quoted = _substantive(transcript, index, lab.quoted)
            their = quoted
            better = reflection_of(quoted) or reflection_of(their)
            if better:
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
        elif (
            lab.label == "inform"
            and not state.get("thats_right")
            and not understood_before_pitch
            and (move == "react_pitch" or lab.reading.pitch)
        ):
            their = _substantive(transcript, index, None)
            better = reflection_of(their) if their else ""
            if better:
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
        elif lab.label == "question_closed" and len(out) < 6:
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


def _advice(
    card: Scorecard, transcript: Transcript, state: dict[str, Any], world: list[WorldPart]
) -> list[Advice]:
    measures = {m.id: m for m in card.measures}
    out: list[Advice] = []

    def add(measure_id: str, text: str, section: str) -> None:
        m = measures.get(measure_id)
        out.append(
            Advice(
                text,
                list(m.evidence_turns) if m else [],
                list(m.quotes)[:3] if m else [],
                Citation.of(section),
            )
        )

    m = measures.get("reflection_ratio")
    if m and m.verdict in ("needs work", "fair"):
        add(
            "reflection_ratio",
            f"You reflected {m.display}. Before your next question, give back what you just heard in a sentence "
            "of your own; aim for two reflections per question.",
            "reflective-listening",
        )
    m = measures.get("open_question_share")
    if m and m.verdict == "needs work":
        add(
            "open_question_share",
            f"Only {m.display} of your questions were open. Start with what, how or "
            "tell me, so they describe their world instead of confirming yours.",
            "open-questions",
        )
    m = measures.get("corrections")
    if m and m.value:
        add(
            "corrections",
            f"You corrected them ({m.display}). While you are showing understanding, the goal is none: "
            "describe the world as they see it, even where you disagree.",
            "dont-correct",
        )
    m = measures.get("talk_balance")
    if m and m.verdict == "needs work":
        add(
            "talk_balance",
            f"You did {m.display} of the talking. Shorter turns and more questions leave room "
            "for them to tell you what matters.",
            "talk-balance",
        )
    m = measures.get("us_vs_them")
    if m and m.value:
        add(
            "us_vs_them",
            "Watch the us-versus-them framing quoted here; it leaks through however polite the rest is.",
            "us-versus-them",
        )
    if not state.get("thats_right"):
        drawn = [w.name for w in world if w.status == "drawn out"]
        if drawn:
            add(
                "understanding_coverage",
                'You never got to "that\'s right". Try a summary that gives back '
                + ", ".join(drawn)
                + " in their terms, then ask: did I get that right?",
                "demonstrate-understanding",
            )
        elif state:
            add(
                "understanding_coverage",
                'You never got to "that\'s right": they had not yet told you enough to summarise. '
                "Ask about their world first.",
                "seek-first-to-understand",
            )
    m = measures.get("concrete_asks")
    if state.get("thats_right") and m is not None and not m.value:
        add(
            "concrete_asks",
            'You earned "that\'s right" but asked for nothing. Name the one or two concrete '
            "things you need from them while the trust is there.",
            "concrete-asks",
        )
    elif m is not None and m.value and m.value > 2:
        add(
            "concrete_asks",
            f"You made {m.value} asks. Pick the one or two that matter most.",
            "concrete-asks",
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
        moments=_moments(transcript, labels),
        advice=_advice(card, transcript, state, world),
        notes=notes,
    )


def _asks(card: Scorecard) -> list[tuple[int, str]]:
    m = next((m for m in card.measures if m.id == "concrete_asks"), None)
    if not m:
        return []
    return list(zip(m.evidence_turns, m.quotes, strict=False))


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
            f"The model could not write richer rewrites ({exc}); the lines below are built offline."
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
