"""Start the real app with `streamlit run` on a free loopback port, for browser tests.

The launcher and the browser's settings are `coach.bench`'s (one way to start the app, for the tests and
for `coach bench`); this module names them for the tests.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from coach.bench import CHROMIUM, CHROMIUM_ARGS, App, free_port, running_app

ROOT = Path(__file__).resolve().parents[1]
__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "OWN_HOSTS",
    "ROOT",
    "App",
    "free_port",
    "idle",
    "record_hosts",
    "running_app",
]
# What a page may fetch from: the app on loopback, and inline data or blob URLs it makes itself.
OWN_HOSTS = {"127.0.0.1", "data", "blob"}


def record_hosts(page) -> list[str]:
    """The host (or scheme, for data: and blob:) of every request the page makes from now on."""
    hosts: list[str] = []
    page.on("request", lambda req: hosts.append(urlparse(req.url).hostname or urlparse(req.url).scheme))
    return hosts


def idle(page) -> None:
    """Wait until the script run the last action started has finished: until then the page may still show
    the previous page's widgets (a chat box is a textarea too), and a click can land on a button the run is
    about to replace."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
