"""Helpers shared by the pages: settings, and the one place library errors become st.error."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager

import streamlit as st

from coach.config import Settings, load_settings
from coach.errors import CoachError
from coach.scoring.behaviours import UNCERTAIN_BELOW
from coach.store.schema import LOCAL_USER


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # noqa: BLE001 - no secrets.toml is the normal offline case
        return {}


def signin_configured() -> bool:
    """The app was deployed with Streamlit's built-in OIDC sign-in (an [auth] section in secrets.toml)."""
    return "auth" in _secrets()


def current_user() -> str | None:
    """Whose sessions this page shows and changes. Run locally without sign-in, the one local user; with
    sign-in configured, the signed-in user's stable OIDC subject (their e-mail if the provider gives no
    subject), or None before they sign in. The store scopes every query by it."""
    if not signin_configured():
        return LOCAL_USER
    user = st.user
    if not user.is_logged_in:
        return None
    ident = user.get("sub") or user.get("email")
    return f"oidc:{ident}" if ident else None


def get_settings() -> Settings | None:
    """Settings from env and Streamlit secrets; shows the error and returns None when invalid."""
    try:
        return load_settings(secrets=_secrets())
    except CoachError as exc:
        st.error(inert(exc), icon=":material/settings:")
        return None


@contextmanager
def reported():
    """Show a CoachError as one clear message instead of a traceback."""
    try:
        yield
    except CoachError as exc:
        st.error(inert(exc))


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


# Markdown that could make the browser fetch something ("![x](https://host/p.png)", "<img src=...>") or render
# a link or directive from text nobody here wrote. Escaped, every character still shows as typed.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_~\[\]()<>!#|$:{}])")


def inert(text: object) -> str:
    """Text from a user, a model, a persona card or a document, made safe to pass to st.markdown and friends:
    Markdown and Streamlit syntax are backslash-escaped, so no image loads, no link or HTML renders, and
    nothing leaves the machine (tests/test_browser.py counts requests to other hosts)."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", str(text))


def inert_stream(chunks):
    """:func:`inert` over a stream of reply chunks (escaping is per character, so chunk edges do not matter)."""
    for chunk in chunks:
        yield inert(chunk)


def label_badge(label: str | None, confidence: float | None = None, help: str | None = None) -> None:
    if not label:
        return
    text = LABEL_NAMES.get(label, label)
    if confidence is not None and confidence < UNCERTAIN_BELOW:
        # A label the scorer is unsure of is shown as a guess, not as a verdict.
        st.badge(f"{text}? · uncertain ({confidence:.0%})", color="gray", help=help)
        return
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
