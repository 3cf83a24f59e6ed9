"""Which of a card's facts, and which part of the counterpart's world, a leader's words are about.

Word-list matching on stems (coach.text): a fact's ``substance`` groups say what a description back must
mention, its ``misreadings`` what shows a wrong reading, its ``cues`` what points a question at it; the
dimensions' ``area_words`` and the ``general_words`` come from the vocabulary (coach/data/vocab.yaml).

    covers(fact, text)        every substance group is mentioned
    misread(fact, text)       the first misreading phrase the words contain
    touches(fact, text)       the words are about the fact's area
    area_scores(persona, t)   how strongly the words point at each dimension (the router's hints)
    is_general(text)          an open question about their world as a whole
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from coach.cues import cue
from coach.text import STOPWORDS, Text, as_text, count, has, tokens
from coach.vocab import vocabulary

if TYPE_CHECKING:  # pragma: no cover - the card types, for annotations only
    from coach.counterpart.cards import Fact, Persona


def covers(fact: Fact, text: str | Text) -> bool:
    """The words describe the fact's substance: every substance group is mentioned."""
    t = as_text(text)
    return all(any(has(t, term) for term in group) for group in fact.substance)


def coverage(fact: Fact, text: str | Text) -> float:
    t = as_text(text)
    return sum(1 for g in fact.substance if any(has(t, term) for term in g)) / len(fact.substance)


def misread(fact: Fact, text: str | Text) -> str | None:
    """The first misreading phrase of the fact that the words assert, if any.

    A phrase the leader denies ("it's not the trucks"), or only mentions on the way ("leaving the trucks
    aside"), is not a misreading: it is read clause by clause, and a negator shortly before the phrase in
    its clause, or a passing-mention marker in the clause, takes it out."""
    raw = text.raw if isinstance(text, Text) else text
    if not fact.misreadings:
        return None
    clauses = [(c, Text.of(c)) for c in CLAUSE.split(raw) if c and c.strip()]
    for phrase in fact.misreadings:
        for clause, ct in clauses:
            if has(ct, phrase) and asserted(clause, phrase):
                return phrase
    return None


CLAUSE = re.compile(r"[,;:.!?()\u2014\u2013]+|\s-\s|\bbut\b|\bthough\b|\bwhereas\b", re.I)
NEGATION_WINDOW = 6  # words before a phrase in which a negator denies it


def asserted(clause: str, phrase: str) -> bool:
    """Whether ``clause`` says ``phrase`` rather than denying it or mentioning it in passing."""
    low = clause.lower()
    if cue("passing").search(low):
        return False
    stems = tokens(phrase.rstrip("*"))
    key = next((s for s in stems if s not in STOPWORDS), stems[0] if stems else "")
    words = low.split()
    starts = [i for i, w in enumerate(words) if key and any(s.startswith(key) for s in tokens(w))]
    if not starts:
        return True
    before = " ".join(words[max(0, starts[0] - NEGATION_WINDOW) : starts[0]])
    return not cue("negator").search(before)


def touches(fact: Fact, text: str | Text) -> bool:
    """The words are about the fact's area (its cues or any of its substance words)."""
    t = as_text(text)
    return count(t, fact.cues) > 0 or coverage(fact, t) > 0


def area_scores(persona: Persona, text: str | Text) -> dict[str, float]:
    """How strongly the words point at each dimension the card has facts in (card cues weigh double)."""
    t = as_text(text)
    words = vocabulary().dimensions
    scores: dict[str, float] = {}
    for dim in {f.dimension for f in persona.facts}:
        scores[dim] = float(count(t, words[dim].area_words))
    for fact in persona.facts:
        hits = count(t, fact.cues)
        if hits:
            scores[fact.dimension] = scores.get(fact.dimension, 0.0) + 2.0 * hits
    return {d: s for d, s in scores.items() if s > 0}


def is_general(text: str | Text) -> bool:
    return count(as_text(text), vocabulary().general_words) > 0


def words_areas(text: str | Text) -> dict[str, int]:
    """Without a card: how many of each dimension's area words the text uses."""
    t = as_text(text)
    return {d.value: n for d, w in vocabulary().dimensions.items() if (n := count(t, w.area_words))}
