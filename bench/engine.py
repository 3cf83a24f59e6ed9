"""The counterpart: speed of one offline turn, and how each persona answers the scripted leaders.

    .venv/bin/python -m bench.engine

Target (issue): an offline turn (score the line, engine decides, authored reply) p95 <= 50 ms.
The turns are the scripted good listener's lines for every shipped persona (coach.counterpart.scripted), so the
mix holds questions, reflections and long summaries. Scoring uses coach.scoring.behaviours.classify; if its
model is not built yet, that is said and the turn is timed without it.
"""

from __future__ import annotations

import os
import platform
import statistics
import time

from coach.counterpart.cards import list_personas
from coach.counterpart.engine import DIFFICULTIES, Engine
from coach.counterpart.scripted import SCRIPTS, good_listener, label
from coach.counterpart.voice import speak
from coach.transcript import Turn


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _classifier():
    try:
        from coach.scoring.behaviours import classify

        classify("What keeps you up at night?")  # loads the encoder and the model once
        return classify
    except Exception as exc:  # noqa: BLE001 - the bench reports what it could not measure
        print(f"scorer unavailable ({type(exc).__name__}: {str(exc)[:120]}); timing engine + reply only")
        return None


def timing(rounds: int = 3) -> None:
    classify = _classifier()
    personas = list_personas()
    scripts = {p.id: [(t["leader"], t["label"]) for t in good_listener(p, "normal").turns] for p in personas}
    full: list[float] = []
    engine_only: list[float] = []
    scorer: list[float] = []
    for _ in range(rounds):
        for p in personas:
            e = Engine(p, "normal", seed=1)
            history = [Turn("counterpart", e.opening().line)]
            for text, scripted in scripts[p.id]:
                t0 = time.perf_counter()
                labelled = classify(text, history[-1].text) if classify else label(scripted)
                t1 = time.perf_counter()
                d = e.respond(text, labelled)
                reply = "".join(speak(d, p, history, None))
                t2 = time.perf_counter()
                history += [Turn("leader", text), Turn("counterpart", reply)]
                full.append(1000 * (t2 - t0))
                engine_only.append(1000 * (t2 - t1))
                scorer.append(1000 * (t1 - t0))
    what = "score + engine + reply" if classify else "engine + reply (no scorer)"
    print(
        f"offline turn ({what}), {len(full)} turns: p50 {_pct(full, 0.5):.1f} ms, "
        f"p95 {_pct(full, 0.95):.1f} ms, max {max(full):.1f} ms (target p95 <= 50 ms)"
    )
    print(
        f"  engine + reply alone: p50 {_pct(engine_only, 0.5):.2f} ms, p95 {_pct(engine_only, 0.95):.2f} ms, "
        f"mean {statistics.mean(engine_only):.2f} ms"
    )
    if classify:
        print(f"  scorer alone: p50 {_pct(scorer, 0.5):.1f} ms, p95 {_pct(scorer, 0.95):.1f} ms")


def outcomes() -> None:
    print("\nscripted leaders (seed 0): turn of \"that's right\", or 'no' with the final trust")
    print(f"{'persona':17} {'script':14} " + " ".join(f"{d:>16}" for d in DIFFICULTIES))
    for p in list_personas():
        for name, fn in SCRIPTS.items():
            cells = []
            for d in DIFFICULTIES:
                run = fn(p, d, 0)
                if run.reached:
                    cells.append(f"turn {run.thats_right_turn}")
                else:
                    end = "closed" if run.final_state["closed"] else "open"
                    cells.append(f"no t={run.final_state['trust']:.2f} {end}")
            print(f"{p.id:17} {name:14} " + " ".join(f"{c:>16}" for c in cells))


def with_scorer() -> None:
    """Replay every scripted leader with the shipped scorer's labels instead of the scripted ones."""
    classify = _classifier()
    if classify is None:
        return
    same, total, diffs = 0, 0, []
    for p in list_personas():
        for name, fn in SCRIPTS.items():
            for d in DIFFICULTIES:
                run = fn(p, d, 0)
                e = Engine(p, d, seed=0)
                prev, reached = e.opening().line, None
                for i, t in enumerate(run.turns):
                    decision = e.respond(t["leader"], classify(t["leader"], prev))
                    prev = decision.line
                    if decision.state["thats_right"] and reached is None:
                        reached = i + 1
                total += 1
                if reached == run.thats_right_turn:
                    same += 1
                else:
                    diffs.append(f"{p.id}/{name}/{d}: scripted {run.thats_right_turn}, scorer {reached}")
    print(f"\nwith the scorer's labels instead of the scripted ones: same outcome in {same}/{total} runs")
    for line in diffs:
        print(f"  {line}")


def main() -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores; Python {platform.python_version()}; load average {load:.2f}")
    timing()
    outcomes()
    with_scorer()


if __name__ == "__main__":
    main()
