"""Is a suggested line something a leader could say? The checker every "better line" passes before it is shown.

    problems(line) -> [str, ...]        # empty when the line reads as whole sentences
    noun_phrase_ok(phrase) -> bool      # may this phrase fill a template's slot?

The coach builds better lines (debrief moments, draft suggestions) from whole units: a persona card's own
paraphrase of a fact, the counterpart's whole clause, or a complete template whose slot holds a phrase that
passed :func:`noun_phrase_ok`. This module is the check on that promise; ``tests/test_sayable.py`` renders every
suggestion over the eval transcripts and drafts and fails on any line with a problem, and
``python -m evals.lines`` writes a readable sample.

It is a checker for the coach's own output, not a grammar of English: it looks for the marks that splicing
leaves (a clause where a noun phrase belongs, punctuation doubled at a seam, a sentence cut after a
determiner or an auxiliary, a fragment without a verb) and accepts ordinary sentences. A ``<slot>`` the
writer is meant to fill counts as a noun phrase.
"""

from __future__ import annotations

import re

MAX_WORDS = 70
MAX_SLOT_WORDS = 7

# Closed classes of English words (the checker needs no tagger for the seams it looks for).
SUBJECT_PRONOUNS = frozenset("i we you they he she".split())
AUXILIARIES = frozenset(
    "is are was were be been being am do does did have has had can could will would shall should may might "
    "must isn't aren't wasn't weren't don't doesn't didn't haven't hasn't hadn't can't couldn't won't "
    "wouldn't shouldn't mustn't i'm we're you're they're it's that's there's i've we've you've they've "
    "i'd we'd you'd they'd i'll we'll you'll they'll".split()
)
PREPOSITIONS = frozenset(
    "of to in on at by for with about from into onto over under between after before during without "
    "within across through against toward towards upon".split()
)
CONJUNCTIONS = frozenset("and or but nor so because although though if unless whether while than".split())
DETERMINERS = frozenset("the a an my your our their his her its every each some any no these those".split())
# After these, a subject pronoun means a clause was pasted where a noun phrase belongs ("thinking on I ask").
_SPLICE_AFTER = frozenset("of on about with for at into from regarding the a an my your our their".split())
_TRAILING = frozenset("too also again now then here there yet still already ago first last most".split())
MODALS = frozenset("would could will can should might may must do does did".split())
# Auxiliaries that carry no subject of their own ("can't complain" lacks one; "you're stretched" has it).
_NO_SUBJECT = frozenset(w for w in AUXILIARIES if "'" not in w or w.endswith("n't")) | MODALS
# Words that cannot end a sentence (a determiner or conjunction left at a cut; a preposition may strand).
_NO_END = DETERMINERS | (CONJUNCTIONS - {"so", "while"})

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*|\d[\d.,%]*")
_SLOT = re.compile(r"<[^<>]{1,80}>")
_SENTENCE_END = re.compile(r"[.?!][\"'\u201d\u2019)]*$")
_SEAMS = (
    (re.compile(r"[.!?,;:]\s*[.?!]"), "punctuation doubled at a seam"),
    (re.compile(r"\s[,.;:?!]"), "a space before punctuation"),
    (re.compile(r"\b(\w+)\s+\1\b", re.I), "a word repeated"),
    (
        re.compile(r"\b(the|a|an|my|your|our|their|of|to|and|or)\s*[,;:]", re.I),
        "cut after a determiner at a comma",
    ),
)


def _words(text: str) -> list[str]:
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.?!])[\"'\u201d\u2019)]*\s+(?=[A-Z\"'<\u201c])", text.strip())
    return [p for p in parts if p.strip()]


def noun_phrase_ok(phrase: str, after_preposition: bool = False) -> bool:
    """A short phrase that can stand where a template expects a noun phrase ("the month-end close",
    "your renewal numbers"): it opens like one (a determiner, a number or a name; ``after_preposition``: the
    phrase was a preposition's object in the source, "worry about *churn in the SMB tier*", so a bare noun is
    fine), holds no clause (no subject pronoun, auxiliary or modal), and is not cut after a determiner,
    preposition or conjunction."""
    if _SLOT.fullmatch(phrase.strip()):
        return True
    if re.search(r"[.?!;:\"]", phrase):
        return False
    words = _words(phrase)
    if not 1 <= len(words) <= MAX_SLOT_WORDS:
        return False
    if any(w in AUXILIARIES or w in SUBJECT_PRONOUNS for w in words):
        return False
    if words[0] in PREPOSITIONS | CONJUNCTIONS or words[-1] in _NO_END | PREPOSITIONS | {"this", "that"}:
        return False
    if len(words) > 1 and words[0] in ("that", "this") and words[1] in DETERMINERS:
        return False  # "that your team's priority": a clause's "that", not a demonstrative
    if words[0] == "my":
        return False  # the writer's own thing ("my understanding") is not what the reader is asked about
    first = phrase.strip().split()[0]
    opens_like_np = (
        words[0] in DETERMINERS | {"this", "that", "these", "those"}
        or first[0].isdigit()
        or first[0].isupper()
    )
    if not (opens_like_np or after_preposition):
        return False  # it must open like a noun phrase: "replace the ERP" is a verb phrase, not a thing
    if len(words) > 1 and (words[-1].endswith(("est", "ly")) or words[-1] in _TRAILING):
        return False  # "your duty managers hardest": an adverb or superlative left at the cut
    if len(words) > 1 and words[0] in ("that", "this", "it") and _third_person(words[1]):
        return False  # "that sounds frustrating" is a clause
    return not (len(words) == 1 and words[0] in DETERMINERS | {"this", "that", "it"})


def problems(line: str) -> list[str]:
    """What makes ``line`` read as spliced fragments rather than sentences; [] when none."""
    text = " ".join(line.split())
    if not text:
        return ["empty"]
    found: list[str] = []
    if len(_words(text)) > MAX_WORDS:
        found.append(f"longer than {MAX_WORDS} words")
    bare = _SLOT.sub("X", text)
    if "<" in bare or ">" in bare:
        found.append("an unclosed <slot>")
    for pattern, name in _SEAMS:
        if pattern.search(bare):
            found.append(name)
    for sent in _sentences(bare):
        found += [f"{p}: {sent!r}" for p in _sentence_problems(sent)]
    return found


def _sentence_problems(sent: str) -> list[str]:
    out = []
    stripped = sent.lstrip("\"'\u201c(")
    if stripped and stripped[0].isalpha() and not stripped[0].isupper():
        out.append("does not start with a capital")
    if not _SENTENCE_END.search(sent):
        out.append("does not end with . ? or !")
    words = _words(sent)
    if not words:
        return out + ["no words"]
    if words[-1] in _NO_END:
        out.append(f"cut after {words[-1]!r}")
    if words[-1].endswith("n't") and sent.rstrip("\"')\u201d\u2019").endswith("?"):
        out.append(f"a question cut after {words[-1]!r}")
    if not sent.rstrip("\"')\u201d\u2019").endswith("?"):
        clause = _words(
            sent.rsplit(",", 1)[-1]
        )  # the main clause, after any lead-in ("So from where you sit,")
        if clause and clause[0] in _NO_SUBJECT and len(clause) < len(words):
            out.append(f"a clause with no subject, opening on {clause[0]!r}")
        elif words[0] in _NO_SUBJECT:
            out.append(f"a statement with no subject, opening on {words[0]!r}")
    # A clause spliced into a noun-phrase slot: "thinking on I ask about...", "see this doesn't".
    for a, b in zip(words, words[1:], strict=False):
        if a in _SPLICE_AFTER and b in SUBJECT_PRONOUNS - {"you"}:
            out.append(f"a clause spliced in after {a!r}: {a} {b}")
            break
    # A modal, its subject, then a verb that agrees with no modal: "would that sounds frustrating fit".
    for a, b, c in zip(words, words[1:], words[2:], strict=False):
        if a in MODALS and b in ("that", "this", "it", "he", "she") and _third_person(c):
            out.append(f"a verb that does not follow {a!r}: {a} {b} {c}")
            break
    if not any(w in AUXILIARIES or _looks_verb(w) for w in words) and len(words) > 2:
        out.append("no verb: a fragment")
    return out


_COMMON_VERBS = frozenset(
    "see say tell ask need want know think feel look take make get go come put keep give help find "
    "mean matter work run hear agree suggest propose share talk walk start stop change fit drive cost "
    "meet call book send check try let sit cut drop move build fix buy understand believe hope like love wonder "
    "appreciate realise realize guess expect plan wish gather imagine lose win pay spend".split()
)


def _third_person(word: str) -> bool:
    """An -s verb form after a singular subject ("sounds", "makes"), not "process", "its", "us"."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s"))


def _looks_verb(word: str) -> bool:
    return word in _COMMON_VERBS or word.endswith(("ed", "ing")) or (word[:-1] in _COMMON_VERBS)
