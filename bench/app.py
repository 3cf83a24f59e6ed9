"""App benchmark: cold start until the page is usable, a rehearsal turn in a real browser, memory.

    python -m bench.app [--runs 3]

Needs Debian's Chromium (apt-get install chromium). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}, load {load:.1f}"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_run(chromium: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "COACH_"))}
    env["COACH_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-app-")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(120_000)
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}")
                    break
                except Exception:  # noqa: BLE001 - server not listening yet
                    time.sleep(0.1)
            page.get_by_role("button", name="Start rehearsal").wait_for()
            usable = time.perf_counter() - t0
            t1 = time.perf_counter()
            page.get_by_role("button", name="Start rehearsal").click()
            box = page.get_by_placeholder("What do you say?")
            box.wait_for()
            started = time.perf_counter() - t1
            t2 = time.perf_counter()
            box.fill("Who do you see as the competition these days, and how is that changing?")
            box.press("Enter")
            page.get_by_role("button", name="Try again from here").first.wait_for()
            first_turn = time.perf_counter() - t2
            t3 = time.perf_counter()
            box.fill("What kind of customers matter most to you?")
            box.press("Enter")
            page.get_by_role("button", name="Try again from here").nth(1).wait_for()
            second_turn = time.perf_counter() - t3
            memory = rss_mb(proc.pid)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(env["COACH_DATA_DIR"], ignore_errors=True)
    return {"usable": usable, "start": started, "first_turn": first_turn, "turn": second_turn, "rss": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("Chromium is not installed: apt-get install chromium")
    print(f"machine: {machine()}")
    runs = [one_run(chromium) for _ in range(args.runs)]
    for key, label in [
        ("usable", "cold start until the Rehearse page is usable (s)"),
        ("start", "click 'Start rehearsal' until the chat box is ready (s)"),
        ("first_turn", "first leader turn, Enter until labelled reply shown (s)"),
        ("turn", "next turn, Enter until labelled reply shown (s)"),
        ("rss", "app server memory after two turns (MB RSS)"),
    ]:
        values = [r[key] for r in runs]
        print(
            f"{label}: median {statistics.median(values):.2f}, min {min(values):.2f}, max {max(values):.2f}"
        )


if __name__ == "__main__":
    main()
