"""Offline suggestions for a draft, each quoting one of its sentences and proposing a line built from it.

    suggest(labels, criteria, understanding=None) -> [Suggestion(criterion, sentence, quote, advice, example,
                                                                 section_id)]

No canned advice: every suggestion quotes the draft, and its example is a complete line whose one slot holds
that sentence's own noun phrase when :func:`coach.sayable.noun_phrase_ok` accepts it (else "this", the
quoted sentence). Ordered by the points the criterion lost; at most one
suggestion per sentence.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from coach.drafts.score import MAX_WORDS, Criterion
from coach.drafts.signals import SentenceLabel
from coach.drafts.understanding import Understanding
from coach.rephrase import open_question_from
from coach.sayable import noun_phrase_ok, problems

MAX_SUGGESTIONS = 6
_LEAD = re.compile(
    r"^\s*((hi|hey|so|look|well|honestly|frankly|actually|also|just|again|ok|okay|as you know|as i said|"
    r"as i mentioned( before)?|to be (honest|fair)|i think|i believe|i feel|in my view|obviously|clearly|"
    r"the (real|actual) (problem|issue|reason|cause) (is|was)|"
    r"that'?s not (true|right|the case|what happened)|"
    r"you'?re wrong( about)?|with (all due )?respect|no)\b[,:;\s-]*)+",
    re.I,
)
_SUBJECT = re.compile(
    r"^\s*(i|we|my team|our team|you|your team|they|it|this|there|that|finance|sales|the business)\s+"
    r"(need to|needs to|have to|has to|must|should|will|would|can|could|want to|wants to|"
    r"are going to|'re going to|"
    r"am|are|is|was|were|have|has|had|keep|keeps|kept|always|never|just|really)?\s*",
    re.I,
)


@dataclass(frozen=True)
class Suggestion:
    criterion: str
    sentence: int  # index of the quoted sentence
    quote: str  # the draft's own words
    advice: str
    example: str  # a line built from the quoted sentence; may hold a <slot> for the writer to fill
    section_id: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def topic_of(text: str, max_words: int = 10) -> str:
    """A sentence minus its lead-in, subject and modal: 'we need to replace the ERP' -> 'replace the ERP'."""
    t = text.strip().rstrip(".!?;:").strip()
    for _ in range(2):
        t = _LEAD.sub("", t)
        t = _SUBJECT.sub("", t, count=1)
    t = re.split(r"[,;:]|\s[-\u2013\u2014]\s|\b(?:which|because|so that|but)\b", t, maxsplit=1)[0].strip()
    words = t.split()
    if not words:
        return text.strip().rstrip(".!?")
    t = " ".join(words[:max_words])
    return t[0].lower() + t[1:] if not t[:2].isupper() else t


_DET = re.compile(r"\b(the|a|an|our|your|this|these|that|those|my|their|its)\b", re.I)
_STOP = re.compile(
    r"\b(is|are|was|were|has|have|had|will|would|could|should|can|may|might|must|keeps?|kept|caused|created|"
    r"needs?|costs?|blocks?|means|makes?|takes?|gets?|goes|went|came|and|or|but|which|that|because|so|if|when|"
    r"to|not|always|never|just|only|now|today|again|already|by|before|after|with|from|at|into|than|land|lands|times|once|twice)\b",
    re.I,
)


def noun_phrase(text: str, max_words: int = 6) -> str:
    """The first noun phrase of a sentence, or else its topic.

    'Actually, the outage last month was caused by...' -> 'the outage last month'.
    """
    t = _LEAD.sub("", text.strip().rstrip(".!?;:"))
    m = _DET.search(t)
    if m:
        rest = t[m.start() :]
        words: list[str] = []
        for i, w in enumerate(rest.split()):
            bare = w.strip(",;:()\"'")
            if i > 0 and _STOP.fullmatch(bare):
                break
            words.append(bare)
            if w.endswith((",", ";", ":")) or len(words) == max_words:
                break
        if len(words) >= 2:
            phrase = " ".join(words)
            return phrase[0].lower() + phrase[1:]
    return topic_of(text, max_words)


def _with_thing(template: str, text: str, default: str | None, fallback: str | None = None) -> str:
    """``template`` with the sentence's own noun phrase in its slot when it passes
    :func:`coach.sayable.noun_phrase_ok` and the whole line reads as sentences; else with ``default``
    ("this": the quoted sentence) in the slot, or ``fallback`` as the whole line. Never a clause spliced
    where a thing belongs."""
    phrase = noun_phrase(text)
    if noun_phrase_ok(phrase):
        line = template.format(phrase)
        if not problems(line):
            return line
    if default is not None:
        return template.format(default)
    return fallback or template.format("it")


def _topic_sentence(content: list[SentenceLabel]) -> SentenceLabel:
    """The sentence that says what the writer wants: a pitch, an ask, else the longest telling."""
    for pick in (
        lambda s: "pitch" in s.flags,
        lambda s: s.label == "ask",
        lambda s: s.label == "telling" and len(s.text.split()) >= 5,
    ):
        hits = [s for s in content if pick(s)]
        if hits:
            return max(hits, key=lambda s: len(s.text.split())) if hits[0].label == "telling" else hits[0]
    return content[0]


def _by_index(labels: list[SentenceLabel]) -> dict[int, SentenceLabel]:
    return {s.index: s for s in labels}


def suggest(
    labels: list[SentenceLabel], criteria: list[Criterion], understanding: Understanding | None = None
) -> list[Suggestion]:
    """Suggestions built from the draft's own sentences for every criterion that lost points."""
    s_by = _by_index(labels)
    body = [s for s in labels if s.kind == "body"]
    content = [s for s in body if s.label != "other"] or body
    out: list[Suggestion] = []
    used: set[int] = set()

    def add(
        crit: str, s: SentenceLabel, advice: str, example: str, section: str, anchor: bool = False
    ) -> None:
        """``anchor``: the sentence only marks where to act, so it may carry a second suggestion."""
        if s.index in used and not anchor:
            return
        used.add(s.index)
        out.append(Suggestion(crit, s.index, s.text, advice, example, section))

    lost = {c.id: c for c in criteria if c.points < c.max_points}
    priority = ("no_correction", "us_vs_them", "understanding", "concrete_ask", "invites", "telling", "shape")
    order = sorted(lost.values(), key=lambda c: (priority.index(c.id), c.points - c.max_points))
    for c in order:
        if c.id in ("no_correction", "us_vs_them"):
            for i in c.lost_by:
                s = s_by[i]
                if "us_vs_them" in s.flags:
                    example = _with_thing("How could we tackle {} together?", s.text, "this")
                    add(
                        c.id,
                        s,
                        "This casts their side as the other camp. Say it as one team, or ask what "
                        "it looks like from their side.",
                        example,
                        "us-versus-them",
                    )
                elif s.label == "blaming":
                    add(
                        c.id,
                        s,
                        "This puts the fault on them; they will defend instead of listening. Ask "
                        "what is behind it instead.",
                        _with_thing("What has been driving {} on your side?", s.text, "this"),
                        "dont-correct",
                    )
                else:
                    add(
                        c.id,
                        s,
                        "This argues with their view before you have shown you understand it. Ask "
                        'how they see it; your view can wait until they say "that\'s right".',
                        _with_thing("How do you see {}?", s.text, "this"),
                        "dont-correct",
                    )
        elif c.id == "understanding":
            goals = [s_by[i] for i in c.earned_by]
            missed = [n.name for n in (understanding.missed if understanding else []) if n.core]
            if goals:
                area = f" such as {missed[0]}" if missed else ""
                add(
                    c.id,
                    goals[0],
                    f"You describe one part of their world. Add a second, from another area{area}, "
                    "so they can see you have done your homework.",
                    "I also understand that <another of their priorities, in their terms>.",
                    "demonstrate-understanding",
                )
            else:
                first = _topic_sentence(content)
                add(
                    c.id,
                    first,
                    "Nothing here describes their goals or pressures. Before this, say what you "
                    "understand about what they need, and ask whether you have it right.",
                    _with_thing("Before we talk about {}, ", first.text, "this")
                    + "I'd like to check I understand what matters most to you: <their priority, in their "
                    "terms>. Have I got that right?",
                    "demonstrate-understanding",
                    anchor=True,
                )
        elif c.id == "invites":
            if c.lost_by:
                s = s_by[c.lost_by[0]]
                add(
                    c.id,
                    s,
                    "A yes/no question gets a yes or a no. Ask it open, so they tell you how they see it.",
                    open_question_from(s.text),
                    "open-questions",
                )
            else:
                anchor = next((s for s in content if s.label == "their_goals"), None) or _topic_sentence(
                    content
                )
                if anchor.label == "their_goals":
                    example = "Is that right, or what am I missing?"  # said after the quoted sentence
                else:
                    example = _with_thing("What matters most to you about {}?", anchor.text, "this")
                add(
                    c.id,
                    anchor,
                    "There is no question about their world. Invite them to correct or add to "
                    "what you believe.",
                    example,
                    "open-questions",
                    anchor=True,
                )
        elif c.id == "concrete_ask":
            asks = [s_by[i] for i in c.lost_by]
            if not asks and not c.earned_by:
                target = _topic_sentence(content)
                add(
                    c.id,
                    target,
                    "The draft asks for nothing concrete, so they cannot say yes to anything. End "
                    "with one request that names an action and a time.",
                    _with_thing(
                        "Could we agree by <date> on one next step for {}?",
                        target.text,
                        None,
                        fallback="Could we agree by <date> on one next step?",
                    ),
                    "concrete-asks",
                    anchor=True,
                )
            elif len(c.earned_by) + len(asks) > 2:
                for s in asks:
                    add(
                        c.id,
                        s,
                        "More than one or two asks dilutes each one. Keep the ask that matters most and "
                        "hold this one for later.",
                        f"Keep only: {s_by[c.earned_by[0]].text}" if c.earned_by else s.text,
                        "concrete-asks",
                    )
            else:
                for s in asks:
                    add(
                        c.id,
                        s,
                        "The ask comes before any sign that you understand their priorities, so it "
                        "reads as a demand. Move it to the end, after the part about their world.",
                        f"<what you understand about their priorities>. With that in mind: {s.text}",
                        "concrete-asks",
                    )
        elif c.id == "telling":
            for i in c.lost_by[:2]:
                s = s_by[i]
                add(
                    c.id,
                    s,
                    "This tells or pitches before they feel understood. Cut it, or turn it into a "
                    "question about how it fits their goals.",
                    _with_thing("How would {} fit what you are trying to achieve?", s.text, "this"),
                    "premature-pitch",
                )
        elif c.id == "shape":
            words = sum(len(s.text.split()) for s in body)
            if c.lost_by:
                s = s_by[c.lost_by[0]]
                add(
                    c.id,
                    s,
                    "The message opens with your agenda. Open with their situation instead; move this "
                    "sentence later or cut it.",
                    f"<one sentence about their situation>. {s.text}",
                    "draft-messages",
                )
            if words > MAX_WORDS:
                tell = [s for s in body if s.label == "telling"] or body
                add(
                    c.id,
                    tell[-1],
                    f"At {words} words it is long for a phone screen. Cut the telling first, "
                    f"starting here, to get under {MAX_WORDS}.",
                    f"Cut this sentence and the draft drops to {words - len(tell[-1].text.split())} words.",
                    "draft-messages",
                )
    return out[:MAX_SUGGESTIONS]
