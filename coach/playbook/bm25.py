"""The lexical side of playbook search: Okapi BM25 over the indexed chunks, and over whole sections.

Lexical(chunks).sections.rank(query, n)   sections, best first
Lexical(chunks).best_chunk(query, key)    the chunk of a section to quote
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from coach.playbook.index import Hit
from coach.text import STOPWORDS, words


def section_key(hit: Any) -> tuple[str, str]:
    return (hit.metadata["source"], hit.metadata["section_id"])


def terms(text: str) -> list[str]:
    """Lower-cased words without stop words, cut to 6 letters (a crude stemmer: 'margins' ~ 'margin')."""
    return [w[:6] for w in words(text) if len(w) > 1 and w not in STOPWORDS]


class Bm25:
    """Okapi BM25 (k1=1.2, b=0.75) over chunk title + text."""

    def __init__(self, hits: list[Any], k1: float = 1.2, b: float = 0.75):
        self.hits = hits
        self.k1, self.b = k1, b
        self.docs = [Counter(terms(f"{h.metadata['title']} {h.text}")) for h in hits]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = (sum(self.lengths) / len(self.docs)) if self.docs else 1.0
        df = Counter(term for d in self.docs for term in d)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def rank(self, query: str, n: int) -> list[Any]:
        wanted = [t for t in terms(query) if t in self.idf]
        scored = []
        for i, doc in enumerate(self.docs):
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg)
            for t in wanted:
                tf = doc.get(t)
                if tf:
                    s += self.idf[t] * tf * (self.k1 + 1) / (tf + norm)
            if s > 0:
                scored.append((s, i))
        scored.sort(key=lambda pair: -pair[0])
        return [self.hits[i] for _, i in scored[:n]]


class Lexical:
    """BM25 over whole sections (to rank them) and over chunks (to quote the best one of a section)."""

    def __init__(self, chunks: list[Any]):
        grouped: dict[tuple[str, str], list[Any]] = {}
        for hit in sorted(chunks, key=lambda h: h.metadata["chunk"]):
            grouped.setdefault(section_key(hit), []).append(hit)
        self._first = {key: hits[0] for key, hits in grouped.items()}
        self.sections = Bm25(
            [Hit("\n".join(h.text for h in hits), hits[0].metadata, 0.0) for hits in grouped.values()]
        )
        self.chunks = Bm25(chunks)

    def best_chunk(self, query: str, key: tuple[str, str]) -> Any:
        for hit in self.chunks.rank(query, n=len(self.chunks.hits)):
            if section_key(hit) == key:
                return hit
        return self._first[key]
