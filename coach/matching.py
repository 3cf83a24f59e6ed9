"""Matching the leader's words against a persona's facts, and spotting moves the scorer's labels miss.

Everything here is keyword based, deterministic and fast: words are lowercased and crudely stemmed so
that "margins", "margin" and "marginal" meet, and "%" reads as "percent". A cue ending in ``*`` matches
any word starting with it ("competit*" -> competitor, competition, competitive).

An optional sentence encoder (``coach.embeddings.local_encoder()``) adds a semantic fallback for
questions that name no area in words the card or the vocabulary below knows (see ``SemanticIndex``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from coach.counterpart.cards import Fact, Persona

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


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
    text = text.lower().replace("’", "'").replace("%", " percent ").replace("per cent", "percent")
    text = text.replace("$", " ").replace("£", " ").replace("€", " ")
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


def _as_text(text: str | Text) -> Text:
    return text if isinstance(text, Text) else Text.of(text)


def covers(fact: Fact, text: str | Text) -> bool:
    """The words describe the fact's substance: every substance group is mentioned."""
    t = _as_text(text)
    return all(any(has(t, term) for term in group) for group in fact.substance)


def coverage(fact: Fact, text: str | Text) -> float:
    t = _as_text(text)
    return sum(1 for g in fact.substance if any(has(t, term) for term in g)) / len(fact.substance)


def misread(fact: Fact, text: str | Text) -> str | None:
    """The first misreading phrase of the fact that the words contain, if any."""
    t = _as_text(text)
    for phrase in fact.misreadings:
        if has(t, phrase):
            return phrase
    return None


def touches(fact: Fact, text: str | Text) -> bool:
    """The words are about the fact's area (its cues or any of its substance words)."""
    t = _as_text(text)
    return count(t, fact.cues) > 0 or coverage(fact, t) > 0


# -- the areas a question can be about ------------------------------------------------------
VOCAB: dict[str, tuple[str, ...]] = {
    "competitors": (
        "compet*",
        "rival*",
        "market share",
        "up against",
        "other player*",
        "new entrant*",
        "landscape",
        "alternative*",
        "incumbent*",
        "who else",
        "disrupt*",
        "lose deal*",
        "lose to",
        "win against",
    ),
    "customers": (
        "customer*",
        "client*",
        "buyer*",
        "shopper*",
        "member*",
        "patient*",
        "who buy*",
        "who buys",
        "user*",
        "account*",
        "policyholder*",
        "churn",
        "retain*",
        "retention",
        "why they buy",
        "audience",
        "consumer*",
        "segment*",
    ),
    "product": (
        "special",
        "secret sauce",
        "unique",
        "different",
        "differen*",
        "stand out",
        "edge",
        "strength*",
        "why choose",
        "why do they choose",
        "choose you",
        "choose us",
        "pick us",
        "pick you",
        "best at",
        "proud of",
        "hard to copy",
        "copy",
        "brand",
        "product*",
        "offer*",
        "service*",
        "value proposition",
    ),
    "financials": (
        "money",
        "margin*",
        "profit*",
        "revenue*",
        "cost*",
        "cash",
        "financ*",
        "number*",
        "ebitda",
        "earning*",
        "p&l",
        "pnl",
        "budget*",
        "spend*",
        "expens*",
        "price*",
        "pricing",
        "growth",
        "sales figure*",
        "figure*",
        "bottom line",
        "top line",
    ),
    "success": (
        "success*",
        "win",
        "wins",
        "good year",
        "went well",
        "go well",
        "great year",
        "look like",
        "proud",
        "victory",
        "ideal",
        "achieve*",
        "winning",
    ),
    "objectives": (
        "objective*",
        "priorit*",
        "this quarter",
        "this year",
        "next quarter",
        "goal*",
        "deliver*",
        "plan*",
        "focus*",
        "agenda",
        "initiative*",
        "next six month*",
        "next twelve month*",
        "at risk",
        "must get done",
        "have to get done",
        "on your plate",
        "working on",
    ),
    "measures": (
        "measur*",
        "metric*",
        "kpi*",
        "scorecard",
        "bonus*",
        "judg*",
        "evaluat*",
        "assess*",
        "report on",
        "report to",
        "target*",
        "board look*",
        "held accountable",
        "accountab*",
        "performance review",
        "how do they rate",
        "compensat*",
        "incentiv*",
    ),
    "history": (
        "past",
        "history",
        "histor*",
        "burn*",
        "before",
        "previous*",
        "went wrong",
        "last time",
        "experience",
        "relationship",
        "project*",
        "technolog*",
        "it team",
        "it department",
        "systems",
        "vendor*",
        "failed",
        "failure*",
        "let you down",
        "disappoint*",
        "trust us",
        "worked with",
    ),
    "needs": (
        "need from",
        "from us",
        "from technology",
        "from it",
        "from my team",
        "help you",
        "wish",
        "do for you",
        "support you",
        "would help",
        "what would make",
        "magic wand",
        "want from",
        "ask of",
        "expect from",
        "could we do",
        "can we do",
        "should we do",
        "could my team",
    ),
}

GENERAL_OPEN = (
    "keep* you up",
    "your world",
    "top of mind",
    "biggest challenge*",
    "biggest worr*",
    "what worries you",
    "worry you",
    "on your mind",
    "going on",
    "pressure* on you",
    "tell me about you",
    "tell me about your",
    "help me understand",
    "walk me through",
    "what matters",
    "matter* most",
    "hardest part",
    "big picture",
    "how are things",
    "how is business",
    "how's business",
    "teach me",
    "where should i start",
    "what else",
    "anything else",
    "missing",
    "what should i know",
    "what do i need to know",
    "frustrat*", "difficult*", "challeng*", "worr*", "concern*", "stress*", "problem*", "pain*", "struggl*",
    "excit*", "opportunit*", "chang*", "trend*", "the business", "your business", "your job", "your role",
    "your day", "your week", "your team", "your side", "from where you sit", "your perspective", "your view",
    "see it", "see things", "most important", "priority", "surpris*", "hard", "tough", "on your plate",
)  # fmt: skip


def area_scores(persona: Persona, text: str | Text) -> dict[str, float]:
    """How strongly the words point at each dimension the card has facts in (card cues weigh double)."""
    t = _as_text(text)
    scores: dict[str, float] = {}
    dims = {f.dimension for f in persona.facts}
    for dim in dims:
        scores[dim] = float(count(t, VOCAB[dim]))
    for fact in persona.facts:
        hits = count(t, fact.cues)
        if hits:
            scores[fact.dimension] = scores.get(fact.dimension, 0.0) + 2.0 * hits
    return {d: s for d, s in scores.items() if s > 0}


def ranked_areas(persona: Persona, text: str | Text) -> list[str]:
    """The dimensions the words point at, strongest first (ties: the card's order)."""
    scores = area_scores(persona, text)
    order = [f.dimension for f in persona.facts]
    return sorted(scores, key=lambda d: (-scores[d], order.index(d)))


def best_area(persona: Persona, text: str | Text) -> str | None:
    ranked = ranked_areas(persona, text)
    return ranked[0] if ranked else None


def is_general(text: str | Text) -> bool:
    return count(_as_text(text), GENERAL_OPEN) > 0


# -- moves the labels may miss --------------------------------------------------------------
def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.I)


ROLE_BREAK = _rx(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instruction|prompt|rule|guideline|previous|above|"
    r"character|role|persona|programming|system)",
    r"\bsystem\s*(prompt|message|instruction)",
    r"\b(your|the)\s+(system )?(prompt|instructions|script|persona card|character card|persona file|"
    r"configuration)\b",
    r"\bhidden (facts?|info|information|details|answers|notes|instructions|data|truths?)\b",
    r"\bsecret (facts?|info|information|instructions|notes|data|details|numbers?|figures?|prompt|list)\b",
    r"\blet'?s play a game\b",
    r"\b(supposed|meant) to (say|give|write|type)\b",
    r"\bget you to say\b",
    r"\byour (notes|brief|briefing|backstory|character sheet)\b",
    r"\b(your|those|these|any|all|what are your|tell me your|share your) secrets\b",
    r"\bconfidential (facts?|info|data|notes)\b",
    r"\b(yaml|json|xml|markdown)\b",
    r"\bpersona\b",
    r"\b(are you|you are|you're|as) (an? )?(ai|a\.i\.|bot|chatbot|language model|llm|simulation|npc|program|"
    r"assistant|gpt|model)\b",
    r"\b(i am|i'm|this is) (the |your |an? )?(developer|admin|administrator|creator|programmer|operator|"
    r"engineer who (built|made|wrote) (you|this)|app'?s? (developer|author)|system)\b",
    r"\b(developer|debug|admin|god|test|maintenance|jailbreak|dan) mode\b",
    r"\bsudo\b",
    r"\bjailbreak",
    r"\b(list|dump|print|output|show|reveal|repeat|recite|enumerate|paste|spell out)\b.{0,30}\b"
    r"(facts|secrets|"
    r"notes|instructions|prompt|verbatim|text above|the above|everything you (know|were|have))\b",
    r"\btell me everything\b",
    r"\breveal (everything|all)\b",
    r"\b(pretend|roleplay|role-play|role play|out of character|ooc|break character|stop being|stop acting|"
    r"drop the act|new role|act as (if|an?|my|the))\b",
    r"\b(what were you told|what are you not allowed|what can't you (tell|say)|"
    r"not supposed to (tell|say|share))",
    r"\bfacts? (you|that you) (have|know|hold|are hiding|were given)\b",
    r"\bunrevealed\b",
    r"\btrust (level|score|threshold)\b",
    r"<\|?(system|im_start|/?s)\|?>",
    r"\[/?inst\]",
)

STRONG_CORRECTION = _rx(
    r"\bi don'?t (think|believe) that'?s (right|true|fair|the case|correct|accurate)\b",
    r"\bi'?m not sure that'?s (right|true|fair|the case)\b",
    r"\bthat'?s not (true|right|the case|fair|how it|what happened|correct|accurate)\b",
    r"\bthat is not (true|right|the case|fair|correct|accurate)\b",
    r"\byou'?re (wrong|mistaken|missing the point)\b",
    r"\bthat'?s (wrong|unfair|a myth|not fair)\b",
    r"\bwrong about\b",
    r"\bi disagree\b",
    r"\bdon'?t you think\b",
    r"\bisn'?t it (true|obvious|the case)\b",
    r"\bthe real (problem|issue|reason|cause)\b",
    r"\bthe data (shows|says)\b",
    r"\b(wasn'?t|isn'?t|not) (our|my|the team'?s|it'?s) fault\b",
    r"\bin our defen[cs]e\b",
    r"\bi'?d push back\b",
    r"\bthat'?s not what happened\b",
    r"^\s*no,? (it|that) (isn'?t|wasn'?t)\b",
    r"\bto be fair to (us|my team|it)\b",
)
WEAK_CORRECTION = _rx(
    r"\bactually\b",
    r"\bto be fair\b",
    r"\bin fairness\b",
    r"\bwith (all due )?respect\b",
    r"^\s*not really\b",
    r"\bbut (surely|really)\b",
    r"\bpush back\b",
)

PITCH = _rx(
    r"\bwe (should|could)\b(?! (talk|chat|meet|discuss|catch up|start|begin|get together|spend|look at))",
    r"\byou should\b",
    r"\byou need to\b",
    r"\bi propose\b",
    r"\bi'?d recommend\b",
    r"\bi recommend\b",
    r"\bmy proposal\b",
    r"\bour proposal\b",
    r"\bthe (answer|solution|fix) is\b",
    r"\bplatform\b",
    r"\bmigrat",
    r"\bcloud\b",
    r"\b(ai|a\.i\.|machine learning|genai|gen ai|llm)\b",
    r"\broadmap\b",
    r"\blet me (show|explain|tell you|walk you through (our|my|the plan))",
    r"\bwe'?ve built\b",
    r"\bwe built\b",
    r"\bour team can\b",
    r"\bwe can (fix|solve|build|deliver)\b",
    r"\bautomat",
    r"\bmicroservice",
    r"\bkubernetes\b",
    r"\bdata lake\b",
    r"\bdigital transformation\b",
    r"\bmoderni[sz]",
    r"\bif you (gave|give|fund|funded)\b",
    r"\bwhat (you|we) need is\b",
    r"\binvest(ment)? in\b",
    r"\bi'?ve got a plan\b",
    r"\bhere'?s (my|our|the) plan\b",
)

ASK = _rx(
    r"\bi need (you|your|from you)\b",
    r"\bi'?d like you to\b",
    r"\bi would like you to\b",
    r"\bi want you to\b",
    r"\bmy (one |first |second |main |big )?ask\b",
    r"\bi'?m asking\b",
    r"\bwould you be (willing|open)\b",
    r"\b(could|can|would|will) you (commit|agree|give|sponsor|join|fund|back|support|protect|make|help us|"
    r"help my|approve|champion|let us|let me|introduce|free up|allocate|lend|put your name)\b",
    r"\bi'?d (like|love) to (pilot|try|run|propose|suggest|get your (support|backing|sign-off))\b",
    r"\bcan i ask (you )?(for|that)\b",
    r"\bone thing i need\b",
    r"\btwo things i need\b",
)

SUMMARY = _rx(
    r"^\s*(so|ok(ay)?|right)?,?\s*(if i'?ve got|if i have got|if i understand|"
    r"let me (check|try|see if|say|play|summari[sz]e|make sure)|to (summari[sz]e|sum up|recap)|so to recap|"
    r"here'?s what i'?m hearing|what i'?m hearing|what i heard|i'?m hearing|let me describe|"
    r"from where you sit|the way you see it|as you see it|your world)",
    r"\b(let me (check|try to say|say back|play back|describe)|to sum up|to summari[sz]e|in summary|"
    r"did i get that|have i got (that|it|this) right|is that (right|fair)\??$|what am i missing\??$|"
    r"where am i off|tell me where i'?m off)",
)

REFLECT_STEM = _rx(
    r"^\s*(so|it sounds like|sounds like|what i'?m hearing|you'?re saying|if i understand|you feel|"
    r"you'?re worried|"
    r"you'?re telling me|it seems|from where you sit|for you)\b",
)

SMALL_TALK = _rx(
    r"\b(thanks|thank you) for\b",
    r"^\s*(hi|hello|hey|(good )?(morning|afternoon|evening)|thanks|thank you|great to|nice to|good to see|"
    r"how are you|"
    r"how was your|how'?s your|how have you been|cheers|appreciate)\b",
    r"\b(weekend|weather|holiday|vacation|kids|the game|coffee)\b",
)

ACKNOWLEDGE = _rx(
    r"^\s*(i see|ok(ay)?|right|got it|makes sense|that makes sense|interesting|understood|sure|yes|yeah|"
    r"mm+|hm+|wow|fair enough|of course|true|ah|oh|uh-huh|i hear you|thanks|thank you|cheers|appreciate it|"
    r"that's (helpful|useful|interesting|fair))\b",
)

OPEN_STEM = _rx(
    r"^\s*(what|how|why|who|where|tell me|walk me|help me understand|describe|which|in what way|"
    r"talk me through|i'?d love to "
    r"(hear|understand|learn)|i'?m curious)\b",
)


HUMILITY = _rx(
    r"\bi (don'?t|do not) (know|understand) (enough|as much|as well|much)\b",
    r"\bi'?ve reali[sz]ed i\b",
    r"\bhelp me understand\b",
    r"\bteach me\b",
    r"\bi'?d like to learn\b",
    r"\bi want to learn\b",
    r"\bi have a lot to learn\b",
    r"\bcan you help me see\b",
)

LEADER_CENTRIC = _rx(r"\b(we|our|us|my team|i'?ve|i can|i could|let me)\b")


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class SemanticIndex:
    """Optional: which fact's area a question is closest to in meaning, for questions no keyword places."""

    def __init__(self, persona: Persona, encoder: Encoder, threshold: float = 0.42):
        self.persona = persona
        self.encoder = encoder
        self.threshold = threshold
        texts = [f"{f.topic}. {f.drawn_by}" for f in persona.facts]
        self._matrix = encoder.encode(texts)

    def best_area(self, text: str) -> tuple[str | None, float]:
        vec = self.encoder.encode([text])[0]
        sims = self._matrix @ vec
        i = int(sims.argmax())
        score = float(sims[i])
        return (self.persona.facts[i].dimension if score >= self.threshold else None), score
