"""A disk cache of the behaviour classifier's MiniLM vectors (layer 3) for training (git-ignored, under evals/results/).

Encoding ~20,000 texts takes minutes on 2 cores; the cache makes re-runs of the evals and of the
cross-validation take seconds. It changes no number: a cached vector is the encoder's own output.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from coach.embeddings import DIM, MODEL_ID, PAIR_CONTEXT_TOKENS, local_encoder

CACHE = Path(__file__).parent / "results" / f"layer3-{MODEL_ID}.npz"
PAIR_CACHE = Path(__file__).parent / "results" / f"pair-layer3-{MODEL_ID}-ctx{PAIR_CONTEXT_TOKENS}.npz"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _load(path: Path) -> dict[str, np.ndarray]:
    if not path.exists():
        return {}
    data = np.load(path)
    return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))


def _cached(items: Sequence, keys: list[str], path: Path, encode: Callable, progress: bool) -> np.ndarray:
    store = _load(path)
    todo = sorted({k: t for k, t in zip(keys, items, strict=True) if k not in store}.items())
    if todo:
        step = 512
        for start in range(0, len(todo), step):
            chunk = todo[start : start + step]
            vecs = encode([t for _, t in chunk])
            store.update({k: v for (k, _), v in zip(chunk, vecs, strict=True)})
            if progress:
                print(f"  encoded {min(start + step, len(todo))}/{len(todo)} new texts", flush=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(store)), vectors=np.stack(list(store.values())))
        tmp.replace(path)
    out = np.zeros((len(items), DIM), dtype=np.float32)
    for i, k in enumerate(keys):
        out[i] = store[k]
    return out


def encode_cached(texts: Sequence[str], path: Path | None = CACHE, progress: bool = False) -> np.ndarray:
    """Layer-3 vectors of ``texts`` (n, 384), encoding only those not already in the cache."""
    if path is None:
        return local_encoder().encode_layer3(list(texts))
    return _cached(texts, [_key(t) for t in texts], path, local_encoder().encode_layer3, progress)


def encode_pairs_cached(
    pairs: Sequence[tuple[str, str]], path: Path | None = PAIR_CACHE, progress: bool = False
) -> np.ndarray:
    """Layer-3 vectors of each utterance read after its context (``encode_pair_layer3``), cached the same way."""
    pairs = [(u, c) for u, c in pairs]
    if path is None:
        return local_encoder().encode_pair_layer3(pairs)
    keys = [_key(u + "\x00" + c) for u, c in pairs]
    return _cached(pairs, keys, path, local_encoder().encode_pair_layer3, progress)
