"""Practice over time: one row per kept rehearsal, with the measures that show progress."""

from __future__ import annotations

from typing import Any

from coach.config import Settings
from coach.scoring.behaviours import recorded_labels
from coach.scoring.scorecard import build_scorecard
from coach.store import sessions

TRACKED = (
    "reflection_ratio",
    "open_question_share",
    "corrections",
    "talk_balance",
    "concrete_asks",
    "premature_pitches",
)


def progress_rows(settings: Settings, skipped: list | None = None) -> list[dict[str, Any]]:
    """Oldest first, so charts read left to right; unreadable session files go to ``skipped``
    (see :func:`coach.store.sessions.list_sessions`)."""
    rows = []
    for info in reversed(sessions.list_sessions(settings, skipped)):
        if not info.leader_turns:
            continue
        transcript = info.transcript  # already read by list_sessions
        card = build_scorecard(transcript, recorded_labels(transcript))
        measures = {m.id: m for m in card.measures}
        state = transcript.last_state()
        row = {
            "id": info.id,
            "started": info.started,
            "persona": info.persona_name,
            "difficulty": transcript.difficulty,
            "turns": info.leader_turns,
            "thats_right": info.thats_right,
            "trust": round(float(state.get("trust", 0.0)), 2),
            "branch_of": (info.parent or {}).get("id"),
        }
        for key in TRACKED:
            m = measures.get(key)
            row[key] = m.value if m is not None else None
        rows.append(row)
    return rows
