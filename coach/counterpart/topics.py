"""What part of the counterpart's world a leader's line is about, read by meaning.

A small network (the same standardise-and-dense form as the behaviour classifier, coach/scoring/classifier.py)
reads the line as MiniLM sees it (the sentence vector and layer 3) plus two hints: how strongly the card's
own cues and the dimensions' area words point at each dimension, and whether it invites talk about their
world in general. It says one of:

- a dimension ("competitors", ..., "needs"): a question about that part of their world;
- "general": an open invitation about their world as a whole ("what keeps you up at night?");
- "off_world": not about their world at all (the weather, the match, the leader's own plans, the app);
- "followup": it goes on with the topic in play ("why is that?", "what did that cost you?", "tell me more").

Trained by ``python -m evals.train_topics`` on natural questions written by people who never saw the cards
or the cue lists (evals/data/natural/, training writers only); measured on other writers' questions by
``python -m evals.understanding``. The artifact is coach/assets/topics/ (two files, no pickle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from coach import paths
from coach.counterpart.cards import Persona
from coach.counterpart.facts import area_scores, is_general
from coach.embeddings import local_encoder
from coach.errors import CorpusError
from coach.scoring.classifier import Network, load_network
from coach.text import Text
from coach.vocab import Dimension

ASSET_DIR = paths.ASSETS / "topics"
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


@lru_cache(maxsize=1)
def shipped_router() -> Network:
    net = load_network(ASSET_DIR)
    if tuple(net.labels) != ABOUT:
        raise CorpusError(
            f"The topic model in {ASSET_DIR} knows {net.labels}, not {ABOUT}. "
            "Rebuild it with: python -m evals.train_topics"
        )
    return net


def route(text: str, persona: Persona | None) -> Route:
    """Read one line; the encoder and the network run locally (a few milliseconds)."""
    net = shipped_router()
    vectors = local_encoder().encode_both([text or " "])
    x = feature_rows([text], [persona], vectors)
    probs = net.proba(x)[0]
    out = {label: float(p) for label, p in zip(net.labels, probs, strict=True)}
    return Route(max(out, key=out.__getitem__), out)
