"""The counterpart's state in one conversation: a typed record the engine's rules change.

``CounterpartState`` is what the engine remembers between turns (trust, patience, what it has told,
what the leader has described back, the asks made, how the last turns went, which authored lines it has
used). ``public`` is the part shown to the leader and stored with each turn; ``to_dict``/``from_dict``
round-trip the whole record for "try again from here".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from coach.errors import InputError


@dataclass
class CounterpartState:
    trust: float
    patience: float
    revealed: list[str] = field(default_factory=list)  # fact ids told, in order
    understood: list[str] = field(default_factory=list)  # fact ids the leader described back correctly
    # per fact, the leader's say-backs she agreed with (a summary in the same words describes it too)
    accepted: dict[str, list[str]] = field(default_factory=dict)
    thats_right: bool = False
    asks: list[str] = field(default_factory=list)  # every concrete request the leader made, in order
    asked_after: int = 0  # of those, the asks made after "that's right" (more than two dilute them)
    turn: int = 0  # leader turns so far
    closed: bool = False  # the counterpart has ended the conversation
    small_talk: int = 0
    closed_streak: int = 0  # closed questions in a row
    grudge: int = 0  # turns left in which sensitive facts stay shut after a correction or pitch
    last_move: str = ""
    humble: bool = False  # the humility bonus has been given
    topic: str = ""  # the fact the conversation is on (what a follow-up follows up)
    deepened: dict[str, list[int]] = field(default_factory=dict)  # depth lines said, per fact
    used: dict[str, list[int]] = field(default_factory=dict)  # authored lines used, per pool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CounterpartState:
        names = {f.name for f in fields(cls)}
        data = dict(data)
        if "asked_after" not in data:  # written before 2026-12: "asks" held only the asks after understanding
            data["asked_after"] = len(data.get("asks") or [])
        unknown = sorted(set(data) - names)
        if unknown:
            raise InputError(
                f"engine state has unknown fields {unknown}; it was not written by this version."
            )
        try:
            return cls(**{k: v for k, v in data.items() if k in names})
        except TypeError as exc:
            raise InputError(f"engine state is incomplete ({exc}).") from None
