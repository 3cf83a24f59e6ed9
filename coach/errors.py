"""Project errors. Every message names the problem and the fix."""

from __future__ import annotations


class CoachError(Exception):
    """Base class: the message is meant for the user, as is."""


class ConfigError(CoachError):
    """A setting is missing or invalid (the message names the variable)."""


class InputError(CoachError):
    """Input the user gave cannot be used (the message names the value and the fix)."""


# The two fixes in a model fault's message that only make sense in a rehearsal, and what they become on
# the other surfaces that call a model (coach.llm writes them; each surface asks for its own wording).
RESEND = "Send your line again"
SHORTEN = "Start a new rehearsal or branch from an earlier turn"
TOO_LONG = "The conversation is now longer"
SURFACE_FIXES = {
    "chat": {},
    "review": {
        RESEND: "Review the draft again",
        SHORTEN: "Shorten the draft",
        TOO_LONG: "The draft is longer",
    },
    "judge": {
        RESEND: "Run the judge again",
        SHORTEN: "Judge shorter lines with less context",
        TOO_LONG: "The line and its context are longer",
    },
    "debrief": {
        RESEND: "Ask for the richer rewrites again",
        SHORTEN: "Use a shorter rehearsal",
        TOO_LONG: "The rehearsal is longer",
    },
}


class BackendError(CoachError):
    """The language-model server failed: down, timed out, refused the key, unknown model, rate limit."""

    def __init__(self, message: str, kind: str = "error"):
        super().__init__(message)
        self.kind = kind

    def on(self, surface: str) -> BackendError:
        """The same fault, with the fix worded for ``surface`` (chat, review, judge or debrief)."""
        text = str(self)
        for chat, other in SURFACE_FIXES[surface].items():
            text = text.replace(chat, other)
        return BackendError(text, kind=self.kind)


class CorpusError(CoachError):
    """The corpus or its index cannot be read or written."""


class PersonaError(CoachError):
    """A persona card is missing or invalid (the message names the field)."""


class StoreError(CoachError):
    """The session database failed a read or a write (the message names the database and the fix)."""
