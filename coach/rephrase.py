"""Better lines built from the conversation itself (offline): the counterpart's own words given back.

No canned alternatives: every suggestion quotes or paraphrases what was said in this conversation.
"""

from __future__ import annotations

import re

from coach.sayable import noun_phrase_ok, problems
from coach.text import STOPWORDS, sentences

# First and second person swap places when the leader gives the counterpart's words back.
_SWAP = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we": "you",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "we're": "you're",
    "we've": "you've",
    "we'd": "you'd",
    "we'll": "you'll",
    "am": "are",
    "was": "were",
    "you": "I",
    "your": "my",
    "yours": "mine",
    "yourself": "myself",
    "you're": "I'm",
    "you've": "I've",
    "you'd": "I'd",
    "you'll": "I'll",
}
_WORD = re.compile(r"[A-Za-z']+")
_FILLERS = re.compile(
    r"^(look|well|honestly|frankly|so|okay|ok|right|yes|yeah|no|listen|fine)[,.!]?\s+", re.I
)


def swap_person(text: str) -> str:
    """'We keep missing our numbers' -> 'you keep missing your numbers'."""

    def repl(m: re.Match) -> str:
        word = m.group(0)
        swapped = _SWAP.get(word.lower())
        if swapped is None:
            return word
        if word.lower() == "you" and m.end() < len(text) and m.start() > 0:
            # "you" as an object ("told you") reads better as "me"
            before = text[: m.start()].rstrip().split(" ")[-1].lower()
            if before in {
                "told",
                "tell",
                "asked",
                "ask",
                "give",
                "gave",
                "show",
                "showed",
                "to",
                "for",
                "with",
            }:
                swapped = "me"
        return swapped

    return _WORD.sub(repl, text)


# Words about the conversation itself rather than their business ("nobody has asked me that").
_ABOUT_THE_TALK = frozenset("nobody anybody somebody everyone side asked before".split())
_ADDRESSING = re.compile(r"\b(you|your|you're|asked|ask)\b", re.I)


def _content_score(sentence: str) -> int:
    """Words that carry their world; a sentence about the conversation itself ("nobody has asked me
    that") scores lower than one about the business."""
    words = [w.lower() for w in _WORD.findall(sentence)]
    score = sum(1 for w in words if len(w) > 3 and w not in STOPWORDS and w not in _ABOUT_THE_TALK)
    return score - (2 if _ADDRESSING.search(sentence) else 0)


def key_sentence(text: str) -> str:
    """The most contentful sentence of what they said (ties: the earliest)."""
    parts = [s for s in sentences(text) if not s.endswith("?")] or sentences(text)
    if not parts:
        return ""
    return max(parts, key=_content_score)


def reflection_of(their_words: str, paraphrase: str | None = None) -> str:
    """A reflective line built from whole units, or "" when none makes a sentence a leader could say.

    First choice, the persona card's own paraphrase of the fact they were telling ("So your margins are down
    because fuel costs rose. Have I got that right?"); else their most contentful sentence, said back in
    the second person, when it is a whole clause ("So from where you sit, you lost two accounts..."). Each
    candidate must pass :func:`coach.sayable.problems`; a fragment such as "Can't complain." is never used."""
    candidates = []
    if paraphrase and paraphrase.strip():
        candidates.append(f"So {_lower_first(paraphrase.strip().rstrip('.!?'))}. Have I got that right?")
    core = _FILLERS.sub("", key_sentence(their_words)).rstrip(".!? ")
    if core:
        core = swap_person(core)
        candidates.append(f"So from where you sit, {_lower_first(core)}. Have I got that right?")
    return next((line for line in candidates if not problems(line)), "")


def _lower_first(text: str) -> str:
    if text.startswith("I ") or text[:2].isupper():
        return text
    return text[0].lower() + text[1:]


_AUX = r"(is|are|was|were|do|does|did|can|could|would|will|have|has|should|isn't|aren't|don't|doesn't|didn't|won't)"
_SUBJ = r"(you|we|they|it|that|this|there|your team|the board)"
# When a yes/no question holds no phrase that can be reused whole, the open question is this one.
OPEN_FALLBACK = "How do you see it, from where you sit?"


def open_question_from(closed: str) -> str:
    """Turn a yes/no question into an open one about the same topic, from whole units: its own clause
    after "whether", or a noun phrase that passes :func:`coach.sayable.noun_phrase_ok`; else a complete
    open question (:data:`OPEN_FALLBACK`)."""
    body = " ".join(closed.split()).rstrip("?").strip()
    candidates = []
    m = re.match(rf"^{_AUX}\s+{_SUBJ}\s+(\w+)\s+(about|on|with|for|in)\s+(.+)$", body, flags=re.I)
    m2 = re.match(rf"^{_AUX}\s+{_SUBJ}\s+(.+)$", body, flags=re.I)
    # "Is the budget fixed for this year?": a determiner, the subject's words, then a participle.
    m3 = re.match(
        r"^(is|are|was|were)\s+((?:the|your|our|this|that|these|those)\s+[\w-]+(?:\s+[\w-]+)?)\s+"
        r"(\w+(?:ed|ing)\b.*)$",
        body,
        flags=re.I,
    )
    if m and noun_phrase_ok(m.group(5), after_preposition=True):
        candidates.append(f"What's your thinking on {m.group(5)}?")
    if (
        m2
        and m2.group(2).lower() in ("it", "that", "this")
        and re.fullmatch(r"(an? [\w-]+|[\w-]+)", m2.group(3))
    ):
        candidates.append(f"What makes {m2.group(2).lower()} {m2.group(3)} for you?")  # "Is that a problem?"
    if m3:
        candidates.append(f"What's your view on whether {m3.group(2)} {m3.group(1).lower()} {m3.group(3)}?")
    if m2 and m2.group(1).lower() not in ("do", "does", "did", "don't", "doesn't", "didn't"):
        subject = m2.group(2) if m2.group(2)[0].isupper() and m2.group(2) != "I" else m2.group(2).lower()
        candidates.append(f"What's your view on whether {subject} {m2.group(1).lower()} {m2.group(3)}?")
    candidates.append(OPEN_FALLBACK)
    return next(line for line in candidates if not problems(line))
