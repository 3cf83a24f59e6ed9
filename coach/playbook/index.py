"""The vector-store seam: one persistent chromadb collection per embedding model, under ``data_dir/index``.

The collection holds the playbook's chunks (``kind="corpus"``) and the user's ingested documents
(``kind="user"``). A fingerprint of the corpus files is kept in the collection's metadata; the corpus
chunks are rebuilt only when it changes, and user documents are never touched by that rebuild. When the
bundled encoder changes (a new model id, so a new collection), the user's documents are carried over from
the previous local collection on first open, re-embedded; documents ingested under OpenAI embeddings stay
in that model's collection.

Embedding functions are passed to chromadb explicitly (its default would download a model) and are
registered, so reopening a collection in another process rebuilds the same function.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.documents import Document

from coach.config import Settings, ensure_data_dir, load_settings
from coach.embeddings import MODEL_ID, OpenAIEmbeddings, local_encoder
from coach.errors import CoachError, CorpusError
from coach.playbook import ingest
from coach.playbook.ingest import chunk_sections, corpus_fingerprint, load_corpus, slug

log = logging.getLogger(__name__)
SCHEMA = "1"  # bump when ids, metadata or the embedded text change: forces a corpus rebuild
_ADD_BATCH = 256


@register_embedding_function
class LocalMiniLMFunction(EmbeddingFunction[Documents]):
    """chromadb adapter for the bundled MiniLM encoder (no download, no server)."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's keyword
        return list(local_encoder().encode(list(input)))

    @staticmethod
    def name() -> str:
        return "counterpart-minilm-int8"

    def get_config(self) -> dict[str, Any]:
        return {"model_id": MODEL_ID}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> LocalMiniLMFunction:
        return LocalMiniLMFunction()

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


@register_embedding_function
class OpenAIEmbeddingFunction(EmbeddingFunction[Documents]):
    """chromadb adapter for OpenAI-compatible embeddings; the key is never stored in the collection."""

    def __init__(self, embed: OpenAIEmbeddings) -> None:
        self._embed = embed

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chromadb's keyword
        return list(self._embed.encode(list(input)))

    @staticmethod
    def name() -> str:
        return "counterpart-openai"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._embed.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OpenAIEmbeddingFunction:
        settings = load_settings()
        return OpenAIEmbeddingFunction(
            _openai_embeddings(settings, config.get("model") or settings.embedding_model)
        )

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


def _openai_embeddings(settings: Settings, model: str) -> OpenAIEmbeddings:
    key = settings.api_key or os.environ.get("OPENAI_API_KEY")
    if not key:
        raise CorpusError(
            "COACH_EMBEDDINGS=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)."
        )
    return OpenAIEmbeddings(
        model, key, base_url=settings.base_url, timeout=settings.timeout, max_retries=settings.max_retries
    )


def embedding_function(settings: Settings) -> EmbeddingFunction[Documents]:
    if settings.embeddings == "openai":
        return OpenAIEmbeddingFunction(_openai_embeddings(settings, settings.embedding_model))
    return LocalMiniLMFunction()


def collection_name(settings: Settings) -> str:
    """One collection per embedding model: vectors of different models cannot share an index."""
    if settings.embeddings == "openai":
        return f"counterpart-openai-{slug(settings.embedding_model)}"[:200]
    return f"counterpart-{slug(MODEL_ID)}"


@dataclass(frozen=True)
class Hit:
    text: str
    metadata: dict[str, Any]
    score: float  # cosine similarity, higher is closer


class Index:
    """The opened collection; opening it syncs the corpus chunks (``rebuilt`` says if it had to)."""

    def __init__(self, settings: Settings, corpus_dir: Path | None = None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.settings = settings
        self.corpus_dir = (
            corpus_dir or ingest.CORPUS_DIR
        )  # read at call time, so tests can point it elsewhere
        self.path = settings.chroma_url or ensure_data_dir(settings) / "index"
        self._ef = embedding_function(settings)
        try:
            if settings.chroma_url:  # a team's shared Chroma server (`chroma run`), for every app replica
                url = urlsplit(settings.chroma_url)
                self._client = chromadb.HttpClient(
                    host=url.hostname,
                    port=url.port or (443 if url.scheme == "https" else 80),
                    ssl=url.scheme == "https",
                    settings=ChromaSettings(anonymized_telemetry=False),
                )
            else:
                self._client = chromadb.PersistentClient(
                    path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False)
                )
            self._collection = self._client.get_or_create_collection(
                collection_name(settings),
                embedding_function=self._ef,
                configuration={"hnsw": {"space": "cosine"}},
            )
        except CoachError:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types; all mean "index unusable"
            fix = (
                "Check that the Chroma server is running there and COACH_CHROMA_URL is right, or unset "
                "COACH_CHROMA_URL to keep the index in the data directory."
                if settings.chroma_url
                else "Delete that folder to rebuild it (run 'coach ingest' again for your own documents)."
            )
            raise CorpusError(
                f"Cannot open the search index at {self.path} ({type(exc).__name__}: {exc}). {fix}"
            ) from None
        self.generation = 0  # bumped on every write, so caches built from the chunks know they are stale
        self.rebuilt = self.sync_corpus()
        self.carried_over = self.carry_over_user_documents()

    # -- corpus ------------------------------------------------------------------------------------

    def corpus_state(self) -> dict[str, Any]:
        return dict(self._collection.metadata or {})

    def sync_corpus(self) -> bool:
        """Re-index the corpus if its files changed since the last build; return True if it did."""
        fingerprint = f"{SCHEMA}:{corpus_fingerprint(self.corpus_dir)}"
        if self.corpus_state().get("corpus_fingerprint") == fingerprint:
            return False
        started = time.perf_counter()
        docs = chunk_sections(load_corpus(self.corpus_dir))
        vectors = self.embed_documents(docs)  # before deleting anything: a failure leaves the old index
        self._collection.delete(where={"kind": "corpus"})
        self._add(docs, vectors, [f"corpus:{d.metadata['section_id']}:{d.metadata['chunk']}" for d in docs])
        self._update_metadata(
            corpus_fingerprint=fingerprint, corpus_chunks=len(docs), corpus_built_at=time.time()
        )
        self.generation += 1
        log.info("indexed %d corpus chunks in %.2fs", len(docs), time.perf_counter() - started)
        return True

    def _update_metadata(self, **changes: Any) -> None:
        """chromadb's modify() replaces a collection's metadata whole; merge, so no key drops another."""
        self._collection.modify(metadata={**self.corpus_state(), **changes})

    # -- user documents ----------------------------------------------------------------------------

    def replace_source(
        self, source: str, docs: Sequence[Document], vectors: Sequence[Sequence[float]]
    ) -> None:
        """Put one user file's chunks in place of any earlier version of the same file."""
        key = hashlib.sha1(source.encode()).hexdigest()[:12]
        self._collection.delete(where={"$and": [{"kind": "user"}, {"source": source}]})
        self.generation += 1
        if docs:
            self._add(
                docs, vectors, [f"user:{key}:{d.metadata['section_id']}:{d.metadata['chunk']}" for d in docs]
            )

    def carry_over_user_documents(self) -> int:
        """After an upgrade of the bundled encoder, bring the user's ingested documents into this model's
        collection (their text is kept in the old one; only the vectors change). Runs once per collection;
        old collections are left as they were. Returns how many chunks were carried over."""
        if self.settings.embeddings != "local" or self.corpus_state().get("user_docs_checked"):
            return 0
        moved = 0
        if not self.count("user"):
            newest: tuple[float, str, dict[str, Any]] | None = None  # the most recently built old index wins
            for name in self._older_local_collections():
                try:
                    old = self._client.get_collection(name)
                    rows = old.get(where={"kind": "user"}, include=["documents", "metadatas"])
                except Exception as exc:  # noqa: BLE001 - an unreadable old index must not block this one
                    log.warning("could not read %s to carry its documents over: %s", name, exc)
                    continue
                built = float((old.metadata or {}).get("corpus_built_at", 0.0))
                if rows["ids"] and (newest is None or built > newest[0]):
                    newest = (built, name, rows)
            if newest is not None:
                _, name, rows = newest
                docs = [
                    Document(page_content=text, metadata=dict(meta))
                    for text, meta in zip(rows["documents"], rows["metadatas"], strict=True)
                ]
                self._add(docs, self.embed_documents(docs), list(rows["ids"]))
                moved = len(docs)
                self.generation += 1
                log.info("carried %d chunks of ingested documents over from %s", moved, name)
        self._update_metadata(user_docs_checked=True)
        return moved

    def _older_local_collections(self) -> list[str]:
        """Collections of earlier bundled encoders (never OpenAI-embedded ones)."""
        current = collection_name(self.settings)
        try:
            names = [getattr(c, "name", c) for c in self._client.list_collections()]
        except Exception as exc:  # noqa: BLE001 - listing may try to rebuild other collections' functions
            log.warning("could not list older collections: %s", exc)
            return []
        return [
            n
            for n in names
            if n.startswith("counterpart-") and not n.startswith("counterpart-openai-") and n != current
        ]

    def user_sources(self) -> list[str]:
        rows = self._collection.get(where={"kind": "user"}, include=["metadatas"])
        return sorted({m["source"] for m in rows["metadatas"] or []})

    # -- shared ------------------------------------------------------------------------------------

    def embed_documents(self, docs: Sequence[Document]) -> list[Sequence[float]]:
        """A chunk is embedded with its section title in front: the title often names the topic best."""
        return list(self._ef([f"{d.metadata['title']}.\n{d.page_content}" for d in docs])) if docs else []

    def _add(self, docs: Sequence[Document], vectors: Sequence[Sequence[float]], ids: list[str]) -> None:
        assert len(docs) == len(vectors) == len(ids)
        for start in range(0, len(docs), _ADD_BATCH):
            end = start + _ADD_BATCH
            self._collection.upsert(  # upsert: replicas syncing the corpus together write the same ids
                ids=ids[start:end],
                documents=[d.page_content for d in docs[start:end]],
                metadatas=[dict(d.metadata) for d in docs[start:end]],
                embeddings=[list(map(float, v)) for v in vectors[start:end]],
            )

    def count(self, kind: str | None = None) -> int:
        if kind is None:
            return self._collection.count()
        return len(self._collection.get(where={"kind": kind}, include=[])["ids"])

    def all_chunks(self) -> list[Hit]:
        """Every chunk (score 0), for the lexical side of search."""
        rows = self._collection.get(include=["documents", "metadatas"])
        return [
            Hit(doc, dict(meta), 0.0) for doc, meta in zip(rows["documents"], rows["metadatas"], strict=True)
        ]

    def query(self, text: str, n: int) -> list[Hit]:
        n = min(n, self._collection.count())
        if n <= 0:
            return []
        res = self._collection.query(
            query_texts=[text], n_results=n, include=["documents", "metadatas", "distances"]
        )
        return [
            Hit(doc, dict(meta), 1.0 - float(dist))
            for doc, meta, dist in zip(
                res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
            )
        ]
