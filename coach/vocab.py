"""The domain's words: one home for the dimensions, moves, moods, difficulties and acts.

The ids are enums here, so code that names one is checked; how each is said lives in
``coach/data/vocab.yaml``, so wording is edited as data. Both are read by everything that needs them: the
persona cards, the engine, the voice, the debrief, draft review and the scripted leaders. On load the
file is checked against the enums, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import yaml

from coach import paths
from coach.errors import CorpusError, InputError

VOCAB_FILE = paths.DATA / "vocab.yaml"


class Dimension(StrEnum):
    """A part of the counterpart's world the playbook says to learn, in the usual order of a conversation."""

    COMPETITORS = "competitors"
    CUSTOMERS = "customers"
    PRODUCT = "product"
    FINANCIALS = "financials"
    SUCCESS = "success"
    OBJECTIVES = "objectives"
    MEASURES = "measures"
    HISTORY = "history"
    NEEDS = "needs"


class Difficulty(StrEnum):
    EASY = "easy"
    NORMAL = "normal"
    HARD = "hard"


class Mood(StrEnum):
    GUARDED = "guarded"
    WARMING = "warming"
    OPEN = "open"
    IRRITATED = "irritated"


class Move(StrEnum):
    """What the counterpart does with a leader line (the engine's decision; the voice says it)."""

    OPEN = "open"
    REVEAL = "reveal"
    REPEAT = "repeat"
    GUARDED = "guarded"
    SHORT_ANSWER = "short_answer"
    DEFLECT = "deflect"
    AFFIRM = "affirm"
    REFLECT_VAGUE = "reflect_vague"
    CORRECT_SUMMARY = "correct_summary"
    PARTIAL_SUMMARY = "partial_summary"
    YOURE_RIGHT = "youre_right"
    THATS_RIGHT = "thats_right"
    REACT_CORRECTION = "react_correction"
    REACT_PITCH = "react_pitch"
    ACKNOWLEDGE_ASK = "acknowledge_ask"
    TOO_MANY_ASKS = "too_many_asks"
    RECEPTIVE = "receptive"
    SMALLTALK = "smalltalk"
    MOVE_ON = "move_on"
    LISTEN = "listen"
    CLOSING = "closing"
    STAY_IN_ROLE = "stay_in_role"
    DEEPEN = "deepen"
    SAID_ENOUGH = "said_enough"
    GREETED = "greeted"
    THANKED = "thanked"
    AHEAD_OF_ME = "ahead_of_me"
    OFFER_TAKEN = "offer_taken"
    LOGISTICS = "logistics"  # the meeting itself: its length, a hard stop, moving it


class Act(StrEnum):
    """What the leader did with a line, as perception reads it (coach.counterpart.perceive)."""

    ROLE_BREAK = "role_break"
    CORRECTION = "correction"
    REFLECTION = "reflection"
    SUMMARY = "summary"
    ASK = "ask"
    PITCH = "pitch"
    SMALL_TALK = "small_talk"
    GREETING = "greeting"
    THANKS = "thanks"
    OPEN_QUESTION = "open_question"
    CLOSED_QUESTION = "closed_question"
    ACKNOWLEDGE = "acknowledge"
    INFORM = "inform"


# The behaviour label (coach.scoring.behaviours.LABELS) each act counts as, where perception and the scorer
# disagree about correcting (LeaderMove.counted_label).
LABEL_OF_ACT: dict[Act, str] = {
    Act.CORRECTION: "correct",
    Act.REFLECTION: "reflect",
    Act.SUMMARY: "reflect",
    Act.OPEN_QUESTION: "question_open",
    Act.CLOSED_QUESTION: "question_closed",
    Act.ASK: "inform",
    Act.PITCH: "inform",
    Act.INFORM: "inform",
    Act.ROLE_BREAK: "other",
    Act.SMALL_TALK: "other",
    Act.GREETING: "other",
    Act.THANKS: "other",
    Act.ACKNOWLEDGE: "other",
}


@dataclass(frozen=True)
class DimensionWords:
    id: Dimension
    in_their_voice: str  # "who we compete with": how the counterpart names it
    about_them: str  # "who they compete with": how the coach names it
    debrief_name: str
    never_learned: str  # finishes "You never learned ..."
    section: str  # the playbook section the debrief cites
    scripted_questions: tuple[str, ...]
    area_words: tuple[str, ...]  # words that point a question at this dimension (prefix*)


@dataclass(frozen=True)
class Vocabulary:
    dimensions: dict[Dimension, DimensionWords]
    general_words: tuple[str, ...]
    move_reader_sees: dict[Move, str]
    mood_in_prompt: dict[Mood, str]
    difficulty_meaning: dict[Difficulty, str]


def _require_keys(section: str, found: dict[str, Any], enum: type[StrEnum]) -> None:
    want = [m.value for m in enum]
    if set(found) != set(want):
        missing = [w for w in want if w not in found]
        extra = [k for k in found if k not in want]
        raise CorpusError(
            f"{VOCAB_FILE}: '{section}' must list exactly {want} "
            f"(missing {missing}, unknown {extra}); edit the file or coach/vocab.py so they agree."
        )


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary file, read once and checked against the enums."""
    try:
        data = yaml.safe_load(VOCAB_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"{VOCAB_FILE} cannot be read ({exc}). Reinstall the package.") from None
    _require_keys("dimensions", data["dimensions"], Dimension)
    _require_keys("moves", data["moves"], Move)
    _require_keys("moods", data["moods"], Mood)
    _require_keys("difficulties", data["difficulties"], Difficulty)
    dims = {
        Dimension(k): DimensionWords(
            Dimension(k),
            v["in_their_voice"],
            v["about_them"],
            v["debrief_name"],
            v["never_learned"],
            v["section"],
            tuple(v["scripted_questions"]),
            tuple(str(w) for w in v["area_words"]),
        )
        for k, v in ((d.value, data["dimensions"][d.value]) for d in Dimension)
    }
    return Vocabulary(
        dims,
        tuple(str(w) for w in data["general_words"]),
        {Move(k): v["reader_sees"] for k, v in data["moves"].items()},
        {Mood(k): v["in_the_prompt"] for k, v in data["moods"].items()},
        {Difficulty(k): v["meaning"] for k, v in data["difficulties"].items()},
    )


def dimension(dim: str) -> DimensionWords:
    """The words for one dimension; CorpusError naming the known ones for an unknown id."""
    try:
        return vocabulary().dimensions[Dimension(dim)]
    except ValueError:
        raise CorpusError(
            f"{dim!r} is not a dimension; use one of {', '.join(d.value for d in Dimension)}."
        ) from None


def difficulty(value: str | None) -> Difficulty:
    """A difficulty from user input; InputError naming the choices."""
    try:
        return Difficulty(value)
    except ValueError:
        raise InputError(
            f"difficulty {value!r} is not known; choose one of {', '.join(d.value for d in Difficulty)}."
        ) from None
