"""Practice over time: one row per kept rehearsal, with the measures that show progress.

A "try again from here" branch is not a rehearsal of its own: it is listed under the session it came
from (``branch_of``), and the counts and charts leave it out (``rehearsals``).
"""

from __future__ import annotations

from typing import Any

from coach.config import Settings
from coach.scoring.headline import HEADLINE
from coach.store import sessions
from coach.store.schema import LOCAL_USER

TRACKED = (*HEADLINE, "turns_to_thats_right")


def progress_rows(
    settings: Settings, skipped: list | None = None, *, user: str = LOCAL_USER
) -> list[dict[str, Any]]:
    """Oldest first, so charts read left to right; session files that could not be moved into the
    database go to ``skipped`` (see :func:`coach.store.sessions.list_sessions`). Read from the measures
    kept with each session: no transcript is scored again."""
    infos = [i for i in reversed(sessions.list_sessions(settings, skipped, user=user)) if i.leader_turns]
    branches: dict[str, list[str]] = {}
    for info in infos:
        if info.parent:
            branches.setdefault(info.parent["id"], []).append(info.id)
    rows = []
    for info in infos:
        row = {
            "id": info.id,
            "started": info.started,
            "persona": info.persona_name,
            "persona_id": info.persona,
            "difficulty": info.difficulty,
            "turns": info.leader_turns,
            "thats_right": info.thats_right,
            "trust": round(info.trust, 2) if info.trust is not None else None,
            "ended": info.ended,
            "branch_of": (info.parent or {}).get("id"),
            "branch_turn": (info.parent or {}).get("turn"),
            "branches": branches.get(info.id, []),
        }
        for key in TRACKED:
            row[key] = info.measures.get(key)
        rows.append(row)
    return rows


def rehearsals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows that are rehearsals of their own (not branches)."""
    return [r for r in rows if not r["branch_of"]]
