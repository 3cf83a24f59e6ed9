"""What a draft shows it understands about the counterpart, by playbook dimension (never by hidden fact).

    understanding_of(labels, persona=None, encoder=None) -> Understanding

Without a persona the dimensions come from keyword vocabulary (the area words of coach/data/vocab.yaml) in the sentences
that describe their goals (``shown``) or ask about their world (``asked``). With a persona each of its
facts is matched to the draft's sentences: by its substance words (coach.counterpart.facts.covers) or by meaning
(MiniLM cosine between the sentence and the fact's statement). Only dimension names, neutral topics and
counts are reported: a hidden fact's statement never leaves this module.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from coach.counterpart.facts import covers, misread, touches
from coach.drafts.signals import SentenceLabel, areas
from coach.vocab import vocabulary

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from coach.counterpart.cards import Persona
    from coach.embeddings import Encoder

# Third-person names of the playbook dimensions (coach/data/vocab.yaml).
DIMENSION_NAMES: dict[str, str] = {d.value: w.about_them for d, w in vocabulary().dimensions.items()}
# Cosine (MiniLM) between a sentence, or one of its clauses, and a fact statement. Set by reading the
# similarities of six on- and off-topic sentences against maria-cfo's facts: on-topic 0.40-0.50,
# off-topic mostly under 0.27.
SHOWN_SIM = 0.4  # a goal statement that describes the fact
ASKED_SIM = 0.33  # a question that asks about the fact's area
_CLAUSE = re.compile(r",?\s+and (?:that )?|;\s*|,\s+(?:but|while|so) ", re.I)
_STATEMENT_LABELS = ("their_goals",)
_QUESTION_LABELS = ("question_open", "question_closed")


@dataclass(frozen=True)
class DimensionNote:
    dimension: str
    name: str
    status: str  # shown | asked | missed
    sentences: tuple[int, ...] = field(default=())
    core: bool = False  # the persona's core facts include this dimension

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sentences"] = list(self.sentences)
        return d


@dataclass(frozen=True)
class Understanding:
    notes: list[DimensionNote]
    misreadings: list[
        tuple[int, str]
    ]  # (sentence index, dimension name) where a statement contradicts the card
    facts_shown: int = 0  # with a persona: facts the draft describes (counts only)
    facts_total: int = 0
    method: str = "keywords"  # keywords | persona

    @property
    def shown(self) -> list[DimensionNote]:
        return [n for n in self.notes if n.status == "shown"]

    @property
    def asked(self) -> list[DimensionNote]:
        return [n for n in self.notes if n.status == "asked"]

    @property
    def missed(self) -> list[DimensionNote]:
        return [n for n in self.notes if n.status == "missed"]

    def summary(self) -> str:
        parts = []
        if self.shown:
            parts.append("shows understanding of " + ", ".join(n.name for n in self.shown))
        if self.asked:
            parts.append("asks about " + ", ".join(n.name for n in self.asked))
        missed_core = [n.name for n in self.missed if n.core]
        if missed_core:
            parts.append("says nothing about " + ", ".join(missed_core))
        if not parts:
            return "The draft says nothing about their world: no goal, pressure or question about them."
        return "The draft " + "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "method": self.method,
            "dimensions": [n.to_dict() for n in self.notes],
            "misreadings": [{"sentence": i, "dimension": d} for i, d in self.misreadings],
            "facts_shown": self.facts_shown,
            "facts_total": self.facts_total,
        }


def _keyword_understanding(labels: list[SentenceLabel]) -> Understanding:
    shown: dict[str, list[int]] = {}
    asked: dict[str, list[int]] = {}
    for s in labels:
        if s.kind != "body":
            continue
        target = shown if s.label in _STATEMENT_LABELS else asked if s.label in _QUESTION_LABELS else None
        if target is None:
            continue
        for dim in areas(s.text):
            target.setdefault(dim, []).append(s.index)
    notes = [DimensionNote(d, DIMENSION_NAMES[d], "shown", tuple(ix)) for d, ix in shown.items()]
    notes += [
        DimensionNote(d, DIMENSION_NAMES[d], "asked", tuple(ix)) for d, ix in asked.items() if d not in shown
    ]
    return Understanding(notes, [], method="keywords")


def clauses(text: str) -> list[str]:
    """The sentence and, when it joins several claims, each clause of at least four words."""
    parts = [p.strip() for p in _CLAUSE.split(text) if len(p.split()) >= 4]
    return [text] + (parts if len(parts) > 1 else [])


_FACT_VECTORS: dict[tuple[int, tuple[str, ...]], np.ndarray] = {}


def _fact_vectors(persona: Persona, encoder: Encoder) -> np.ndarray:
    """Fact statement embeddings, kept per encoder and card text (a review must not re-encode the card)."""
    key = (id(encoder), tuple(f.statement for f in persona.facts))
    if key not in _FACT_VECTORS:
        if len(_FACT_VECTORS) > 64:
            _FACT_VECTORS.clear()
        _FACT_VECTORS[key] = encoder.encode(list(key[1]))
    return _FACT_VECTORS[key]


def _similarities(persona: Persona, body: list[SentenceLabel], encoder: Encoder) -> np.ndarray:
    """(facts, sentences): best cosine of each fact statement with the sentence or one of its clauses."""
    import numpy as np

    texts: list[str] = []
    owner: list[int] = []
    for si, s in enumerate(body):
        for part in clauses(s.text):
            texts.append(part)
            owner.append(si)
    sims = _fact_vectors(persona, encoder) @ encoder.encode(texts).T
    out = np.full((len(persona.facts), len(body)), -1.0, dtype=np.float32)
    for col, si in enumerate(owner):
        out[:, si] = np.maximum(out[:, si], sims[:, col])
    return out


def understanding_of(
    labels: list[SentenceLabel], persona: Persona | None = None, encoder: Encoder | None = None
) -> Understanding:
    """Which dimensions of the counterpart's world the draft describes, asks about, or misses."""
    if persona is None:
        return _keyword_understanding(labels)
    body = [s for s in labels if s.kind == "body" and s.label in _STATEMENT_LABELS + _QUESTION_LABELS]
    sims = None
    if encoder is not None and body:
        sims = _similarities(persona, body, encoder)
    shown: dict[str, set[int]] = {}
    asked: dict[str, set[int]] = {}
    misreadings: list[tuple[int, str]] = []
    facts_shown = 0
    for fi, fact in enumerate(persona.facts):
        fact_shown = False
        for si, s in enumerate(body):
            sim = float(sims[fi, si]) if sims is not None else 0.0
            if s.label in _STATEMENT_LABELS:
                if misread(fact, s.text) and touches(fact, s.text):
                    misreadings.append((s.index, DIMENSION_NAMES[fact.dimension]))
                elif covers(fact, s.text) or sim >= SHOWN_SIM:
                    shown.setdefault(fact.dimension, set()).add(s.index)
                    fact_shown = True
            elif sim >= ASKED_SIM or (touches(fact, s.text) and fact.dimension in areas(s.text)):
                asked.setdefault(fact.dimension, set()).add(s.index)
        facts_shown += fact_shown
    core_dims = {persona.fact(c).dimension for c in persona.core}
    notes = []
    for dim in dict.fromkeys(f.dimension for f in persona.facts):
        status = "shown" if dim in shown else "asked" if dim in asked else "missed"
        ix = shown.get(dim) or asked.get(dim) or set()
        notes.append(DimensionNote(dim, DIMENSION_NAMES[dim], status, tuple(sorted(ix)), dim in core_dims))
    return Understanding(notes, sorted(set(misreadings)), facts_shown, len(persona.facts), method="persona")
