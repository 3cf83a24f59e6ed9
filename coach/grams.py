"""A line's spelling, as hashed word and character n-grams weighted by rarity (TF-IDF).

The sentence encoder reads meaning but stumbles on the spellings people type ("ur", "losin", "rn", "wat's
the plan", a dictated run-on); the letters of a word survive a typo. A second small network reads these
features and the topic router averages it with the one on the encoder (coach/counterpart/topics.py):
measured leave-one-writer-out over the router's training writers, first question 0.927 -> 0.943 and
follow-up 0.975 -> 0.992 (``python -m evals.train_topics --cv``).

    counts(texts)         (n, DIM) raw counts of each hashed gram
    document_weights(c)   the rarity weights of a training set's counts (0 for a gram it never saw)
    weighted(c, idf)      log counts times rarity, each row scaled to unit length

Words: lowercased runs of letters, digits and apostrophes; grams: each word, each pair of neighbouring words,
and the 3-, 4- and 5-letter pieces of each word with its edges marked. Hashed with CRC-32 into DIM buckets, so
nothing is stored but the weights and the same text always gives the same row.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Sequence

import numpy as np

DIM = 4096
CHAR_SIZES = (3, 4, 5)
_WORD = re.compile(r"[a-z0-9']+")


def grams(text: str) -> Iterator[str]:
    words = _WORD.findall(text.lower())
    yield from (f"w:{w}" for w in words)
    yield from (f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    for w in words:
        edged = f"<{w}>"
        for n in CHAR_SIZES:
            yield from (f"c:{edged[i : i + n]}" for i in range(len(edged) - n + 1))


def counts(texts: Sequence[str]) -> np.ndarray:
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for g in grams(text):
            out[row, zlib.crc32(g.encode("utf-8")) % DIM] += 1.0
    return out


def document_weights(train_counts: np.ndarray) -> np.ndarray:
    """Inverse document frequency over the training rows; a bucket no training row used weighs 0, so a new
    spelling cannot push the network somewhere it has never been."""
    n = train_counts.shape[0]
    df = (train_counts > 0).sum(axis=0)
    return np.where(df > 0, np.log((1.0 + n) / (1.0 + df)), 0.0).astype(np.float32)


def weighted(raw: np.ndarray, idf: np.ndarray) -> np.ndarray:
    x = np.log1p(raw) * idf
    return (x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)).astype(np.float32)
