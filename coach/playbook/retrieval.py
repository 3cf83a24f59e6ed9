"""Cited retrieval over the playbook (and the user's ingested documents).

    search("how do I open a budget conversation with our CFO?", k=3) -> [Passage, ...]
    get_section("thats-right") -> Passage   # the whole section, straight from corpus/playbook
    section_ids() -> ["partnership", "business-context", ...]

``search`` ranks sections twice, by meaning (each section's best chunk by MiniLM or OpenAI embeddings in
chromadb) and by words (BM25 over whole sections), and fuses the two rankings (reciprocal rank fusion).
Words catch names and terms ("ERP", "margin") that a small embedding model blurs; meaning catches
paraphrase. Each passage is its section's best chunk, so k=3 gives three different citations. The index is
opened once per process and per data folder; the corpus is re-indexed only when its files change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from coach.config import Settings, load_settings
from coach.errors import CorpusError, InputError
from coach.playbook import ingest
from coach.playbook.bm25 import Lexical, section_key
from coach.playbook.index import Index
from coach.playbook.ingest import chunk_sections, load_corpus, read_user_files

MAX_K = 50
_OVERFETCH = 5  # chunks fetched per wanted passage, so that k distinct sections survive de-duplication
_MIN_FETCH = 30
RRF_K = 10  # reciprocal rank fusion constant; 10 beat the textbook 60 on the dev questions (evals/)


@dataclass(frozen=True)
class Passage:
    text: str
    section_id: str
    title: str
    source: str  # "corpus/playbook/03-hopes-for-change.md", or the path of a file the user ingested
    score: float  # fused relevance in (0, 1]: 1.0 = first by both meaning and words (get_section: 1.0)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_INDEXES: dict[tuple[str, ...], Any] = {}
_LOCK = threading.Lock()


def open_index(settings: Settings | None = None):
    """The process-wide index for these settings (opened, and the corpus synced, on first use)."""
    settings = settings or load_settings()
    key = (
        str(settings.data_dir),
        settings.chroma_url or "",
        settings.embeddings,
        settings.embedding_model,
        settings.base_url or "",
    )
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
        _LEXICAL.clear()


def search(query: str, k: int = 3, settings: Settings | None = None) -> list[Passage]:
    """The k passages most relevant to ``query``, at most one per section, best first."""
    if not isinstance(query, str) or not query.strip():
        raise InputError('The question is empty. Ask something, e.g. "how do I open a budget conversation?"')
    if not 1 <= k <= MAX_K:
        raise InputError(f"k={k} is out of range. Ask for 1 to {MAX_K} passages.")
    index = open_index(settings)
    n = max(k * _OVERFETCH, _MIN_FETCH)
    dense = index.query(query.strip(), n=n)  # chunks, by meaning
    words = _lexical(index)
    best_chunk = {}  # section -> its best chunk by meaning
    for hit in dense:
        best_chunk.setdefault(section_key(hit), hit)
    fused = fuse([list(best_chunk.values()), words.sections.rank(query, n=n)])
    passages: list[Passage] = []
    for section, score in fused[:k]:
        key = section_key(section)
        chunk = best_chunk.get(key) or words.best_chunk(query, key)
        meta = chunk.metadata
        passages.append(
            Passage(chunk.text, meta["section_id"], meta["title"], meta["source"], round(score, 4))
        )
    return passages


def fuse(rankings: list[list[Any]]) -> list[tuple[Any, float]]:
    """Reciprocal rank fusion of ranked section lists; scores scaled so first-in-every-list is 1.0."""
    scores: dict[tuple[str, str], float] = {}
    first: dict[tuple[str, str], Any] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            key = section_key(hit)
            scores[key] = scores.get(key, 0.0) + 1.0 / (RRF_K + rank)
            first.setdefault(key, hit)
    top = len(rankings) / (RRF_K + 1)
    return [(first[key], scores[key] / top) for key in sorted(scores, key=lambda key: -scores[key])]


_LEXICAL: dict[int, tuple[tuple[int, int], Lexical]] = {}


def _lexical(index: Any) -> Lexical:
    """The BM25 tables for this index, rebuilt when the index was written (here or by another process)."""
    stamp = (index.generation, index.count())
    cached = _LEXICAL.get(id(index))
    if cached is None or cached[0] != stamp:
        cached = _LEXICAL[id(index)] = (stamp, Lexical(index.all_chunks()))
    return cached[1]


def add_documents(
    paths: list[str | Path], settings: Settings | None = None, progress: Callable[[int], Any] | None = None
) -> dict[str, Any]:
    """Ingest a user's files: check them all, embed them all, and only then write them to the index.

    A file ingested before is replaced, not duplicated. ``progress(0)`` is called once the checks pass,
    ``progress(1)`` after each file is embedded. Returns a summary: per file its sections and chunks,
    and the totals of user documents.
    """
    loaded = read_user_files(list(paths))  # InputError listing every bad file; nothing written yet
    index = open_index(settings)
    if progress:
        progress(0)  # all files passed the checks: embedding starts
    prepared = []
    for path, sections in loaded.items():
        docs = chunk_sections(sections)
        prepared.append((path, sections, docs, index.embed_documents(docs)))
        if progress:
            progress(1)
    for path, _sections, docs, vectors in prepared:
        index.replace_source(str(path), docs, vectors)
    sources = index.user_sources()
    return {
        "files": [{"path": str(p), "sections": len(s), "chunks": len(d)} for p, s, d, _ in prepared],
        "user_files": len(sources),
        "user_chunks": index.count("user"),
    }


def get_section(section_id: str) -> Passage:
    """A whole playbook section by id, read from the corpus files (no index needed)."""
    sections = load_corpus(ingest.CORPUS_DIR)
    for section in sections:
        if section.section_id == section_id:
            return Passage(section.text, section.section_id, section.title, section.source, 1.0)
    raise CorpusError(
        f"No playbook section has the id {section_id!r}. "
        f"Use one of the known ids: {', '.join(s.section_id for s in sections)}."
    )


def section_ids() -> list[str]:
    """Every playbook section id, in reading order."""
    return [s.section_id for s in load_corpus(ingest.CORPUS_DIR)]
