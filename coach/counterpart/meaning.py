"""Which told facts a say-back describes, by meaning: for reflections in words the card never listed.

A fact's substance words (coach.counterpart.facts.covers) catch a say-back that uses them; a leader who
puts it their own way ("you're keeping five fewer cents of every dollar") is caught here instead: a clause
of the line whose MiniLM sentence vector is close to the fact's own texts (its statement, the paraphrase,
what she said when she told it), and that shares at least one of its substance words, describes it.
SIMILAR was set on one writer's reflections (evals/data/natural/reflections_r1.csv: recall 0.68 at 0.5%
false matches) and is measured on the other's by ``python -m evals.understanding --part reflections``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from coach.counterpart.cards import Fact, Persona
from coach.counterpart.facts import coverage
from coach.embeddings import local_encoder
from coach.text import sentences

SIMILAR = 0.6
MIN_CLAUSE_WORDS = 3
_CLAUSE = re.compile(
    r";|\bbut\b|\bwhile\b|\band\b(?= (?:you|your|the|it|they|that|if|when))|,\s*(?=and |so |which )", re.I
)


def clauses(text: str) -> list[str]:
    out = []
    for s in sentences(text):
        out += [c.strip(" ,.") for c in _CLAUSE.split(s) if c and len(c.split()) >= MIN_CLAUSE_WORDS]
    return out or [text]


@lru_cache(maxsize=64)
def _fact_vectors(persona_id: str, texts: tuple[tuple[str, ...], ...]) -> tuple[np.ndarray, ...]:
    enc = local_encoder()
    return tuple(enc.encode(list(t)) for t in texts)


def described(persona: Persona, told: Sequence[Fact], text: str) -> list[str]:
    """Ids of the told facts some clause of ``text`` describes, by meaning (see the module docstring)."""
    if not told:
        return []
    parts = clauses(text)
    vecs = local_encoder().encode(parts + [text])
    facts = list(told)
    fact_vecs = _fact_vectors(persona.id, tuple((f.statement, f.paraphrase, *f.reveal) for f in facts))
    out = []
    for fact, fv in zip(facts, fact_vecs, strict=True):
        if float((fv @ vecs.T).max()) >= SIMILAR and coverage(fact, text) > 0:
            out.append(fact.id)
    return out
