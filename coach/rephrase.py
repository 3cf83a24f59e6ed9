"""Better lines built from the conversation itself (offline): the counterpart's own words given back.

No canned alternatives: every suggestion quotes or paraphrases what was said in this conversation.
"""

from __future__ import annotations

import re

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


def reflection_of(their_words: str) -> str:
    """A reflective line built from their own words, e.g. 'So for you, margins are what matter most.'"""
    core = _FILLERS.sub("", key_sentence(their_words)).rstrip(".!? ")
    if not core:
        return ""
    core = swap_person(core)
    core = core[0].lower() + core[1:] if not core.startswith("I ") else core
    return f"So from where you sit, {core}. Have I got that right?"


_AUX = r"(is|are|was|were|do|does|did|can|could|would|will|have|has|should|isn't|aren't|don't|doesn't|didn't|won't)"
_SUBJ = r"(you|we|they|it|that|this|there|your team|the board)"


def open_question_from(closed: str) -> str:
    """Turn a yes/no question into an open one about the same topic."""
    body = closed.strip().rstrip("?").strip()
    m = re.match(rf"^{_AUX}\s+{_SUBJ}\s+(\w+)\s+(about|on|with|for|in)\s+(.+)$", body, flags=re.I)
    m2 = re.match(rf"^{_AUX}\s+{_SUBJ}\s+(.+)$", body, flags=re.I)
    if m:
        topic = m.group(5)
    elif m2 and m2.group(2).lower() in {"it", "that", "this"}:
        return f"What makes {m2.group(2).lower()} {m2.group(3)} for you?"
    elif m2:
        return f"What's your view on whether {m2.group(2)} {m2.group(1).lower()} {m2.group(3)}?"
    else:
        topic = re.sub(rf"^{_AUX}\s+", "", body, flags=re.I)
        topic = re.sub(rf"^{_SUBJ}\s+", "", topic, flags=re.I)
    topic = topic.strip()
    if not topic:
        return "What's behind that for you?"
    return f"What's your thinking on {topic}?"
