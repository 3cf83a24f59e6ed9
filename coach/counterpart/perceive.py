"""Perception: what did the leader do with this line? One typed reading, before any decision.

``perceive`` reads a leader line in context (the classifier's label, the facts the counterpart has told so
far, the card) into a :class:`LeaderMove`: the act (a question, a reflection, a summary, an ask, a pitch,
a correction, small talk, an attempt to break the role...), the asks and pitch it contains, the parts of
their world it points at, and, for a say-back, which told facts it describes accurately and which it
misreads. The engine (coach.counterpart.engine) decides only from this reading; the scorecard and the
debrief read the same reading from each stored turn, so no surface can count an ask the others missed.

Perception holds no state of its own: the same line, label and told facts always read the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from coach.counterpart.cards import Fact, Persona
from coach.counterpart.facts import covers, is_general, misread, ranked_areas, touches
from coach.cues import asks as find_asks
from coach.cues import cue
from coach.scoring.behaviours import Labelled
from coach.text import Text, sentences
from coach.vocab import Act

SUMMARY_FACTS = 3  # a reflection that describes this many facts at once is a summary, stem or not
SHORT_ACK_STEMS = 8  # "I see, that makes sense": an acknowledgement this short carries no content


@dataclass(frozen=True)
class LeaderMove:
    """What the leader did with one line."""

    text: str
    act: Act
    label: str  # the behaviour classifier's label for the line
    confidence: float
    question: bool  # the line asks something (label, question mark or an open stem)
    open: bool  # an open question, by label or shape
    asks: tuple[str, ...] = ()  # the sentences that make a concrete request
    pitch: bool = False  # it sells a solution or tells them what to do
    leader_centric: bool = False  # it is about the leader or their team
    humble: bool = False  # it admits what the leader does not know and asks to learn
    areas: tuple[str, ...] = ()  # the dimensions it points at, strongest first
    general: bool = False  # an open invitation about their world as a whole
    covered: tuple[str, ...] = ()  # told facts it describes back accurately
    misread: tuple[tuple[str, str], ...] = ()  # (fact id, the misreading phrase)
    touched: tuple[str, ...] = ()  # told facts whose area it is about

    @property
    def is_correction(self) -> bool:
        return self.act is Act.CORRECTION

    @property
    def is_pitch(self) -> bool:
        return self.act in (Act.PITCH, Act.ASK) or (self.pitch and self.act is Act.INFORM)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("text")
        out["act"] = self.act.value
        out["asks"] = list(self.asks)
        out["misread"] = [list(m) for m in self.misread]
        for key in ("areas", "covered", "touched"):
            out[key] = list(out[key])
        return out

    @classmethod
    def from_dict(cls, text: str, data: dict[str, Any]) -> LeaderMove:
        """The reading stored with a turn (coach.rehearsal); a malformed one raises ValueError."""
        return cls(
            text=text,
            act=Act(data["act"]),
            label=str(data["label"]),
            confidence=float(data["confidence"]),
            question=bool(data["question"]),
            open=bool(data["open"]),
            asks=tuple(str(a) for a in data.get("asks", ())),
            pitch=bool(data.get("pitch", False)),
            leader_centric=bool(data.get("leader_centric", False)),
            humble=bool(data.get("humble", False)),
            areas=tuple(str(a) for a in data.get("areas", ())),
            general=bool(data.get("general", False)),
            covered=tuple(str(a) for a in data.get("covered", ())),
            misread=tuple((str(f), str(p)) for f, p in data.get("misread", ())),
            touched=tuple(str(a) for a in data.get("touched", ())),
        )


def perceive(text: str, labelled: Labelled, persona: Persona, told: Sequence[Fact]) -> LeaderMove:
    """Read one leader line: ``labelled`` is the classifier's view, ``told`` the facts revealed so far."""
    t = Text.of(text or "")
    raw = t.raw.strip()
    label = labelled.label
    parts = sentences(raw)
    asked = [p for p in parts if p.endswith("?")] or parts[-1:]  # the part that asks
    open_stem = any(
        cue("open_stem").search(p) or cue("polite_open").search(p) or cue("so_question").search(p)
        for p in asked
    )
    question = label in ("question_open", "question_closed") or raw.endswith("?") or open_stem
    open_q = label == "question_open" or open_stem
    leader_centric = bool(cue("leader_centric").search(raw))
    misreads = [(f, p) for f in told if (p := misread(f, t))]
    misreads.sort(key=lambda fp: (fp[0].id not in persona.core, list(told).index(fp[0])))
    covered = [f for f in told if covers(f, t) and all(f is not m for m, _ in misreads)]
    accurate = any(covers(f, t) and not misread(f, t) for f in told)
    touched = [f for f in told if touches(f, t)]
    areas = ranked_areas(persona, t)
    general = is_general(t)
    asks = tuple(find_asks(raw))
    pitch = bool(cue("pitch").search(raw))

    def reading(act: Act) -> LeaderMove:
        return LeaderMove(
            text=raw,
            act=act,
            label=label,
            confidence=round(labelled.confidence, 3),
            question=question,
            open=open_q,
            asks=asks,
            pitch=pitch,
            leader_centric=leader_centric,
            humble=open_q and bool(cue("humility").search(raw)),
            areas=tuple(areas),
            general=general,
            covered=tuple(f.id for f in covered),
            misread=tuple((f.id, p) for f, p in misreads),
            touched=tuple(f.id for f in touched),
        )

    if cue("role_break").search(raw):
        return reading(Act.ROLE_BREAK)
    if _is_correction(raw, label, open_q, accurate):
        return reading(Act.CORRECTION)
    if _is_reflection(raw, label, bool(touched), asks_open=open_stem and raw.endswith("?")):
        is_summary = bool(cue("summary").search(raw)) or len(covered) + len(misreads) >= SUMMARY_FACTS
        return reading(Act.SUMMARY if is_summary else Act.REFLECTION)
    if asks and not (open_q and not leader_centric):
        return reading(Act.ASK)
    if pitch and (not question or leader_centric):
        return reading(Act.PITCH)
    chat = bool(cue("small_talk").search(raw)) and (
        not cue("acknowledge").search(raw) or bool(cue("thanks_for").search(raw))
    )
    if chat and not areas and not general:
        return reading(Act.SMALL_TALK)
    if question:
        return reading(Act.OPEN_QUESTION if open_q else Act.CLOSED_QUESTION)
    if chat:
        return reading(Act.SMALL_TALK)
    if label == "other" or (cue("acknowledge").search(raw) and len(t.stems) <= SHORT_ACK_STEMS):
        return reading(Act.ACKNOWLEDGE)
    return reading(Act.INFORM)


def _is_correction(raw: str, label: str, open_q: bool, accurate: bool) -> bool:
    """The classifier's label, weighed against the words: an accurate say-back is not a correction."""
    if cue("strong_correction").search(raw):
        return True
    weak = bool(cue("weak_correction").search(raw))
    if label == "correct":
        if open_q and raw.endswith("?"):
            return False
        return weak or not accurate
    return weak and label in ("inform", "reflect", "other") and not accurate


def _is_reflection(raw: str, label: str, touches_told: bool, asks_open: bool) -> bool:
    if cue("summary").search(raw):
        return True
    if label == "reflect":  # unless it is plainly an open question about something not yet said
        return not asks_open or touches_told
    if cue("so_question").search(raw) and raw.endswith("?"):
        return False
    if cue("reflect_stem").search(raw):
        return touches_told
    return False
