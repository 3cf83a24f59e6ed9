"""A suggested rewrite of a draft, from a configured language model, as validated typed output.

    suggest_rewrite(draft, findings, score, backend, persona=None) -> RewriteResult(rewrite | error)

The model sees the draft, the offline review's findings and the counterpart's public profile only
(never a hidden fact). It must answer with JSON ``{"text": ..., "changes": [...]}``; anything else, or a
failed call, becomes a plain ``error`` and the offline review stands on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from coach.errors import BackendError
from coach.llm import json_object
from coach.prompts import fill, load_template

if TYPE_CHECKING:  # pragma: no cover
    from coach.counterpart.cards import Persona
    from coach.llm import ChatBackend

SYSTEM = "draft_rewrite_system.txt"
USER = "draft_rewrite_user.txt"
MAX_REWRITE_CHARS = 6000


class Rewrite(BaseModel):
    """The model's rewrite: the new message and what changed."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=10, max_length=MAX_REWRITE_CHARS)
    changes: list[str] = Field(min_length=1, max_length=12)

    @field_validator("text")
    @classmethod
    def _text(cls, v: str) -> str:
        v = v.strip()
        if len(v) < 10:
            raise ValueError("the rewrite is empty")
        return v

    @field_validator("changes")
    @classmethod
    def _changes(cls, v: list[str]) -> list[str]:
        out = [" ".join(c.split()) for c in v if c and c.strip()]
        if not out:
            raise ValueError("name at least one change")
        return out


@dataclass(frozen=True)
class RewriteResult:
    rewrite: Rewrite | None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.rewrite is not None:
            return {"ok": True, "text": self.rewrite.text, "changes": self.rewrite.changes}
        return {"ok": False, "error": self.error}


def counterpart_line(persona: Persona | None) -> str:
    if persona is None:
        return "a business counterpart (no persona chosen)"
    return f"{persona.name}, {persona.role} at {persona.company} ({persona.industry}). {persona.background}"


def build_messages(
    draft: str, findings: list[str], score: int, persona: Persona | None
) -> list[dict[str, str]]:
    user = fill(
        load_template(USER),
        {
            "counterpart": counterpart_line(persona),
            "score": score,
            "findings": "\n".join(f"- {f}" for f in findings) or "- nothing to fix",
            "draft": draft.strip(),
        },
        name=USER,
    )
    return [{"role": "system", "content": load_template(SYSTEM).strip()}, {"role": "user", "content": user}]


def suggest_rewrite(
    draft: str, findings: list[str], score: int, backend: ChatBackend, persona: Persona | None = None
) -> RewriteResult:
    """Ask the model once; a failed call or an invalid reply is reported, never raised."""
    messages = build_messages(draft, findings, score, persona)
    try:
        raw = backend.complete(messages, temperature=0.3, max_tokens=900)  # type: ignore[arg-type]
    except BackendError as exc:
        return RewriteResult(None, f"The model could not write a rewrite: {exc.on('review')}")
    try:
        rewrite = Rewrite.model_validate(json.loads(json_object(raw)))
    except (ValueError, ValidationError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        why = f"{'.'.join(map(str, first['loc']))}: {first['msg']}" if first else str(exc)
        return RewriteResult(
            None, f"The model's rewrite was not valid ({why}); the review above is complete without it."
        )
    return RewriteResult(rewrite)
