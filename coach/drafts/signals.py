"""Sentence-level labels for a draft message, and the detectors behind them.

    label_sentences(split_draft(text)) -> [SentenceLabel(index, text, kind, label, behaviour, flags, cue)]

Draft labels (one per body sentence): ``ask`` (a concrete request, unless read as a reflection or a
correction), ``blaming`` (fault-finding wording in a line read as telling or correcting), else the
classifier's own label in a draft's words: ``their_goals`` (reflect), ``correcting`` (correct),
``question_open``, ``question_closed``, ``telling`` (inform), ``other``. Flags beside the label: pitch,
us_vs_them, blame, invites_correction.

Every label is the behaviour classifier's (``coach.scoring.behaviours``, each sentence read after the
message the draft answers, if any), refined but never overruled; asks, pitches, blame and us-versus-them wording are the same cues
every surface reads (``coach.cues``, patterns in ``coach/data/cues.yaml``), and the classifier itself reads
blame and us-versus-them wording as learned features.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from coach.counterpart.facts import words_areas
from coach.cues import cue, has_ask, pitches
from coach.drafts.sentences import Sentence
from coach.scoring.behaviours import Labelled, classify_batch

DRAFT_LABELS = (
    "blaming",
    "correcting",
    "ask",
    "their_goals",
    "question_open",
    "question_closed",
    "telling",
    "other",
)
LABEL_NAMES = {
    "blaming": "blaming / us-versus-them",
    "correcting": "correcting",
    "ask": "concrete ask",
    "their_goals": "their goals",
    "question_open": "open question",
    "question_closed": "closed question",
    "telling": "telling / pitching",
    "other": "rapport / logistics",
}


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.I)


_WH_OPEN = re.compile(r"^\s*(what|how|why|where|which|who|when|tell me|walk me|help me)\b", re.I)

# What each behaviour label means in a draft, and the reason shown beside it.
BEHAVIOUR_TO_DRAFT = {
    "reflect": ("their_goals", "describes their world back to them"),
    "correct": ("correcting", "contradicts or argues with their view"),
    "question_open": ("question_open", "open question"),
    "question_closed": ("question_closed", "yes/no or one-fact question"),
    "inform": ("telling", "tells or explains"),
    "other": ("other", "rapport or logistics"),
}
INVITES_CORRECTION = _rx(
    r"\b(is that|am i|have i got (that|it|this)|did i get (that|it|this)) (right|fair|still right|still true|"
    r"accurate|close)\b",
    r"\bwhat am i missing\b",
    r"\bwhere am i (off|wrong)\b",
    r"\bcorrect me\b",
    r"\btell me (where|if) i'?m\b",
    r"\bdoes that (match|sound right|ring true)\b",
    r"\bhave i got that\b",
    r"\bput me right\b",
)


@dataclass(frozen=True)
class SentenceLabel:
    index: int
    text: str
    kind: str  # greeting | body | signoff
    label: str  # one of DRAFT_LABELS
    behaviour: str | None  # the listening-behaviour classifier's label (body sentences)
    confidence: float | None
    cue: str  # why this label, in a few words
    flags: tuple[str, ...] = field(default=())  # extra signals: pitch, invites_correction, us_vs_them, blame

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["flags"] = list(self.flags)
        if self.confidence is not None:
            d["confidence"] = round(self.confidence, 3)
        return d


def is_us_vs_them(text: str) -> bool:
    return bool(cue("us_them").search(text))


def is_blame(text: str) -> bool:
    return bool(cue("blame").search(text))


def is_ask(text: str) -> bool:
    """A concrete request: the session scorecard's pattern or a draft's meeting/decision request."""
    if _WH_OPEN.match(text):
        return False  # "What would you need from us?" asks about their world, not for something
    return has_ask(text)


def areas(text: str) -> list[str]:
    """The playbook dimensions the words point at most strongly (the vocabulary's area words); ties kept."""
    scored = words_areas(text)
    best = max(scored.values(), default=0)
    return [dim for dim, n in scored.items() if n and n == best]


def _label_one(s: Sentence, lab: Labelled) -> SentenceLabel:
    """A sentence's draft label is the behaviour classifier's label, refined, never overruled: a request
    (the ask cue every surface counts) is an ``ask`` unless the classifier read a reflection or a
    correction, fault-finding among its
    ``inform``/``correct`` is ``blaming``. Pitch, us-versus-them wording and an invitation to correct you are
    flags beside the label, so the score, the labels and the reaction all read one verdict per sentence."""
    text, b = s.text, lab.label
    flags: list[str] = []
    if INVITES_CORRECTION.search(text):
        flags.append("invites_correction")
    if b == "inform" and pitches(text):
        flags.append("pitch")
    if is_us_vs_them(text):
        flags.append("us_vs_them")
    if b in ("inform", "correct") and is_blame(text):
        flags.append("blame")
    if b not in ("reflect", "correct") and is_ask(text):  # a request in any form, as the scorecard counts it
        label, why = "ask", "makes a request"
    elif "blame" in flags:
        label, why = "blaming", "puts the fault on their side"
    else:
        label, why = BEHAVIOUR_TO_DRAFT[b]
        if b == "inform" and "pitch" in flags:
            why = "pitches a solution"
    if lab.uncertain:
        why += f" (uncertain: {lab.confidence:.0%})"
    return SentenceLabel(s.index, text, s.kind, label, b, lab.confidence, why, tuple(flags))


def label_sentences(sentences: list[Sentence], answering: str = "") -> list[SentenceLabel]:
    """Label every sentence; greetings and sign-offs are kept (label ``other``) but not classified.
    ``answering`` is the message the draft replies to, if any: every sentence is read after it."""
    body = [s for s in sentences if s.kind == "body"]
    # Each sentence is read after the message the draft answers (if any), the other person's words, as the
    # scorer reads a line after the other person's turn. Not after the draft's own previous sentence: the
    # scorer takes its context for the counterpart's, so the writer's own sentence read as theirs turned
    # sympathy into "correcting" (good above poor on the dev/fresh/fresh3 splits 97.7/94.4/74.7% -> 100/94.1/81.6%).
    pairs = [(s.text, answering) for s in body]
    labs = classify_batch(pairs) if body else []
    by_index = {s.index: lab for s, lab in zip(body, labs, strict=True)}
    out = []
    for s in sentences:
        if s.kind != "body":
            out.append(SentenceLabel(s.index, s.text, s.kind, "other", None, None, s.kind))
        else:
            out.append(_label_one(s, by_index[s.index]))
    return out
