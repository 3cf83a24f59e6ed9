"""Helpers shared by the pages: settings, and the one place library errors become st.error."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import streamlit as st

from coach.config import Settings, load_settings
from coach.errors import CoachError


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # noqa: BLE001 - no secrets.toml is the normal offline case
        return {}


def get_settings() -> Settings | None:
    """Settings from env and Streamlit secrets; shows the error and returns None when invalid."""
    try:
        return load_settings(secrets=_secrets())
    except CoachError as exc:
        st.error(str(exc), icon=":material/settings:")
        return None


@contextmanager
def reported():
    """Show a CoachError as one clear message instead of a traceback."""
    try:
        yield
    except CoachError as exc:
        st.error(str(exc))


LABEL_NAMES = {
    "reflect": "reflection",
    "question_open": "open question",
    "question_closed": "closed question",
    "inform": "telling",
    "correct": "correcting",
    "other": "rapport / other",
}

LABEL_COLORS = {
    "reflect": "green",
    "question_open": "green",
    "question_closed": "blue",
    "inform": "orange",
    "correct": "red",
    "other": "gray",
}


def label_badge(label: str | None, confidence: float | None = None, help: str | None = None) -> None:
    if not label:
        return
    text = LABEL_NAMES.get(label, label)
    if confidence is not None:
        text += f" · {confidence:.0%}"
    st.badge(text, color=LABEL_COLORS.get(label, "gray"), help=help)


@st.cache_resource(show_spinner=False)
def warm_up_scorer() -> threading.Thread:
    """Load the behaviour classifier in the background once per server, while the user reads and types,
    so the first line they send is not the one that pays for loading it."""
    from coach.scoring.behaviours import classify

    thread = threading.Thread(target=classify, args=("Thanks for making the time.", ""), daemon=True)
    thread.start()
    return thread
