"""What part of the counterpart's world a leader's line is about, read by meaning.

Two small networks (the same standardise-and-dense form as the behaviour classifier,
coach/scoring/classifier.py) read the line and their readings are averaged. One reads it as MiniLM sees it
(the sentence vector and layer 3) plus two hints: how strongly the card's own cues and the dimensions' area
words point at each dimension, and whether it invites talk about their world in general. The other reads its
spelling (coach/grams.py: word and letter n-grams), which survives the typos and shorthand people type.
Together they say one of:

- a dimension ("competitors", ..., "needs"): a question about that part of their world;
- "general": an open invitation about their world as a whole ("what keeps you up at night?");
- "off_world": not about their world at all (the weather, the match, the leader's own plans, the app);
- "followup": it goes on with the topic in play ("why is that?", "what did that cost you?", "tell me more").

Trained by ``python -m evals.train_topics`` on natural questions written by people who never saw the cards
or the cue lists (evals/data/natural/, training writers only); measured on other writers' questions by
``python -m evals.understanding``. The artifacts are coach/assets/topics/ and its grams/ folder (two files
each, no pickle; the grams network's rarity weights are in its model.json).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from coach import grams, paths
from coach.counterpart.cards import Persona
from coach.counterpart.facts import area_scores, is_general
from coach.embeddings import local_encoder
from coach.errors import CorpusError
from coach.scoring.classifier import Network, gram_weights, load_network
from coach.text import Text
from coach.vocab import Dimension

ASSET_DIR = paths.ASSETS / "topics"
GRAMS_DIR = ASSET_DIR / "grams"
REBUILD = "python -m evals.train_topics"
GENERAL, OFF_WORLD, FOLLOWUP = "general", "off_world", "followup"
ABOUT: tuple[str, ...] = (*(d.value for d in Dimension), GENERAL, OFF_WORLD, FOLLOWUP)
HINT_CAP = 3.0  # a dimension's keyword hint counts at most this much
AREA_SHARE = 0.5  # a dimension this close to the best one is also "asked about"


@dataclass(frozen=True)
class Route:
    """Where a line points: ``about`` is the best reading; ``probs`` all of them."""

    about: str
    probs: dict[str, float] = field(default_factory=dict)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimensions the line may be asking about, strongest first (within AREA_SHARE of the best)."""
        dims = sorted((d.value for d in Dimension), key=lambda d: -self.probs.get(d, 0.0))
        best = self.probs.get(dims[0], 0.0)
        return tuple(d for d in dims if self.probs.get(d, 0.0) >= AREA_SHARE * best and best > 0)

    def best_new_topic(self) -> str:
        """The best reading other than "goes on with the topic in play" (for when nothing is in play)."""
        return max((a for a in ABOUT if a != FOLLOWUP), key=lambda a: self.probs.get(a, 0.0))


def hints(text: str, persona: Persona | None) -> list[float]:
    """The keyword hints: per dimension (card cues weigh double), general-invitation words, length."""
    t = Text.of(text)
    scores = area_scores(persona, t) if persona is not None else {}
    return [min(HINT_CAP, scores.get(d.value, 0.0)) for d in Dimension] + [
        float(is_general(t)),
        len(text.split()) / 20.0,
    ]


def feature_rows(texts: Sequence[str], personas: Sequence[Persona | None], vectors: np.ndarray) -> np.ndarray:
    """One row per text: sentence vector, layer-3 vector (from ``encode_both``), then the hints."""
    return np.hstack(
        [vectors, np.array([hints(t, p) for t, p in zip(texts, personas, strict=True)], dtype=np.float32)]
    )


@dataclass(frozen=True)
class Router:
    """The two networks and the grams network's rarity weights; ``proba`` averages their readings."""

    meaning: Network
    spelling: Network
    idf: np.ndarray

    def proba(
        self, texts: Sequence[str], personas: Sequence[Persona | None], vectors: np.ndarray
    ) -> np.ndarray:
        """One row of probabilities over ABOUT per text; ``vectors`` from ``encode_both``."""
        return self.proba_rows(feature_rows(texts, personas, vectors), grams.counts(texts))

    def proba_rows(self, rows: np.ndarray, gram_counts: np.ndarray) -> np.ndarray:
        """The same from features already taken: ``feature_rows`` and ``grams.counts`` of the texts."""
        by_meaning = self.meaning.proba(rows)
        by_spelling = self.spelling.proba(grams.weighted(gram_counts, self.idf))
        return (by_meaning + by_spelling) / 2.0


@lru_cache(maxsize=1)
def shipped_router() -> Router:
    meaning, spelling = load_network(ASSET_DIR, REBUILD), load_network(GRAMS_DIR, REBUILD)
    idf = gram_weights(spelling)
    if tuple(meaning.labels) != ABOUT or tuple(spelling.labels) != ABOUT or idf.shape != (grams.DIM,):
        raise CorpusError(
            f"The topic models in {ASSET_DIR} know {meaning.labels} and {spelling.labels} "
            f"({idf.shape[0]} gram weights), not {ABOUT} ({grams.DIM}). Rebuild them with: {REBUILD}"
        )
    return Router(meaning, spelling, idf)


def route(text: str, persona: Persona | None) -> Route:
    """Read one line; the encoder and the networks run locally (a few milliseconds)."""
    text = text or " "
    probs = shipped_router().proba([text], [persona], local_encoder().encode_both([text]))[0]
    out = {label: float(p) for label, p in zip(ABOUT, probs, strict=True)}
    return Route(max(out, key=out.__getitem__), out)
