"""One normaliser for the whole package: whitespace, words, sentences, stems and phrase matching.

    clean(text)        whitespace collapsed (None tolerated)
    words(text)        lower-cased words, apostrophes kept ("don't")
    sentences(text)    split after . ! ? and at line breaks
    stem(word)         a light suffix stripper: "margins", "margin" meet; "doubling" -> "doubl"
    Text.of(raw)       an utterance as stems, for matching word lists
    has(text, term)    whether a word, phrase or prefix* occurs (on stems)

The behaviour classifier reads its features through ``clean``, ``words`` and ``sentences`` too, so a
change here changes its inputs: retrain it (``python -m evals.train_behaviours``) and compare the evals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")

# Function words and fillers: what "content words" leave out (overlap with their words, retrieval, salience).
STOPWORDS = frozenset(
    """a an the and or but if then so to of in on at by for with from as is are was were be been being am
    i me my mine we us our ours you your yours he him his she her they them their it its this that these those
    do does did doing have has had having will would can could should shall may might must not no yes
    there here what which who whom whose when where why how all any each some such than too very just also
    only own same about into over under again further once more most other up down out off s t don
    uh um oh yeah okay ok well like know think mean really right get got go going gonna thing things
    lot bit kind sort way yes actually something anything one""".split()
)


# Characters a person cannot see or did not mean to type into a conversation: C0/C1 controls (NUL, ESC and
# the terminal escape sequences they start, except tab and newline), and the bidirectional overrides and
# isolates that reorder how text displays ("Trojan Source").
_CONTROL = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def strip_controls(text: str) -> str:
    """``text`` without control characters, terminal escape sequences or bidi overrides; tab and newline stay."""
    return _CONTROL.sub("", text)


def clean(text: str | None) -> str:
    """Collapse whitespace; tolerate None."""
    return " ".join((text or "").split())


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_words(text: str) -> set[str]:
    """The words that carry meaning: no function words or fillers, longer than three letters, or a number."""
    return {w for w in words(text) if (len(w) > 3 or w.isdigit()) and w not in STOPWORDS}


def sentences(text: str) -> list[str]:
    """Sentences of a turn or a paragraph: each line, split after . ! ? or an ellipsis, but not after an
    abbreviation ("e.g.", "Mr.", "approx.") or inside a number ("3.5")."""
    return [s for line in (text or "").splitlines() for s in split_sentences(line)]


_ABBREV = (
    "e.g",
    "i.e",
    "etc",
    "mr",
    "mrs",
    "ms",
    "dr",
    "vs",
    "approx",
    "no",
    "inc",
    "ltd",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "q",
    "fy",
    "st",
    "cf",
    "u.s",
    "a.m",
    "p.m",
)
# A sentence ends at . ! ? (or an ellipsis), optionally followed by closing quotes/brackets, then space.
_END = re.compile(r"(?:[.!?]+|\u2026)[\"'\u2019\u201d)\]]*\s+")


def _ends_with_abbreviation(chunk: str) -> bool:
    m = re.search(r"([A-Za-z.]+)\.$", chunk.rstrip())
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one block of running text."""
    text = " ".join(paragraph.split())
    out: list[str] = []
    start = 0
    for m in _END.finditer(text):
        chunk = text[start : m.end()].strip()
        if m.group(0).startswith(".") and _ends_with_abbreviation(text[start : m.start() + 1]):
            continue
        nxt = text[m.end() : m.end() + 1]
        if nxt and nxt.islower() and m.group(0).strip() == ".":
            continue  # "approx. ten" or a stray full stop inside a sentence
        if chunk:
            out.append(chunk)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, keep in (("ies", 4), ("ing", 5), ("ed", 4), ("es", 5), ("s", 4)):
        if w.endswith(suffix) and len(w) >= keep + len(suffix) - 1 and not w.endswith("ss"):
            w = w[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def tokens(text: str) -> list[str]:
    """Stems of a text, with "%" read as "percent" and currency signs dropped."""
    text = text.lower().replace("\u2019", "'").replace("%", " percent ").replace("per cent", "percent")
    text = text.replace("$", " ").replace("\u00a3", " ").replace("\u20ac", " ")
    return [stem(t) for t in _TOKEN.findall(text)]


@dataclass(frozen=True)
class Text:
    """A normalised utterance: stems joined by single spaces, padded, plus the stem list."""

    raw: str
    stems: tuple[str, ...]
    joined: str

    @classmethod
    def of(cls, raw: str) -> Text:
        stems = tuple(tokens(raw))
        return cls(raw, stems, " " + " ".join(stems) + " ")


def as_text(text: str | Text) -> Text:
    return text if isinstance(text, Text) else Text.of(text)


@lru_cache(maxsize=8192)
def _term(term: str) -> tuple[str, bool]:
    prefix = term.endswith("*")
    core = term[:-1] if prefix else term
    if prefix:  # stemmed too, so that "double*" meets "doubled" and "doubling" (stem "doubl")
        return " ".join(tokens(core)), True
    return " " + " ".join(tokens(core)) + " ", False


def has(text: Text, term: str) -> bool:
    """Whether ``term`` (a word, a phrase, or a prefix ending in *) occurs in ``text``."""
    norm, prefix = _term(term)
    if prefix:
        return any(s.startswith(norm) for s in text.stems) if " " not in norm else (" " + norm) in text.joined
    return norm.strip() != "" and norm in text.joined


def count(text: Text, terms: Iterable[str]) -> int:
    return sum(1 for t in terms if has(text, t))


# -- the counterpart naming a topic of hers in her own voice ------------------------------------------
_SUBJECT = {"she": "I", "he": "I", "they": "we"}
_CONTRACTED = {
    "she's": "I'm",
    "he's": "I'm",
    "they're": "we're",
    "she'd": "I'd",
    "he'd": "I'd",
    "they'd": "we'd",
}
_OBJECT = {"him": "me", "them": "us"}  # "her" is either: first_person reads the word after it
_POSSESSIVE = {"his": "my", "their": "our"}
_FIRST_PERSON_VERB = {"is": "am", "has": "have", "does": "do", "was": "was", "goes": "go"}
_AFTER_OBJECT = frozenset(("", "to", "for", "with", "about", "by", "from", "of", "and", "or"))


def _base_verb(verb: str, subject: str) -> str:
    if subject == "we":  # "they define" is already the plural form ("they are" -> "we are")
        return verb
    if verb in _FIRST_PERSON_VERB:
        return _FIRST_PERSON_VERB[verb]
    if re.search(r"(ch|sh|ss|x|z)es$", verb):
        return verb[:-2]
    return verb[:-1] if verb.endswith("s") and not verb.endswith("ss") else verb


def first_person(phrase: str) -> str:
    """A card's topic, written about the counterpart ("what success means to her", "how he is measured",
    "the competition in his region"), as she would say it ("what success means to me", "how I am
    measured", "the competition in my region"). Only the third-person pronouns and the verb after a
    subject change; anything else is kept as written."""
    toks = re.findall(r"[A-Za-z']+|[^A-Za-z']+", phrase)
    out = list(toks)
    word_at = [i for i, t in enumerate(toks) if re.match(r"[A-Za-z']", t)]
    for n, i in enumerate(word_at):
        w = toks[i].lower()
        nxt = toks[word_at[n + 1]].lower() if n + 1 < len(word_at) else ""
        if w in _CONTRACTED:
            out[i] = _CONTRACTED[w]
        elif w in _SUBJECT:
            out[i] = _SUBJECT[w]
            if nxt:
                out[word_at[n + 1]] = _base_verb(nxt, _SUBJECT[w])
        elif w == "her":  # "means to her" (me) or "her community" (my)
            out[i] = "me" if nxt in _AFTER_OBJECT else "my"
        elif w in _OBJECT:
            out[i] = _OBJECT[w]
        elif w in _POSSESSIVE:
            out[i] = _POSSESSIVE[w]
    return "".join(out)
