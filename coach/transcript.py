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
from typing import Any

from coach.errors import InputError
from coach.text import strip_controls
from coach.textfile import read_text

SPEAKERS = ("leader", "counterpart")


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
        if not isinstance(data, dict):
            raise InputError(
                f"{source}: expected a JSON object with 'persona' and 'turns', got {type(data).__name__}."
            )
        missing = [k for k in ("persona", "turns") if k not in data]
        if missing:
            raise InputError(
                f"{source}: missing {', '.join(repr(m) for m in missing)}. "
                'A transcript needs {"persona": ID, "turns": [{"speaker": ..., "text": ...}]}.'
            )
        if not isinstance(data["turns"], list):
            raise InputError(f'{source}: \'turns\' must be a list of {{"speaker", "text"}} objects.')
        turns = []
        for n, raw in enumerate(data["turns"]):
            if not isinstance(raw, dict):
                raise InputError(f"{source}: turn {n} is not an object; give it 'speaker' and 'text'.")
            speaker, text = raw.get("speaker"), raw.get("text")
            if speaker not in SPEAKERS:
                raise InputError(
                    f"{source}: turn {n} has speaker {speaker!r}; use 'leader' or 'counterpart'."
                )
            if not isinstance(text, str):
                raise InputError(f"{source}: turn {n} has no 'text' string.")
            # A hand-edited file may carry NUL, ESC sequences or bidi overrides: they are never kept or shown.
            turns.append(
                Turn(speaker, strip_controls(text), raw.get("label"), raw.get("state"), raw.get("meta") or {})
            )
        return cls(
            persona=str(data["persona"]),
            turns=turns,
            difficulty=data.get("difficulty"),
            seed=data.get("seed"),
            meta=data.get("meta") or {},
        )

    @classmethod
    def load(cls, path: str | Path) -> Transcript:
        """A transcript file, or a kept session file (which wraps one)."""
        raw = read_text(path, what="a transcript JSON file")
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(
                f'{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}). A transcript is {{"persona": ID, "turns": [...]}}.'
            ) from None
        if isinstance(data, dict) and isinstance(data.get("transcript"), dict) and "turns" not in data:
            data = data["transcript"]  # a kept session file wraps its transcript
        return cls.from_dict(data, source=str(path))

    def copy(self) -> Transcript:
        return Transcript.from_dict(json.loads(self.to_json()))
