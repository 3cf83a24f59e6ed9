"""Sentence-level labels for a draft message, and the detectors behind them.

    label_sentences(split_draft(text)) -> [SentenceLabel(index, text, kind, label, behaviour, flags, cue)]

Draft labels (one per body sentence, first that applies wins):
``blaming`` (fault-finding or us-versus-them), ``correcting``, ``ask`` (a concrete request),
``their_goals`` (a statement of the counterpart's goals, priorities or pressures), ``question_open``,
``question_closed``, ``telling`` (informing, explaining, pitching), ``other`` (rapport, logistics).

The asks, pitches, corrections and us-versus-them wording are the same cues every surface reads
(``coach.cues``, patterns in ``coach/data/cues.yaml``); this module adds what only drafts need (blame
wording, statements of the reader's goals, questions asked as statements).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from coach.counterpart.facts import words_areas
from coach.cues import cue, has_ask
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


THEM = (
    r"(you|your (\w+ )?(team|teams|people|folks|department|side|org|organi[sz]ation|group|lot|managers|reps|"
    r"staff)|"
    r"finance|sales|marketing|operations|ops|procurement|the business|they|legal|hr|the stores|the plants)"
)

# Fault-finding: a person or team on their side is the subject of a failure.
BLAME = _rx(
    rf"\b{THEM} (keep|keeps|kept|continue to|continues to) "
    r"(changing|adding|moving|shifting|delaying|cutting|"
    r"missing|asking|ignoring|overriding|rejecting|sitting|pushing|sending|escalating|blocking|coming)",
    rf"\b{THEM} (never|always|failed to|didn'?t bother|refused to|ignored|blocked|sat on|dropped|missed)\b",
    rf"\bbecause {THEM} (didn'?t|did not|won'?t|wouldn'?t|keep|kept|changed|delayed|cut|refused|failed|"
    r"never|couldn'?t)",
    rf"\b(caused|created|driven) by {THEM}\b",
    rf"\bif {THEM} had\b",
    rf"\b{THEM} (didn'?t|did not|haven'?t|has not|hasn'?t|have not) (give|gave|provide|fund|approve|deliver|"
    r"tell|send|respond|reply|sign)",
    r"\b(not|wasn'?t|isn'?t) (our|my|engineering'?s|it'?s|the team'?s) fault\b",
    r"\b(your|their) fault\b",
    r"\bthe (delay|problem|issue|slip|overrun|outage) (was|is|came) (on|from|because of) (your|finance|sales|"
    r"the business|them)\b",
    r"\b(unrealistic|impossible|moving) (deadlines?|targets?|requirements?|goalposts?) (from|set by) ",
    r"\bas i (already )?(said|mentioned|told you|explained)\b",
    r"\bonce again\b",
    r"\bfor the (third|fourth|nth) time\b",
)
# Rapport and logistics the classifier may read as telling: "Looking forward to Friday."
RAPPORT = _rx(
    r"^\s*(\w+,\s*)?(looking forward|look forward|hope (you'?re|you are|all is)|thanks|thank you|great to|"
    r"good to|nice to|congrat|quick one|just a quick|i'?ll keep (it|this) (short|brief|to)|"
    r"happy (friday|monday))",
)
POLITE_OPEN = _rx(
    r"^\s*(\w+,\s*)?(can|could|would|will) you (please )?(tell|walk|talk|describe|help me understand|share|"
    r"explain|take me|give me a sense)\b",
)
_WH_OPEN = re.compile(r"^\s*(what|how|why|where|which|who|when|tell me|walk me|help me)\b", re.I)

# Statements of the reader's world: someone on their side + goal/pressure words, or an understanding stem.
UNDERSTANDING_STEM = _rx(
    r"^\s*(my understanding is|as i understand it|i understand (that )?(your|you|the)|from what (you|i)|"
    r"i know (that )?(your|you|the|this|it)|i realise|i realize|i appreciate (that )?(your|you|the|how)|"
    r"i('ve| have) heard (from you )?(that )?(your|you)|you('ve| have) (told|said|mentioned)|you mentioned|"
    r"it sounds like|it seems (like )?(your|you)|if i('ve| have) (got|understood)|i get (the sense|that)|"
    r"i gather|i'?m aware|i can see (that )?(your|you|how))",
)
_THEIR = re.compile(r"\b(you|your|you'?re|you'?ve|yours)\b", re.I)
GOAL_WORDS = _rx(
    r"\bpriorit",
    r"\bgoals?\b",
    r"\bobjectives?\b",
    r"\btargets?\b",
    r"\bfocus",
    r"\bworr",
    r"\bconcern",
    r"\bpressure",
    r"\bmeasured\b",
    r"\baccountable\b",
    r"\bcommit(ted|ments?)\b",
    r"\bmatters?\b",
    r"\bcare (most )?about\b",
    r"\bon the hook\b",
    r"\bdeliver\b",
    r"\bthe board\b",
    r"\bthis (quarter|year)\b",
    r"\bheavy\b",
    r"\bstretched\b",
    r"\bplate\b",
    r"\bpromis",
    r"\bbudget",
    r"\bmargin",
    r"\bchurn\b",
    r"\bcustomers?\b",
    r"\bguidance\b",
    r"\bforecast\b",
    r"\bquota\b",
    r"\brenewals?\b",
    r"\bsuccess\b",
    r"\bwin(ning)?\b",
    r"\bcompetit",
    r"\bclose\b",
    r"\baudit\b",
    r"\bcash\b",
    r"\bgrowth\b",
    r"\bcost",
)
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
    flags: tuple[str, ...] = field(
        default=()
    )  # extra signals: pitch, invites_correction, us_vs_them, vague_ask

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["flags"] = list(self.flags)
        if self.confidence is not None:
            d["confidence"] = round(self.confidence, 3)
        return d


def is_us_vs_them(text: str) -> bool:
    return bool(cue("us_them").search(text))


def is_blame(text: str) -> bool:
    return bool(BLAME.search(text))


def is_ask(text: str) -> bool:
    """A concrete request: the session scorecard's pattern or a draft's meeting/decision request."""
    if _WH_OPEN.match(text):
        return False  # "What would you need from us?" asks about their world, not for something
    return has_ask(text)


def is_their_goals(text: str) -> bool:
    """A statement of the reader's goals, priorities or pressures (not a question about them)."""
    if UNDERSTANDING_STEM.search(text):
        return True
    if text.rstrip().endswith("?"):
        return False
    return bool(_THEIR.search(text) and GOAL_WORDS.search(text))


def areas(text: str) -> list[str]:
    """The playbook dimensions the words point at most strongly (the vocabulary's area words); ties kept."""
    scored = words_areas(text)
    best = max(scored.values(), default=0)
    return [dim for dim, n in scored.items() if n and n == best]


def _label_one(s: Sentence, lab: Labelled) -> SentenceLabel:
    text = s.text
    flags: list[str] = []
    question = text.rstrip().endswith("?") or lab.label in ("question_open", "question_closed")
    if INVITES_CORRECTION.search(text):
        flags.append("invites_correction")
    pitch = bool(cue("pitch").search(text)) and not question
    if pitch:
        flags.append("pitch")
    us_them = is_us_vs_them(text)
    if us_them:
        flags.append("us_vs_them")

    def out(label: str, cue: str) -> SentenceLabel:
        return SentenceLabel(s.index, text, s.kind, label, lab.label, lab.confidence, cue, tuple(flags))

    if us_them:
        return out("blaming", "casts their side as the other camp")
    if is_blame(text):
        return out("blaming", "puts the fault on their side")
    if cue("strong_correction").search(text) or (cue("weak_correction").search(text) and not question):
        return out("correcting", "contradicts or argues with their view")
    if is_ask(text):
        return out("ask", "makes a request")
    # An explicit "I know your..." / "My understanding is..." outranks the classifier's reading.
    if UNDERSTANDING_STEM.search(text):
        return out("their_goals", "describes their goals or pressures")
    if not pitch and (is_their_goals(text) or (lab.label == "reflect" and _THEIR.search(text))):
        return out("their_goals", "describes their goals or pressures")
    if lab.label == "correct" and not question:
        return out("correcting", "reads as arguing with their view")
    if cue("invitation").search(text) and not pitch:
        return out("question_open", "asks to hear their view")
    if question:
        if lab.label == "question_open" or _WH_OPEN.match(text) or POLITE_OPEN.search(text):
            return out("question_open", "open question")
        return out("question_closed", "yes/no question")
    if RAPPORT.search(text) and not pitch:
        return out("other", "rapport or logistics")
    if pitch or lab.label in ("inform", "correct", "reflect"):
        return out("telling", "pitches a solution" if pitch else "tells or explains")
    return out("other", "rapport or logistics")


def label_sentences(sentences: list[Sentence]) -> list[SentenceLabel]:
    """Label every sentence; greetings and sign-offs are kept (label ``other``) but not classified."""
    body = [s for s in sentences if s.kind == "body"]
    labs = classify_batch([(s.text, "") for s in body]) if body else []
    by_index = {s.index: lab for s, lab in zip(body, labs, strict=True)}
    out = []
    for s in sentences:
        if s.kind != "body":
            out.append(SentenceLabel(s.index, s.text, s.kind, "other", None, None, s.kind))
        else:
            out.append(_label_one(s, by_index[s.index]))
    return out
