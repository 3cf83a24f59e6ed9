"""Cited retrieval over the playbook (and the user's ingested documents).

    search("how do I open a budget conversation with our CFO?", k=3) -> [Passage, ...]
    get_section("thats-right") -> Passage   # the whole section, straight from corpus/playbook
    section_ids() -> ["partnership", "business-context", ...]

``search`` returns at most one passage per section (the best-matching chunk), best first, so k=3 gives
three different citations. The index is opened once per process and per data folder, and the corpus is
re-indexed only when its files change.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

from coach.config import Settings, load_settings
from coach.errors import CorpusError, InputError
from coach.ingest import CORPUS_DIR, load_corpus

MAX_K = 50
_OVERFETCH = 5  # chunks fetched per wanted passage, so that k distinct sections survive de-duplication


@dataclass(frozen=True)
class Passage:
    text: str
    section_id: str
    title: str
    source: str  # "corpus/playbook/03-hopes-for-change.md", or the path of a file the user ingested
    score: float  # cosine similarity to the query (1.0 for get_section)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_INDEXES: dict[tuple[str, ...], Any] = {}
_LOCK = threading.Lock()


def open_index(settings: Settings | None = None):
    """The process-wide index for these settings (opened, and the corpus synced, on first use)."""
    from coach.index import Index

    settings = settings or load_settings()
    key = (str(settings.data_dir), settings.embeddings, settings.embedding_model, settings.base_url or "")
    with _LOCK:
        index = _INDEXES.get(key)
        if index is None:
            index = _INDEXES[key] = Index(settings)
        else:
            index.sync_corpus()  # cheap (hashes ~30 KB); picks up corpus edits in a long-running app
        return index


def forget_indexes() -> None:
    """Drop cached indexes (tests, or after deleting the index folder)."""
    with _LOCK:
        _INDEXES.clear()


def search(query: str, k: int = 3, settings: Settings | None = None) -> list[Passage]:
    """The k passages most relevant to ``query``, at most one per section, best first."""
    if not isinstance(query, str) or not query.strip():
        raise InputError('The question is empty. Ask something, e.g. "how do I open a budget conversation?"')
    if not 1 <= k <= MAX_K:
        raise InputError(f"k={k} is out of range. Ask for 1 to {MAX_K} passages.")
    hits = open_index(settings).query(query.strip(), n=k * _OVERFETCH)
    passages: list[Passage] = []
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        meta = hit.metadata
        key = (meta["source"], meta["section_id"])
        if key in seen:
            continue
        seen.add(key)
        passages.append(
            Passage(hit.text, meta["section_id"], meta["title"], meta["source"], round(hit.score, 4))
        )
        if len(passages) == k:
            break
    return passages


def get_section(section_id: str) -> Passage:
    """A whole playbook section by id, read from the corpus files (no index needed)."""
    sections = load_corpus(CORPUS_DIR)
    for section in sections:
        if section.section_id == section_id:
            return Passage(section.text, section.section_id, section.title, section.source, 1.0)
    raise CorpusError(
        f"No playbook section has the id {section_id!r}. "
        f"Use one of the known ids: {', '.join(s.section_id for s in sections)}."
    )


def section_ids() -> list[str]:
    """Every playbook section id, in reading order."""
    return [s.section_id for s in load_corpus(CORPUS_DIR)]
