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
        if cue("pitch_topic").search(s) and _puts_forward(s):
            return True
    return False


def _puts_forward(sentence: str) -> bool:
    """A sentence that names a technology puts it forward: a question that suggests it ("what if we moved
    it to the cloud?"), or a statement that is neither an account of the past ("I've read the post-mortem
    on the claims platform") nor a denial ("I suspect it isn't on the roadmap"). A question that asks ("what
    would you want us to automate first?") puts nothing forward."""
    if cue("pitch_suggest").search(sentence):
        return True
    asks_something = sentence.rstrip().endswith("?") or bool(_QUESTION_OPENS.match(sentence))
    return (
        not asks_something and not cue("pitch_past").search(sentence) and not cue("negator").search(sentence)
    )


# a sentence that opens as a question, typed without its "?" ("what tools would help your teams")
_QUESTION_OPENS = re.compile(
    r"^\W*(what|how|why|where|when|who|which|do|does|did|is|are|was|were|can|could|would|will|should|have|has)\b",
    re.I,
)


def _opens(sentence: str) -> bool:
    """An open question, from the start or after a lead-in ("Forgive me for asking - what tools...")."""
    return any(
        cue("open_stem").search(part) or cue("so_question").search(part)
        for part in [sentence, *_LEAD_IN.split(sentence)[1:2]]
    )


_LEAD_IN = re.compile(r"\s+[-\u2013\u2014:]\s+|(?<=\w)[,;]\s+", re.U)
