"""Speed of the behaviour scorer: model load, single-turn latency, batch throughput, artifact size.

    .venv/bin/python -m bench.behaviours

Targets (issue): one turn p95 <= 30 ms; a batch >= 300 utterances/s on 2 cores.
Utterances come from the project's own business sets (evals/data/), each distinct: the encoder encodes a
repeated line once, and the benchmark must not be flattered by that.
"""

from __future__ import annotations

import csv
import os
import statistics
import time
from pathlib import Path

import numpy as np

from bench.machine import describe

REPO = Path(__file__).resolve().parents[1]
DATA = [REPO / "evals" / "data" / f"business_{name}.csv" for name in ("train", "test", "blind")]


def _pairs() -> list[tuple[str, str]]:
    out = []
    for path in DATA:
        with path.open(newline="", encoding="utf-8") as fh:
            out += [(r["utterance"], r["context"]) for r in csv.DictReader(fh)]
    return out


def main() -> None:
    print(f"machine: {describe()}")
    start = time.perf_counter()
    from coach.embeddings import local_encoder
    from coach.scoring.behaviours import classify, classify_batch
    from coach.scoring.classifier import ASSET_DIR, shipped_scorer

    local_encoder()
    shipped_scorer()
    print(f"model load (encoder + classifier): {1000 * (time.perf_counter() - start):.0f} ms")
    files = sorted(f for f in ASSET_DIR.rglob("*") if f.is_file())
    size = sum(f.stat().st_size for f in files)
    print(f"artifact size: {size / 1024:.0f} KiB ({', '.join(str(f.relative_to(ASSET_DIR)) for f in files)})")

    pairs = _pairs()
    for u, c in pairs[:10]:
        classify(u, c)  # warm-up
    lat = []
    cpu_lat = time.process_time()
    for i in range(200):
        u, c = pairs[i % len(pairs)]
        t = time.perf_counter()
        classify(u, c)
        lat.append(1000 * (time.perf_counter() - t))
    cpu_lat = (time.process_time() - cpu_lat) / 200 * 1000
    p50, p95 = np.percentile(lat, 50), np.percentile(lat, 95)
    print(
        f"single turn (warm, 200 calls): p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"mean {statistics.mean(lat):.1f} ms (CPU {cpu_lat:.1f} ms per call)"
        f"  [target p95 <= 30 ms: {'met' if p95 <= 30 else 'MISSED'}]"
    )

    # Every utterance distinct: repeated lines are encoded once, which must not flatter the figure.
    batch = list({u: (u, c) for u, c in pairs}.values())
    t, cpu = time.perf_counter(), time.process_time()
    classify_batch(batch)
    secs, cpu = time.perf_counter() - t, time.process_time() - cpu
    rate = len(batch) / secs
    print(
        f"batch: {len(batch)} utterances in {secs:.2f} s = {rate:.0f} utterances/s"
        f"  [target >= 300/s: {'met' if rate >= 300 else 'MISSED'}]"
    )
    # On a shared machine wall time depends on the neighbours; CPU time used by this process does much less.
    cores = os.cpu_count() or 1
    print(
        f"batch CPU time: {cpu:.2f} CPU-s = {len(batch) / cpu:.0f} utterances per CPU-second "
        f"(~{cores * len(batch) / cpu:.0f}/s if this process had all {cores} cores to itself)"
    )


if __name__ == "__main__":
    main()
