"""The learned part of the behaviour scorer: two small networks (features and n-grams), run in numpy.

Two networks read each utterance and their readings are averaged (:class:`Scorer`): one on meaning (the
encoder's vectors and the named cues), one on spelling (coach/grams.py: word and letter n-grams of the
utterance, plus the same cues), which survives the typos, shorthand and unpunctuated dictation the encoder
stumbles on. Each artifact (``coach/assets/behaviours/`` and its ``grams/`` folder) is two files, no pickle:

* ``model.npz``: ``mean``, ``scale`` (feature standardisation) and ``W0, b0, W1, b1, ...`` (dense layers;
  ReLU between them, softmax at the end);
* ``model.json``: labels, feature layout, how it was trained (data, rows, command) and its measured scores;
  the spelling network's also holds its rarity weights (``idf``), its share of the reading (``share``) and
  the exponent that calibrates the averaged reading (``sharpen``).

``evals/train_behaviours.py`` writes both; nothing here needs the training tools.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from coach import grams, paths
from coach.errors import CorpusError

ASSET_DIR = paths.ASSETS / "behaviours"
GRAMS_DIR = ASSET_DIR / "grams"
REBUILD = "python -m evals.train_behaviours"


@dataclass(frozen=True)
class Network:
    """Standardise, then dense layers with ReLU between them; ``proba`` gives softmax rows."""

    labels: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return int(self.mean.shape[0])

    def logits(self, x: np.ndarray) -> np.ndarray:
        h = (np.asarray(x, dtype=np.float32) - self.mean) / self.scale
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = h @ w + b
            if i < len(self.weights) - 1:
                h = np.maximum(h, 0.0)
        return h

    def proba(self, x: np.ndarray) -> np.ndarray:
        z = self.logits(x)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def arrays(self) -> dict[str, np.ndarray]:
        out = {"mean": self.mean, "scale": self.scale}
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            out[f"W{i}"], out[f"b{i}"] = w, b
        return out

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {
            k: v.astype(np.float16 if k.startswith("W") else np.float32) for k, v in self.arrays().items()
        }
        np.savez_compressed(directory / "model.npz", **arrays)
        meta = dict(self.meta, labels=list(self.labels), n_features=self.n_features, layers=len(self.weights))
        (directory / "model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def load_network(directory: Path = ASSET_DIR, rebuild: str = REBUILD) -> Network:
    """Read an artifact written by :meth:`Network.save`; a missing or damaged one is a CorpusError that
    names ``rebuild``, the command that makes it."""
    npz, meta_path = directory / "model.npz", directory / "model.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        with np.load(npz) as data:
            arrays = {k: data[k].astype(np.float32) for k in data.files}
    except (OSError, ValueError, KeyError) as exc:
        raise CorpusError(
            f"The model in {directory} is missing or damaged ({exc}). "
            f"Reinstall the package, or rebuild it with: {rebuild}"
        ) from None
    n = int(meta["layers"])
    return Network(
        labels=tuple(meta["labels"]),
        mean=arrays["mean"],
        scale=arrays["scale"],
        weights=tuple(arrays[f"W{i}"] for i in range(n)),
        biases=tuple(arrays[f"b{i}"] for i in range(n)),
        meta=meta,
    )


def gram_weights(spelling: Network) -> np.ndarray:
    """The rarity weights a spelling network (coach/grams.py features) keeps in its model.json."""
    return np.asarray(spelling.meta.get("idf", []), dtype=np.float32)


@dataclass(frozen=True)
class Scorer:
    """The meaning and spelling networks, the spelling network's rarity weights and its share of the
    reading (coach.scoring.behaviours.reading averages them), and ``sharpen``: an average of two readings is
    less sure than either, so its probabilities are raised to this power (and renormalised) to say as much
    confidence as it has earned in cross-validation."""

    meaning: Network
    spelling: Network
    idf: np.ndarray
    share: float
    sharpen: float = 1.0

    def save(self, directory: Path) -> None:
        self.meaning.save(directory)
        spelling_meta = dict(
            self.spelling.meta,
            idf=[round(float(v), 5) for v in self.idf],
            share=self.share,
            sharpen=self.sharpen,
        )
        replace(self.spelling, meta=spelling_meta).save(directory / GRAMS_DIR.name)


def load_scorer(directory: Path = ASSET_DIR) -> Scorer:
    meaning, spelling = load_network(directory), load_network(directory / GRAMS_DIR.name)
    idf = gram_weights(spelling)
    share, sharpen = spelling.meta.get("share"), spelling.meta.get("sharpen", 1.0)
    if (
        tuple(meaning.labels) != tuple(spelling.labels)
        or idf.shape != (grams.DIM,)
        or not isinstance(share, int | float)
        or not 0.0 <= share <= 1.0
        or not isinstance(sharpen, int | float)
        or not 0.0 < sharpen <= 10.0
    ):
        raise CorpusError(
            f"The behaviour models in {directory} do not fit together (labels {meaning.labels} and "
            f"{spelling.labels}, {idf.shape[0]} gram weights for {grams.DIM}, share {share!r}, sharpen {sharpen!r}). "
            f"Rebuild them with: {REBUILD}"
        )
    return Scorer(meaning, spelling, idf, float(share), float(sharpen))


@lru_cache(maxsize=1)
def shipped_scorer() -> Scorer:
    """The artifacts that ship with the package, loaded once per process."""
    return load_scorer(ASSET_DIR)
