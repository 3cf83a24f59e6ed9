"""Which told facts a say-back describes, by meaning: for reflections in words the card never listed.

A fact's substance words (coach.counterpart.facts.covers) catch a say-back that uses them; a leader who
puts it their own way ("you're keeping five fewer cents of every dollar") is caught here instead: a clause
of the line whose MiniLM sentence vector is close to the fact's own texts (its statement, the paraphrase,
what she said when she told it), and that shares at least one of its substance words, describes it.
SIMILAR was set on one writer's reflections (evals/data/natural/reflections_r1.csv: recall 0.68 at 0.5%
false matches) and is measured on the other's by ``python -m evals.understanding --part reflections``.
The fact in play (she has just told it, or more of it) also matches what she just said, at SIMILAR_IN_PLAY,
which was lowered from 0.5 to 0.4 on the dev conversations c6 and c7 (say-backs of a "why" she had just given
were not heard); the reflection set's figures did not move.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from coach.counterpart.cards import Fact, Persona, shipped_personas
from coach.counterpart.facts import coverage
from coach.embeddings import local_encoder
from coach.text import content_words, sentences, stem

SIMILAR = 0.6
SIMILAR_IN_PLAY = 0.4  # the fact she just told: a say-back right after it is most likely about it
SIMILAR_ECHO = 0.3  # ... and less still for a say-back of her last line that reuses ECHO_STEMS of its words
ECHO_STEMS = 2
MIN_CLAUSE_WORDS = 3
MAX_CLAUSES = 10  # a long summary is read in at most ten clauses (a turn stays fast)
_CLAUSE = re.compile(
    r";|\bbut\b|\bwhile\b|\band\b(?= (?:you|your|the|it|they|that|if|when))|,\s*(?=and |so |which )", re.I
)


def clauses(text: str) -> list[str]:
    out = []
    for s in sentences(text):
        out += [c.strip(" ,.") for c in _CLAUSE.split(s) if c and len(c.split()) >= MIN_CLAUSE_WORDS]
    return out or [text]


@lru_cache(maxsize=512)
def _fact_vectors(texts: tuple[str, ...]) -> np.ndarray:
    """One fact's own texts, encoded once per process (a fact is keyed by what it says)."""
    return local_encoder().encode(list(texts))


def described(
    persona: Persona,
    told: Sequence[Fact],
    text: str,
    in_play: Fact | None = None,
    accepted: Mapping[str, Sequence[str]] | None = None,
    context: str = "",
) -> list[str]:
    """Ids of the told facts some clause of ``text`` describes, by meaning (see the module docstring);
    the fact in play needs less similarity and none of its words. ``accepted`` holds, per fact, the
    leader's earlier say-backs she agreed with: saying one of them again (in a summary, say) describes the
    fact too, in the leader's own words, whether or not they use a word of the card. ``context`` is what she
    just said: a say-back of it describes the fact in play (her last line may be more of it than the card's
    reveal lines: the why, an example)."""
    accepted = accepted or {}
    agreed = {fid: content_words(" ".join(said)) for fid, said in accepted.items() if said}

    def own_words(f: Fact, part: str) -> bool:
        return f.id in agreed and bool(content_words(part) & agreed[f.id])

    def relevant(f: Fact, part: str) -> bool:
        return f is in_play or coverage(f, part) > 0 or own_words(f, part)

    if not told or not any(relevant(f, text) for f in told):
        return []
    parts = clauses(text)
    if len(parts) > MAX_CLAUSES:  # a long summary: read the clauses that use a word of some fact
        parts = [c for c in parts if any(coverage(f, c) > 0 or own_words(f, c) for f in told)][
            :MAX_CLAUSES
        ] or parts[:MAX_CLAUSES]
    vecs = local_encoder().encode(parts if len(parts) > 1 else [text])
    out = []
    for fact in told:
        if not relevant(fact, text):
            continue  # no word of the fact at all: not a description of it (and nothing to encode)
        mine = tuple(c for said in accepted.get(fact.id, ()) for c in dict.fromkeys([said, *clauses(said)]))
        hers = tuple(dict.fromkeys([context, *clauses(context)])) if fact is in_play and context else ()
        # each group encoded once and kept: the card's texts, her say-backs agreed to, her last line
        fv = np.vstack(
            [_fact_vectors(g) for g in ((fact.statement, fact.paraphrase, *fact.reveal), mine, hers) if g]
        )
        if float((fv @ vecs.T).max()) >= (SIMILAR_IN_PLAY if fact is in_play else SIMILAR):
            out.append(fact.id)
        elif hers and picks_up(text, context) and float((_fact_vectors(hers) @ vecs.T).max()) >= SIMILAR_ECHO:
            out.append(fact.id)  # "That's a lot of experience walking out the door." after her "when an
            # experienced nurse walks out...": her words and near her meaning
    return out


def picks_up(text: str, context: str) -> bool:
    """The line reuses at least ECHO_STEMS of the content words she just said (as stems: walks, walking)."""
    mine, hers = ({stem(w) for w in content_words(t)} for t in (text, context))
    return len(mine & hers) >= ECHO_STEMS


def _card_stems(persona: Persona) -> set[str]:
    texts = [persona.role, persona.company, persona.industry, persona.voice, persona.background]
    for f in persona.facts:
        texts += [f.topic, f.statement]  # not the reveal lines: their stories name cars, driveways, coffee
    return {stem(w) for t in texts for w in content_words(t)}


@lru_cache(maxsize=1)
def _common_stems() -> frozenset[str]:
    """Stems that at least half of the shipped cards use ("one", "people", "year"): no card's own."""
    cards = [_card_stems(p) for p in shipped_personas()]
    seen: dict[str, int] = {}
    for stems in cards:
        for s in stems:
            seen[s] = seen.get(s, 0) + 1
    return frozenset(s for s, n in seen.items() if 2 * n >= len(cards))


def card_words(persona: Persona) -> set[str]:
    """The stems of the content words the card itself uses, in its profile, voice and briefing and each
    fact's topic and statement, less those most cards share: what her world is made of."""
    return _card_stems(persona) - _common_stems()


def names_her_world(text: str, persona: Persona) -> bool:
    """The line names something her card talks about ("How did the evening shift go?" to a COO whose lines
    run in shifts), as stems of content words."""
    return bool({stem(w) for w in content_words(text)} & card_words(persona))


def closest_told(told: Sequence[Fact], text: str) -> str | None:
    """The told fact a clause is closest to in meaning (to attribute a misreading to the right fact)."""
    if not told:
        return None
    vec = local_encoder().encode([text])[0]
    sims = [float((_fact_vectors((f.statement, f.paraphrase, *f.reveal)) @ vec).max()) for f in told]
    return told[int(np.argmax(sims))].id


def closeness(text: str, candidates: Sequence[str]) -> np.ndarray:
    """The cosine of ``text`` with each candidate, in meaning (MiniLM sentence vectors)."""
    if not candidates:
        return np.zeros(0, dtype=np.float32)
    return _fact_vectors(tuple(candidates)) @ local_encoder().encode([text])[0]
