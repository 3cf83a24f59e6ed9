"""App benchmark: cold start until the page is usable, a rehearsal turn in a real browser, memory.

The app is started exactly as the browser tests start it (tests/browser.py).

    python -m bench.app [--runs 3]

Needs Debian's Chromium (apt-get install chromium). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import describe
from coach.bench import CHROMIUM, CHROMIUM_ARGS, rss_mb, running_app


def one_run() -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    data_dir = Path(tempfile.mkdtemp(prefix="bench-app-"))
    t0 = time.perf_counter()
    try:
        with running_app(data_dir) as app, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(app.url)
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
            memory = rss_mb(app.pid)
            browser.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return {"usable": usable, "start": started, "first_turn": first_turn, "turn": second_turn, "rss": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not CHROMIUM:
        sys.exit("Chromium is not installed: apt-get install chromium")
    print(f"machine: {describe()}")
    runs = [one_run() for _ in range(args.runs)]
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
