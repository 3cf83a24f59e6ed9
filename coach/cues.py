"""The surface cues every part of the coach reads the same way: asks, pitches, corrections, role breaks...

The patterns are data (``coach/data/cues.yaml``); this module compiles them once and answers the
questions the counterpart's perception, the scorecard and draft review ask, so that "an ask" means one
thing on every surface.

    cue("pitch").search(text)      a compiled pattern, by its name in the file
    asks(text) -> [sentence, ...]  the sentences that make a concrete request
    pitches(text) -> bool          some sentence sells a solution or tells them what to do
"""

from __future__ import annotations

import re
from functools import lru_cache

import yaml

from coach import paths
from coach.errors import CorpusError
from coach.text import sentences

CUES_FILE = paths.DATA / "cues.yaml"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    try:
        data = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
        return {name: re.compile("|".join(parts), re.I) for name, parts in data.items()}
    except (OSError, yaml.YAMLError, re.error, TypeError) as exc:
        raise CorpusError(f"{CUES_FILE} cannot be read ({exc}). Reinstall the package.") from None


def cue(name: str) -> re.Pattern[str]:
    """One cue's compiled pattern; CorpusError naming the known cues for an unknown name."""
    patterns = _patterns()
    if name not in patterns:
        raise CorpusError(f"no cue {name!r} in {CUES_FILE}; known: {', '.join(patterns)}")
    return patterns[name]


def asks(text: str) -> list[str]:
    """The sentences of ``text`` that make a concrete request (at most one per sentence)."""
    pattern = cue("ask")
    return [s for s in sentences(text) or [text] if pattern.search(s)]


def has_ask(text: str) -> bool:
    return bool(cue("ask").search(text))


def pitches(text: str) -> bool:
    """Some sentence sells a solution or tells them what to do. "We could / we should..." is a pitch
    said as a statement ("We could move you onto one platform."), not inside an open question that asks
    for their view ("What's a good first thing we could do together?")."""
    for s in sentences(text) or [text]:
        if cue("pitch").search(s):
            return True
        if cue("pitch_we").search(s) and not (s.rstrip().endswith("?") and _opens(s)):
            return True
    return False


def _opens(sentence: str) -> bool:
    return bool(cue("open_stem").search(sentence) or cue("so_question").search(sentence))
