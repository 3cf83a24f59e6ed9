"""The learned part of the behaviour scorer: a small network over :mod:`coach.scoring.features`, run in numpy.

The artifact (``coach/assets/behaviours/``) is two files, no pickle:

* ``model.npz``: ``mean``, ``scale`` (feature standardisation) and ``W0, b0, W1, b1, ...`` (dense layers;
  ReLU between them, softmax at the end);
* ``model.json``: labels, feature layout, how it was trained (data, rows, command) and its measured scores.

``evals/train_behaviours.py`` writes both; nothing here needs the training tools.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from coach import paths
from coach.errors import CorpusError

ASSET_DIR = paths.ASSETS / "behaviours"


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


def load_network(directory: Path = ASSET_DIR, rebuild: str = "python -m evals.train_behaviours") -> Network:
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


@lru_cache(maxsize=1)
def shipped_network() -> Network:
    """The artifact that ships with the package, loaded once per process."""
    return load_network(ASSET_DIR)
