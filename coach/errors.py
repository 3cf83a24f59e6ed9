"""Project errors. Every message names the problem and the fix."""


class CoachError(Exception):
    """Base class: the message is meant for the user, as is."""


class ConfigError(CoachError):
    """A setting is missing or invalid (the message names the variable)."""


class InputError(CoachError):
    """Input the user gave cannot be used (the message names the value and the fix)."""


class BackendError(CoachError):
    """The language-model server failed: down, timed out, refused the key, unknown model, rate limit."""

    def __init__(self, message: str, kind: str = "error"):
        super().__init__(message)
        self.kind = kind


class CorpusError(CoachError):
    """The corpus or its index cannot be read or written."""


class PersonaError(CoachError):
    """A persona card is missing or invalid (the message names the field)."""


class StoreError(CoachError):
    """The session database failed a read or a write (the message names the database and the fix)."""
