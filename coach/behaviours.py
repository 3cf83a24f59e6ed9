"""The utterance classifier: one listening-behaviour label per leader utterance, with evidence.

PROVISIONAL: a small rule set so that the rest of the package can be built against the API below.
The measured, learned classifier replaces the internals; the API stays:

    classify(utterance, context="") -> Labelled
    classify_batch([(utterance, context), ...]) -> list[Labelled]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

LABELS = ("reflect", "question_open", "question_closed", "inform", "correct", "other")


@dataclass(frozen=True)
class Evidence:
    cue: str  # what in the utterance decided the label, e.g. "opens with 'what'"
    quoted: str | None = None  # for reflect/correct: the counterpart words paraphrased or contradicted


@dataclass(frozen=True)
class Labelled:
    label: str
    confidence: float
    evidence: Evidence
    scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "evidence": {"cue": self.evidence.cue, "quoted": self.evidence.quoted},
        }


_OPEN = re.compile(r"^\s*(what|how|why|tell me|walk me|help me understand|describe|which)\b", re.I)
_CLOSED = re.compile(r"^\s*(is|are|do|does|did|can|could|would|will|have|has|should)\b", re.I)
_CORRECT = re.compile(r"\b(actually|that's not|that is not|you're wrong|push back|don't you think|i disagree)\b", re.I)
_REFLECT = re.compile(r"^\s*(so you|it sounds like|what i'm hearing|you're saying|if i understand)", re.I)
_OTHER = re.compile(r"^\s*(thanks|thank you|great to|nice to|good morning|hi|hello)\b", re.I)


def classify(utterance: str, context: str = "") -> Labelled:
    text = (utterance or "").strip()
    if _CORRECT.search(text):
        return Labelled("correct", 0.6, Evidence("contradiction marker", context[:200] or None))
    if _REFLECT.search(text):
        return Labelled("reflect", 0.6, Evidence("reflective stem", context[:200] or None))
    if _OPEN.search(text):
        return Labelled("question_open", 0.6, Evidence("open question word"))
    if text.endswith("?") or _CLOSED.search(text):
        return Labelled("question_closed", 0.5, Evidence("yes/no question"))
    if _OTHER.search(text) or len(text.split()) < 3:
        return Labelled("other", 0.5, Evidence("rapport or logistics"))
    return Labelled("inform", 0.4, Evidence("statement"))


def classify_batch(pairs: Sequence[tuple[str, str]]) -> list[Labelled]:
    return [classify(u, c) for u, c in pairs]
