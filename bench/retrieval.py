"""Retrieval benchmark: cold index build, warm search latency, and ``coach ask`` wall time.

    .venv/bin/python -m bench.retrieval [--queries 100] [--cli-runs 10]

Builds the corpus index in a fresh temporary data folder (local MiniLM embeddings), then times
``coach.playbook.retrieval.search`` in-process with the index warm, then runs the ``coach ask`` CLI as a
subprocess against that index. Prints the machine first: figures on a shared or busy machine vary.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import describe
from coach.bench import percentile

REPO = Path(__file__).resolve().parents[1]


def _questions(n: int) -> list[str]:
    from evals.retrieval import load_questions

    pool = [q.q for q in load_questions()]
    return [pool[i % len(pool)] for i in range(n)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=100, help="warm in-process searches (default 100)")
    parser.add_argument("--cli-runs", type=int, default=10, help="'coach ask' subprocess runs (default 10)")
    args = parser.parse_args(argv)

    print(f"machine: {describe()}")
    data_dir = Path(tempfile.mkdtemp(prefix="bench-retrieval-"))
    os.environ["COACH_DATA_DIR"] = str(data_dir)

    started = time.perf_counter()
    from coach.config import load_settings
    from coach.playbook.index import Index
    from coach.playbook.retrieval import search

    imports = time.perf_counter() - started
    settings = load_settings()

    started = time.perf_counter()
    index = Index(settings)  # cold: empty folder, model not loaded, tiktoken not loaded
    build = time.perf_counter() - started
    chunks = index.count("corpus")
    assert index.rebuilt
    print(f"imports (chromadb, langchain, coach): {imports:.2f} s")
    print(
        f"cold index build: {build:.2f} s for {chunks} chunks = {chunks / build:.1f} chunks/s "
        "(includes loading the embedding model and tokenizer)"
    )

    from coach.playbook.ingest import chunk_sections, load_corpus

    started = time.perf_counter()
    docs = chunk_sections(load_corpus())
    chunking = time.perf_counter() - started
    started = time.perf_counter()
    index.embed_documents(docs)
    embedding = time.perf_counter() - started
    print(
        f"  of which, timed again warm: chunking {chunking:.2f} s, embedding {embedding:.2f} s "
        f"({len(docs) / embedding:.1f} chunks/s, MiniLM int8 on CPU)"
    )

    started = time.perf_counter()
    reopened = Index(settings)
    print(f"reopen unchanged index (hash check, no rebuild): {time.perf_counter() - started:.3f} s")
    assert not reopened.rebuilt

    questions = _questions(args.queries)
    search(questions[0], k=3, settings=settings)  # warm: opens the cached index, builds the BM25 table
    times = []
    for q in questions:
        t = time.perf_counter()
        search(q, k=3, settings=settings)
        times.append(time.perf_counter() - t)
    print(
        f"search warm, k=3, {len(times)} queries: p50 {percentile(times, 50) * 1000:.1f} ms  "
        f"p95 {percentile(times, 95) * 1000:.1f} ms  max {max(times) * 1000:.1f} ms"
    )

    coach = Path(sys.executable).with_name("coach")
    command = [str(coach)] if coach.exists() else [sys.executable, "-m", "coach.cli"]
    walls = []
    for i in range(args.cli_runs):
        t = time.perf_counter()
        subprocess.run(
            [*command, "ask", "--json", questions[i % len(questions)]],
            check=True,
            capture_output=True,
            cwd=REPO,
            env={**os.environ, "COACH_DATA_DIR": str(data_dir)},
        )
        walls.append(time.perf_counter() - t)
    print(
        f"'coach ask --json' wall time, warm index, {len(walls)} runs: p50 {percentile(walls, 50):.2f} s  "
        f"p95 {percentile(walls, 95):.2f} s"
    )
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
