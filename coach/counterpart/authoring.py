"""A persona card from plain language: what a CTO can write without knowing the card's matching fields.

    card_from_plain(profile, facts) -> YAML text of a valid card (checked by parse_persona_yaml)

The author gives the public profile and, per fact, its part of their world, the fact in a sentence and the
lines the counterpart says when asked (plus, optionally, how a listener would say it back, how they would
correct a wrong reading, the trust it needs and follow-up depth). The rest is derived: a neutral topic and
question hint from the vocabulary, the substance words from the say-back, the reactions from the template.
Meaning does the rest of the matching (coach.counterpart.topics and meaning), so no cue lists are needed;
the author can refine everything in the YAML afterwards.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from coach.counterpart.cards import DEPTH_KINDS, parse_persona_yaml, template_yaml
from coach.errors import PersonaError
from coach.text import STOPWORDS, words
from coach.vocab import Dimension, dimension

SUBSTANCE_WORDS = 6  # a say-back counts when it uses one of the say-back's most telling words
_NUMBER = re.compile(r"\d")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "my-counterpart"


def _substance(paraphrase: str) -> list[list[str]]:
    telling = [w for w in words(paraphrase) if len(w) > 4 and w not in STOPWORDS and not _NUMBER.search(w)]
    longest = sorted(dict.fromkeys(telling), key=len, reverse=True)[:SUBSTANCE_WORDS]
    if not longest:
        raise PersonaError(f"the say-back {paraphrase!r} needs at least one word of five letters or more")
    return [longest]


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    return [" ".join(str(v).split()) for v in value or [] if str(v).strip()]


def card_from_plain(profile: dict[str, Any], facts: list[dict[str, Any]]) -> str:
    """YAML text of a card built from plain-language fields; PersonaError naming what is missing."""
    for key in ("name", "role", "company", "industry"):
        if not str(profile.get(key) or "").strip():
            raise PersonaError(f"the card needs a {key}; fill it in above")
    given = [f for f in facts if str(f.get("statement") or "").strip()]
    if len(given) < 2:
        raise PersonaError("write at least two facts (their world needs two to be summarised back)")
    template = yaml.safe_load(template_yaml())
    out_facts, seen = [], {}
    for n, f in enumerate(given, start=1):
        dim = Dimension(f.get("dimension") or "needs")
        seen[dim] = seen.get(dim, 0) + 1
        words_ = dimension(dim)
        reveal = _lines(f.get("reveal")) or [" ".join(str(f["statement"]).split())]
        paraphrase = " ".join(str(f.get("paraphrase") or f["statement"]).split())
        depth = {k: _lines((f.get("depth") or {}).get(k)) for k in DEPTH_KINDS}
        out_facts.append(
            {
                "id": f"{dim.value}-{seen[dim]}",
                "dimension": dim.value,
                "topic": words_.about_them,
                "statement": " ".join(str(f["statement"]).split()),
                "drawn_by": f"a question about {words_.about_them}",
                "trust": float(f.get("trust") or 0.0),
                "reveal": reveal,
                "substance": _substance(paraphrase),
                "paraphrase": paraphrase,
                "correction": " ".join(str(f.get("correction") or f"Not quite. {reveal[0]}").split()),
                **({"depth": {k: v for k, v in depth.items() if v}} if any(depth.values()) else {}),
            }
        )
        if not str(f.get("statement")).strip():
            raise PersonaError(f"fact {n}: write the fact in a sentence")
    card = {
        "id": _slug(str(profile.get("id") or f"{profile['name']}-{profile['role']}")),
        "name": str(profile["name"]).strip(),
        "role": str(profile["role"]).strip(),
        "company": str(profile["company"]).strip(),
        "industry": str(profile["industry"]).strip(),
        "voice": str(profile.get("voice") or template["voice"]).strip(),
        "difficulty": str(profile.get("difficulty") or "normal"),
        "background": str(profile.get("background") or template["background"]).strip(),
        "facts": out_facts,
        "core": [f["id"] for f in out_facts][:4],
        "reactions": template["reactions"],
    }
    text = yaml.safe_dump(card, sort_keys=False, allow_unicode=True, width=110)
    parse_persona_yaml(text, source="the form")  # valid, or PersonaError naming the field
    return text
