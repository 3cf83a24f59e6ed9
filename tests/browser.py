"""Start the real app with `streamlit run` on a free loopback port, for browser tests.

The launcher and the browser's settings are `coach.bench`'s (one way to start the app, for the tests and
for `coach bench`); this module names them for the tests.
"""

from __future__ import annotations

from pathlib import Path

from coach.bench import CHROMIUM, CHROMIUM_ARGS, App, free_port, running_app

ROOT = Path(__file__).resolve().parents[1]
__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ROOT", "App", "free_port", "running_app"]
