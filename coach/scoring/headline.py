"""The few numbers that show progress across rehearsals, kept with each session (the history page and
``coach sessions list`` read them without scoring every transcript again)."""

from __future__ import annotations

from typing import Any

from coach.scoring.behaviours import recorded_labels
from coach.scoring.scorecard import build_scorecard
from coach.transcript import Transcript

HEADLINE = (
    "reflection_ratio",
    "open_question_share",
    "corrections",
    "understanding_coverage",
    "talk_balance",
    "concrete_asks",
    "premature_pitches",
)


def headline(transcript: Transcript) -> dict[str, Any]:
    """Each headline measure's value (None when it does not apply), and ``turns_to_thats_right``: how
    many of the leader's lines it took until the counterpart said "that's right" (None if never)."""
    card = build_scorecard(transcript, recorded_labels(transcript))
    values = {m.id: m.value for m in card.measures}
    out: dict[str, Any] = {key: values.get(key) for key in HEADLINE}
    out["turns_to_thats_right"] = None
    count = 0
    for turn in transcript.turns:
        if turn.speaker != "leader":
            continue
        count += 1
        if isinstance(turn.state, dict) and turn.state.get("thats_right"):
            out["turns_to_thats_right"] = count
            break
    return out
