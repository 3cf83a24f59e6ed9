"""`coach bench`: the speed and memory figures a user can check on their own machine, each against its target.

    run(quick=False, app=True) -> Report(machine, results)

Everything runs offline in a temporary data folder (nothing of the user's is read or written): rehearsal
turns with every shipped persona, the behaviour scorer on a batch of lines, playbook retrieval and
indexing, saving and reopening a session, peak memory, and, from a source checkout, the app's cold start
(``streamlit run app.py``; in a real browser when Playwright and Chromium are installed, else until the
server answers its health check, which is said in the result). Figures vary with the machine and its load,
so the machine is printed with them; timed tests are deliberately not part of the test suite.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import text as sql

from coach.config import load_settings
from coach.counterpart.cards import list_personas, load_persona
from coach.counterpart.scripted import natural_questions
from coach.playbook.index import Index
from coach.playbook.ingest import chunk_sections, load_corpus
from coach.playbook.retrieval import search
from coach.rehearsal import Rehearsal
from coach.scoring.behaviours import classify_batch
from coach.store import db, sessions


@dataclass(frozen=True)
class Result:
    name: str
    value: float | None  # None when skipped
    unit: str
    target: str  # e.g. "<= 50"
    met: bool | None  # None when there is no target or it was skipped
    note: str = ""


@dataclass
class Report:
    machine: str
    results: list[Result] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"machine": self.machine, "results": [asdict(r) for r in self.results]}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return f"{cpu}; {os.cpu_count()} cores; Python {platform.python_version()}; load average {load}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _check(value: float, target: str) -> bool:
    op, number = target.split()
    return value <= float(number) if op == "<=" else value >= float(number)


def _result(name: str, value: float, unit: str, target: str = "", note: str = "") -> Result:
    return Result(name, round(value, 2), unit, target, _check(value, target) if target else None, note)


# -- the measures ------------------------------------------------------------------------------------------
def _lines() -> list[str]:
    """Leader lines to rehearse and score: the shipped natural questions and each card's own paraphrases."""

    lines = [q for qs in natural_questions().values() for q in qs]
    for p in list_personas():
        lines += [f"So {f.paraphrase}." for f in p.facts]
    return lines


def turns(quick: bool) -> list[Result]:

    lines = _lines()
    times: list[float] = []
    for p in [p for p in list_personas() if p.shipped][: 2 if quick else None]:
        r = Rehearsal(p, "normal", seed=0)
        r.open()
        for text in lines[: 10 if quick else 25]:
            if r.ended:
                break
            t = time.perf_counter()
            r.turn(text)
            times.append(time.perf_counter() - t)
    times = times[1:]  # the first turn loads the models
    return [
        _result("offline turn p50", percentile(times, 50) * 1000, "ms", note=f"{len(times)} turns"),
        _result("offline turn p95", percentile(times, 95) * 1000, "ms", "<= 50"),
    ]


def scoring(quick: bool) -> list[Result]:

    lines = list(dict.fromkeys(_lines()))
    contexts = [""] + [f.reveal[0] for p in list_personas() for f in p.facts if f.reveal]
    # every line after a few of the counterpart's lines: distinct pairs, as a batch of transcripts would be
    pairs = [(line, contexts[(i + j) % len(contexts)]) for j in range(6) for i, line in enumerate(lines)]
    pairs = list(dict.fromkeys(pairs))[: 200 if quick else None]
    classify_batch(pairs[:2])
    t = time.perf_counter()
    classify_batch(pairs)
    rate = len(pairs) / (time.perf_counter() - t)
    return [
        _result(
            "scoring throughput", rate, "lines/s", ">= 300", f"{len(pairs)} distinct (line, context) pairs"
        )
    ]


def retrieval(quick: bool, settings) -> list[Result]:

    t = time.perf_counter()
    index = Index(settings)
    build = time.perf_counter() - t
    docs = chunk_sections(load_corpus())
    t = time.perf_counter()
    index.embed_documents(docs)
    rate = len(docs) / (time.perf_counter() - t)
    questions = [q for qs in natural_questions().values() for q in qs][: 30 if quick else 100]
    search(questions[0], k=3, settings=settings)
    times = []
    for q in questions:
        t = time.perf_counter()
        search(q, k=3, settings=settings)
        times.append(time.perf_counter() - t)
    return [
        _result("index build, cold", build, "s", note="includes loading the embedding model"),
        _result("indexing throughput", rate, "chunks/s", note=f"{len(docs)} corpus chunks, warm"),
        _result("retrieval p95", percentile(times, 95) * 1000, "ms", "<= 30", f"{len(times)} searches, k=3"),
    ]


def store(settings) -> list[Result]:
    """Per-turn write and per-session read latency on the configured database (SQLite by default,
    PostgreSQL with COACH_DATABASE_URL), and the space a 20-turn session takes there."""
    eng = db.open_store(settings)
    kind = eng.dialect.name
    user = f"bench-{time.time_ns()}"  # its own rows, deleted afterwards

    def used() -> int:
        with eng.connect() as conn:
            if kind == "postgresql":
                return int(conn.execute(sql("SELECT pg_database_size(current_database())")).scalar_one())
            conn.execute(sql("PRAGMA wal_checkpoint(TRUNCATE)"))
            pages = conn.execute(sql("PRAGMA page_count")).scalar_one()
            free = conn.execute(sql("PRAGMA freelist_count")).scalar_one()
            size = conn.execute(sql("PRAGMA page_size")).scalar_one()
            return int((pages - free) * size)

    writes, reads = [], []
    persona = load_persona("maria-cfo")
    first = Rehearsal(persona, "normal", seed=0)
    first.open()
    sessions.save(first, settings, user=user)  # the card is stored once, not per session
    before, count = used(), 5
    for n in range(count):
        r = Rehearsal(persona, "normal", seed=n)
        r.open()
        for text_ in _lines()[:20]:
            r.turn(text_)
            t = time.perf_counter()
            sessions.save(r, settings, user=user)
            writes.append(time.perf_counter() - t)
        t = time.perf_counter()
        sessions.load(r.id, settings, user=user)
        reads.append(time.perf_counter() - t)
    size = (used() - before) / count / 1024
    sessions.delete_all(settings, user=user)
    where = "fsync, WAL" if kind == "sqlite" else "one commit"
    return [
        _result("store write per turn p95", percentile(writes, 95) * 1000, "ms", note=f"{kind}, {where}"),
        _result(
            "store read per session p95", percentile(reads, 95) * 1000, "ms", note=f"{kind}, with replay"
        ),
        _result("store size, 20-turn session", size, "KiB", note=f"{kind}, mean of {count}"),
    ]


APP = Path(__file__).resolve().parents[1] / "app.py"  # beside the package in a source checkout
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Debian's Chromium, headless, with nothing of its own reaching the network (no updates, sync or probes).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App(NamedTuple):
    url: str
    pid: int


@contextmanager
def running_app(
    data_dir: Path,
    extra_env: dict[str, str] | None = None,
    extra_args: list[str] | None = None,
    port: int | None = None,
) -> Iterator[App]:
    """`streamlit run app.py`, offline, on a free loopback port with ``data_dir`` as its data folder; yields
    once the server answers its health check (RuntimeError after 60 s), stops it on the way out. The browser
    tests and `coach bench` start the app this one way (``port`` restarts it where a page already is)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "COACH_"))}
    env.update({"COACH_DATA_DIR": str(data_dir), "COACH_BACKEND": "offline", **(extra_env or {})})
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true"]
    command += ["--server.address", "127.0.0.1", "--server.port", str(port)]
    command += ["--browser.gatherUsageStats", "false", *(extra_args or [])]
    proc = subprocess.Popen(
        command, cwd=APP.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the app did not answer /_stcore/health within 60 s")
        yield App(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def cold_start(settings) -> list[Result]:
    """Seconds from `streamlit run app.py` to a usable Rehearse page (or to a healthy server)."""
    if not APP.exists():
        return [
            Result("app cold start", None, "s", "<= 5", None, "skipped: app.py is not beside this package")
        ]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    t0 = time.perf_counter()
    try:
        with running_app(settings.data_dir) as app:
            healthy = time.perf_counter() - t0
            if CHROMIUM is None or sync_playwright is None:
                return [
                    _result(
                        "app cold start", healthy, "s", "<= 5", "until the server is healthy (no browser)"
                    )
                ]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.set_default_timeout(60_000)
                page.goto(app.url)
                page.get_by_role("button", name="Start rehearsal").wait_for()
                usable = time.perf_counter() - t0
                browser.close()
            return [
                _result(
                    "app cold start", usable, "s", "<= 5", "until the Rehearse page is usable, in Chromium"
                ),
                _result("app server memory", rss_mb(app.pid), "MB", "<= 1024", "RSS after the first page"),
            ]
    except RuntimeError as exc:
        return [Result("app cold start", None, "s", "<= 5", False, str(exc))]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def run(quick: bool = False, app: bool = True, progress: Callable[[str], None] | None = None) -> Report:

    report = Report(machine())
    folder = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    old = os.environ.get("COACH_DATA_DIR")
    os.environ["COACH_DATA_DIR"] = str(folder)  # nothing of the user's is read or written
    try:
        settings = load_settings({"COACH_DATA_DIR": str(folder), "COACH_BACKEND": "offline"})
        steps: list[tuple[str, Callable[[], list[Result]]]] = [
            ("rehearsal turns", lambda: turns(quick)),
            ("scoring", lambda: scoring(quick)),
            ("retrieval and indexing", lambda: retrieval(quick, settings)),
            ("store", lambda: store(settings)),
        ]
        if app:
            steps.append(("app cold start", lambda: cold_start(settings)))
        for name, step in steps:
            if progress:
                progress(name)
            report.results += step()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        report.results.append(_result("peak memory, this process", peak, "MB", "<= 1024", "all of the above"))
    finally:
        if old is None:
            os.environ.pop("COACH_DATA_DIR", None)
        else:
            os.environ["COACH_DATA_DIR"] = old
        shutil.rmtree(folder, ignore_errors=True)
    return report


def table(report: Report) -> str:
    rows = [
        f"machine: {report.machine}",
        "",
        "| measure | value | target | met | note |",
        "|---|---:|---|---|---|",
    ]
    for r in report.results:
        value = "-" if r.value is None else f"{r.value:g} {r.unit}"
        met = {True: "yes", False: "**no**", None: ""}[r.met]
        rows.append(f"| {r.name} | {value} | {r.target} {r.unit if r.target else ''} | {met} | {r.note} |")
    return "\n".join(rows)
