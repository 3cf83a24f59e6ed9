"""Split a draft message (email, chat message, meeting opener) into sentences a reader would point at.

    split_draft("Hi Maria,\\n\\nI know Q3 is heavy. What matters most?\\n\\nBest,\\nSam")
    -> [Sentence(0, "Hi Maria,", "greeting"), Sentence(1, "I know Q3 is heavy.", "body"),
        Sentence(2, "What matters most?", "body"), Sentence(3, "Best,", "signoff"),
        Sentence(4, "Sam", "signoff")]

Plain regular expressions: greeting lines ("Hi Maria,"), sign-offs and the name under them, bullet and
numbered lines (one sentence each, marker dropped); the sentences of running text are coach.text's
(sentence ends that are not abbreviations, "e.g.", "Mr.", "approx.", or decimals, "3.5").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

from coach.text import split_sentences

Kind = Literal["greeting", "body", "signoff"]

_GREETING = re.compile(
    r"^\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings|morning|afternoon)\b"
    r"[,\s]*([\w'.-]+[,\s]*){0,4}[,!:]?\s*$",
    re.I,
)
_SIGNOFF = re.compile(
    r"^\s*(best( regards| wishes)?|kind regards|warm regards|regards|cheers|"
    r"thanks( again| so much| in advance)?|"
    r"thank you|many thanks|all the best|sincerely|yours( sincerely| truly)?|talk soon|speak soon|warmly|"
    r"with thanks|br)\s*[,.!]?\s*(-+\s*)?(?-i:[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*){0,2})?\s*$",
    re.I,
)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013]|\d{1,2}[.)]|[a-z][.)])\s+")
_NAME_COMMA = re.compile(r"^\s*[A-Z][\w'-]*(\s+[A-Z][\w'-]*)?,\s*$")  # "Maria," on its own line
_NAME_LINE = re.compile(r"^\s*[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*){0,3}\s*$")


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    kind: Kind = "body"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def split_draft(text: str) -> list[Sentence]:
    """Every sentence of the draft, in order, with greetings and sign-offs marked."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    pieces: list[tuple[str, Kind]] = []
    block: list[str] = []
    signed_off = False

    def flush() -> None:
        if block:
            pieces.extend((s, "signoff" if signed_off else "body") for s in split_sentences(" ".join(block)))
            block.clear()

    # A bare name on the last line, after a blank line, signs the message ("...\n\nSam").
    filled = [i for i, line in enumerate(lines) if line.strip()]
    name_at = None
    if len(filled) >= 2 and _NAME_LINE.match(lines[filled[-1]]) and not lines[filled[-1] - 1].strip():
        name_at = filled[-1]
    body_seen = False
    for n, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            flush()
            continue
        if n == name_at and body_seen:
            flush()
            pieces.append((line, "signoff"))
            continue
        if _SIGNOFF.match(line) and (body_seen or len(line.split()) <= 2):
            flush()
            signed_off = True
            pieces.append((line, "signoff"))
            continue
        if not body_seen and not block and (_GREETING.match(line) or _NAME_COMMA.match(line)):
            pieces.append((line, "greeting"))
            continue
        if signed_off and (_NAME_LINE.match(line) or len(line.split()) <= 6):
            pieces.append((line, "signoff"))
            continue
        if _BULLET.match(line):
            flush()
            item = _BULLET.sub("", line).strip()
            if item:
                pieces.extend((s, "body") for s in split_sentences(item))
                body_seen = True
            continue
        # An inline greeting at the start of a one-paragraph chat message: "Hi Maria, quick one: ..."
        if not body_seen and not block:
            m = re.match(r"^((?:hi|hello|hey|dear)\s+[A-Z][\w'-]*\s*[,!-])\s+(.+)$", line, re.I)
            if m:
                pieces.append((m.group(1), "greeting"))
                line = m.group(2)
        block.append(line)
        body_seen = True
    flush()
    return [Sentence(i, s, kind) for i, (s, kind) in enumerate(pieces)]


def body(sentences: list[Sentence]) -> list[Sentence]:
    return [s for s in sentences if s.kind == "body"]
