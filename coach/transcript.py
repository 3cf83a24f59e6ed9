"""Transcripts: the one record of a rehearsal that the scorer, the debrief and exports read.

File format (JSON)::

    {
      "persona": "maria-cfo",            # persona id (required)
      "difficulty": "normal",            # optional
      "seed": 7,                         # optional
      "turns": [                         # required, in order
        {"speaker": "leader", "text": "What keeps you up at night?",
         "label": "question_open",       # optional: the scorer's label for a leader turn
         "state": {...}},                # optional: the counterpart engine's state after this turn
        {"speaker": "counterpart", "text": "Margins."}
      ]
    }

``speaker`` is ``leader`` (the person practising) or ``counterpart`` (the persona).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach.errors import InputError
from coach.text import strip_controls
from coach.textfile import parse_json, read_text

SPEAKERS = ("leader", "counterpart")
# Limits that keep every reader fast on any file: a rehearsal is tens of turns of a few sentences each.
MAX_TRANSCRIPT_BYTES = 4_000_000
MAX_TURNS = 1_000
MAX_TURN_CHARS = 10_000
SHAPE_HELP = (
    'A transcript is {"persona": ID, "turns": [{"speaker": "leader" or "counterpart", "text": ...}]}.'
)


class StateIn(BaseModel):
    """The engine's public state stored with a turn: the fields every reader relies on must have their
    types (a hand-edited ``"understood": true`` is refused here, not a crash in the scorecard)."""

    model_config = ConfigDict(extra="allow")

    trust: float | None = None
    patience: float | None = None
    patience_max: float | None = None
    revealed: list[str] | None = None
    understood: list[str] | None = None
    core: list[str] | None = None
    thats_right: bool | None = None
    asks: list[str] | None = None
    mood: str | None = None
    difficulty: str | None = None
    turn: int | None = None
    closed: bool | None = None


class TurnMetaIn(BaseModel):
    """What the app stores beside a turn (its reading, its label's evidence, the trust change)."""

    model_config = ConfigDict(extra="allow")

    confidence: float | None = None
    evidence: dict[str, Any] | None = None
    perceived: dict[str, Any] | None = None
    trust_delta: float | None = None
    reasons: list[str] | None = None
    move: str | None = None


class TurnIn(BaseModel):
    """One turn as a file may hold it (unknown keys are ignored; known ones must have the right type)."""

    model_config = ConfigDict(extra="ignore", strict=False)

    speaker: Literal["leader", "counterpart"]
    text: Annotated[str, Field(max_length=MAX_TURN_CHARS)]
    label: Annotated[str, Field(max_length=40)] | None = None
    state: StateIn | None = None
    meta: TurnMetaIn | None = None


class TranscriptIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    persona: Annotated[str, Field(min_length=1, max_length=100)]
    turns: Annotated[list[TurnIn], Field(max_length=MAX_TURNS)]
    difficulty: Literal["easy", "normal", "hard"] | None = None
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    meta: dict[str, Any] | None = None


_FIXES = {
    "speaker": "use 'leader' or 'counterpart'",
    "text": f"give each turn its words as a string, at most {MAX_TURN_CHARS:,} characters",
    "turns": f"give a list of at most {MAX_TURNS:,} turn objects",
    "persona": "give a persona id, e.g. maria-cfo ('coach personas' lists them)",
    "difficulty": "use easy, normal or hard, or leave it out",
    "seed": "use a whole number from 0, or leave it out",
    "state": "it is written by the app; remove it if you edited it",
    "meta": "it is written by the app; remove it if you edited it",
    "label": "it is written by the scorer; remove it",
}


def _problems(source: str, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors()[:8]:
        loc = [str(x) for x in err["loc"]]
        where = ".".join(loc).replace("turns.", "turn ", 1) or "the file"
        field = next((x for x in reversed(loc) if x in _FIXES), "")
        got = repr(err.get("input"))
        got = got if len(got) <= 60 else got[:57] + "..."
        msg = "missing" if err["type"] == "missing" else f"{err['msg'].lower()} (got {got})"
        lines.append(f"{where}: {msg}" + (f"; {_FIXES[field]}" if field else ""))
    more = len(exc.errors()) - 8
    return f"{source}: " + "; ".join(lines) + (f"; and {more} more" if more > 0 else "") + ". " + SHAPE_HELP


@dataclass
class Turn:
    speaker: str
    text: str
    label: str | None = None
    state: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {"speaker": self.speaker, "text": self.text}
        if self.label is not None:
            out["label"] = self.label
        if self.state is not None:
            out["state"] = self.state
        if self.meta:
            out["meta"] = self.meta
        return out


@dataclass
class Transcript:
    persona: str
    turns: list[Turn] = field(default_factory=list)
    difficulty: str | None = None
    seed: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def leader_turns(self) -> list[tuple[int, Turn]]:
        return [(i, t) for i, t in enumerate(self.turns) if t.speaker == "leader"]

    def context_before(self, index: int) -> str:
        """The counterpart's words just before turn ``index`` (empty when none)."""
        for turn in reversed(self.turns[:index]):
            if turn.speaker == "counterpart":
                return turn.text
            if turn.speaker == "leader":
                continue
        return ""

    def theirs_before(self, index: int) -> list[str]:
        """The counterpart's turns before turn ``index``, oldest first."""
        return [t.text for t in self.turns[:index] if t.speaker == "counterpart"]

    def last_state(self) -> dict[str, Any]:
        """The counterpart engine's state after the latest turn that carries one (empty when none)."""
        return next((t.state for t in reversed(self.turns) if t.state), {})

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"persona": self.persona}
        if self.difficulty is not None:
            out["difficulty"] = self.difficulty
        if self.seed is not None:
            out["seed"] = self.seed
        if self.meta:
            out["meta"] = self.meta
        out["turns"] = [t.to_dict() for t in self.turns]
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Any, source: str = "transcript") -> Transcript:
        """A transcript from parsed JSON, checked against its schema (:class:`TranscriptIn`): any malformed
        value is one InputError naming the source, the field and the fix, never a traceback later on."""
        if not isinstance(data, dict):
            raise InputError(
                f"{source}: expected a JSON object with 'persona' and 'turns', got {type(data).__name__}. "
                + SHAPE_HELP
            )
        try:
            doc = TranscriptIn.model_validate(data)
        except ValidationError as exc:
            raise InputError(_problems(source, exc)) from None
        return cls(
            persona=doc.persona,
            # A hand-edited file may carry NUL, ESC sequences or bidi overrides: they are never kept or shown.
            turns=[
                Turn(
                    t.speaker,
                    strip_controls(t.text),
                    t.label,
                    t.state.model_dump(exclude_unset=True) if t.state is not None else None,
                    t.meta.model_dump(exclude_unset=True) if t.meta is not None else {},
                )
                for t in doc.turns
            ],
            difficulty=doc.difficulty,
            seed=doc.seed,
            meta=doc.meta or {},
        )

    @classmethod
    def load(cls, path: str | Path) -> Transcript:
        """A transcript file, or a kept session file (which wraps one)."""
        raw = read_text(path, what="a transcript JSON file", max_bytes=MAX_TRANSCRIPT_BYTES)
        data = parse_json(raw, str(path), '{"persona": ID, "turns": [...]}')
        if isinstance(data, dict) and isinstance(data.get("transcript"), dict) and "turns" not in data:
            data = data["transcript"]  # a kept session file wraps its transcript
        return cls.from_dict(data, source=str(path))

    def copy(self) -> Transcript:
        return Transcript.from_dict(json.loads(self.to_json()))
