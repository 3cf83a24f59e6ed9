"""Persona cards: the counterpart as a believable person, stored as YAML (schema: corpus/personas/README.md).

A card holds what the leader may know going in (name, role, company, background), how the person
talks (voice), and what they keep to themselves until asked well: hidden facts grouped by the
playbook's dimensions, each with the kind of question that draws it out, the trust it needs, and
authored lines in the person's voice. ``core`` lists the facts that make up "their world": a summary
must describe those back before the counterpart says "that's right".

    list_personas(settings)        shipped cards (corpus/personas) and the user's (data_dir/personas)
    load_persona(id, settings)     one card; PersonaError listing the known ids
    load_persona_file(path)        a card from any file; PersonaError naming the file and the field
    parse_persona_yaml(text)       validation; every error names the field
    save_persona(persona, settings)
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coach import paths
from coach.config import Settings, load_settings
from coach.counterpart.facts import covers, misread
from coach.errors import PersonaError
from coach.text import first_person
from coach.textfile import read_text
from coach.vocab import Difficulty, Dimension, vocabulary

SHIPPED_DIR = paths.PERSONAS
FALLBACK_FILE = paths.PROMPTS / "fallback_lines.yaml"

# The playbook's dimensions, in the counterpart's voice ("who we compete with"), from the vocabulary.
DIMENSIONS: dict[str, str] = {d.value: w.in_their_voice for d, w in vocabulary().dimensions.items()}
DIFFICULTY_NAMES = tuple(d.value for d in Difficulty)

# Reactions every card must author (the six), and the optional ones (built-in fallbacks exist).
REQUIRED_REACTIONS = (
    "correction",
    "pitch",
    "accurate_summary",
    "inaccurate_summary",
    "open_question",
    "small_talk",
)
OPTIONAL_REACTIONS = (
    "opening",
    "closed_question",
    "closed_fact",
    "guarded",
    "deflect",
    "partial_summary",
    "premature_agreement",
    "reflection",
    "ask_after",
    "ask_too_many",
    "role_break",
    "inform",
    "closing",
    "repeat",
    "move_on",
    "reflect_vague",
    "volunteer",
    "said_enough",
    "greeting",
    "thanks",
    "ahead_of_me",
    "partial_guarded",
    "offer_taken",
    "logistics",
    "ask_early",
)
# Placeholders a reaction line may use.
REACTION_PLACEHOLDERS = {
    "partial_summary": {"missing"},
    "guarded": {"topic"},
    "repeat": {"topic"},
    "said_enough": {"topic"},
}
# What a follow-up can ask for more of; a fact's depth lines are grouped by these.
DEPTH_KINDS = ("why", "cost", "example", "feeling", "more")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_CARD_CHARS = 200_000
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_NUMBERISH = re.compile(r"(?<![\w.])[$£€]?\d[\d,.]*(?:%|k|m|bn|x)?", re.I)

Lines = list[str]


def _clean_lines(value: Any, what: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list of lines")
    out = []
    for i, line in enumerate(value):
        if not isinstance(line, str) or not line.strip():
            raise ValueError(f"{what} item {i} must be a non-empty line of text")
        out.append(" ".join(line.split()))
    if not out:
        raise ValueError(f"{what} needs at least one line")
    return out


class Fact(BaseModel):
    """One hidden fact: what they know, what draws it out, and how they say it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="short id that does not give the fact away, e.g. financials-1")
    dimension: Dimension
    topic: str = Field(description="a few neutral words naming the area, e.g. 'the margin squeeze'")
    statement: str = Field(description="the fact, plainly, for the author and the language model")
    drawn_by: str = Field(description="what kind of question draws it out")
    cues: list[str] = Field(default_factory=list, description="words in a question that point at this fact")
    trust: float = Field(
        default=0.0, ge=0.0, le=1.0, description="trust needed before they share it (normal)"
    )
    reveal: Lines = Field(description="authored lines that reveal it, in their voice")
    guarded: Lines = Field(default_factory=list, description="what they say when asked before trusting you")
    substance: list[list[str]] = Field(
        description="what a description back must mention: groups of alternative words, every group needed"
    )
    paraphrase: str = Field(description="how a listening leader might say it back")
    misreadings: list[str] = Field(default_factory=list, description="phrases that show a wrong reading")
    correction: str = Field(description="how they correct a wrong reading, in their voice")
    depth: dict[Literal["why", "cost", "example", "feeling", "more"], Lines] = Field(
        default_factory=dict,
        description="more of the same fact, drawn out by follow-ups: why, cost, example, feeling, more",
    )

    @property
    def own_topic(self) -> str:
        """The topic as the counterpart says it ("what success means to me"), for her lines."""
        return first_person(self.topic)

    @field_validator("depth", mode="before")
    @classmethod
    def _depth(cls, v: Any) -> Any:
        if v in (None, {}):
            return {}
        if not isinstance(v, dict):
            raise ValueError(f"give a mapping of {', '.join(DEPTH_KINDS)} to lists of lines")
        return {k: _clean_lines(lines, f"depth.{k}") for k, lines in v.items()}

    def depth_lines(self) -> list[tuple[str, str]]:
        """(kind, line) in the order a follow-up draws them out: each kind's first line, then the rest."""
        rounds = max((len(v) for v in self.depth.values()), default=0)
        return [
            (kind, self.depth[kind][i])
            for i in range(rounds)
            for kind in DEPTH_KINDS
            if kind in self.depth and i < len(self.depth[kind])
        ]

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(
                f"{v!r} is not an id: use lowercase letters, digits and hyphens, e.g. financials-1"
            )
        return v

    @field_validator("reveal", "guarded", mode="before")
    @classmethod
    def _lines(cls, v: Any, info: pydantic.ValidationInfo) -> list[str]:
        if info.field_name == "guarded" and v in (None, []):
            return []
        return _clean_lines(v, info.field_name)

    @field_validator("statement", "topic", "drawn_by", "paraphrase", "correction")
    @classmethod
    def _text(cls, v: str) -> str:
        v = " ".join(v.split())
        if not v:
            raise ValueError("must not be empty")
        return v

    @field_validator("cues", "misreadings", "substance", mode="before")
    @classmethod
    def _numbers_as_words(cls, v: Any) -> Any:
        """YAML reads 13 or 4.5 as numbers; in a word list they are words."""

        def fix(x: Any) -> Any:
            if isinstance(x, list):
                return [fix(i) for i in x]
            return str(x) if isinstance(x, int | float) and not isinstance(x, bool) else x

        return fix(v)

    @field_validator("cues", "misreadings")
    @classmethod
    def _words(cls, v: list[str]) -> list[str]:
        return [w.strip().lower() for w in v if w.strip()]

    @field_validator("substance")
    @classmethod
    def _substance(cls, v: list[list[str]]) -> list[list[str]]:
        groups = [[w.strip().lower() for w in group if w.strip()] for group in v]
        if not groups or any(not g for g in groups):
            raise ValueError("give at least one group of words, e.g. [[margin, margins], [fuel, diesel]]")
        return groups


class Reactions(BaseModel):
    """Authored lines for how they react to the leader's moves."""

    model_config = ConfigDict(extra="forbid")

    correction: Lines
    pitch: Lines
    accurate_summary: Lines
    inaccurate_summary: Lines
    open_question: Lines
    small_talk: Lines
    opening: Lines = Field(default_factory=list)
    closed_question: Lines = Field(default_factory=list)
    # a closed "what / which / when" question: brief, gives little, no yes or no
    closed_fact: Lines = Field(default_factory=list)
    guarded: Lines = Field(default_factory=list)
    deflect: Lines = Field(default_factory=list)
    partial_summary: Lines = Field(default_factory=list)
    premature_agreement: Lines = Field(default_factory=list)
    reflection: Lines = Field(default_factory=list)
    ask_after: Lines = Field(default_factory=list)
    ask_too_many: Lines = Field(default_factory=list)
    role_break: Lines = Field(default_factory=list)
    inform: Lines = Field(default_factory=list)
    closing: Lines = Field(default_factory=list)
    repeat: Lines = Field(default_factory=list)
    move_on: Lines = Field(default_factory=list)
    reflect_vague: Lines = Field(default_factory=list)
    volunteer: Lines = Field(default_factory=list)
    said_enough: Lines = Field(default_factory=list)
    greeting: Lines = Field(default_factory=list)
    thanks: Lines = Field(default_factory=list)
    ahead_of_me: Lines = Field(default_factory=list)
    partial_guarded: Lines = Field(default_factory=list)
    # the leader offers what they said they need ("could I shadow a shift?"), before they feel understood
    offer_taken: Lines = Field(default_factory=list)
    # the meeting itself: "can we keep this to thirty minutes?", "can we move this to Thursday?"
    logistics: Lines = Field(default_factory=list)
    # a request made before they feel understood ("could I spend a Saturday in one of your stores?"): not yet,
    # without taking it for a sales pitch
    ask_early: Lines = Field(default_factory=list)

    @field_validator("*", mode="before")
    @classmethod
    def _lines(cls, v: Any, info: pydantic.ValidationInfo) -> list[str]:
        if v in (None, []) and info.field_name not in REQUIRED_REACTIONS:
            return []
        lines = _clean_lines(v, info.field_name)
        allowed = REACTION_PLACEHOLDERS.get(info.field_name, set())
        for line in lines:
            unknown = set(_PLACEHOLDER.findall(line)) - allowed
            if unknown:
                hint = (
                    f"use only {{{'}, {'.join(sorted(allowed))}}}" if allowed else "this reaction takes none"
                )
                raise ValueError(f"line {line!r} has unknown placeholder(s) {sorted(unknown)}; {hint}")
        return lines

    @field_validator("accurate_summary")
    @classmethod
    def _thats_right(cls, v: list[str]) -> list[str]:
        for line in v:
            if "that's right" not in line.lower().replace("’", "'"):
                raise ValueError(
                    f'every line must say "that\'s right" (the moment the leader works for): {line!r}'
                )
        return v


class Persona(BaseModel):
    """A counterpart: public profile, voice, hidden facts, core facts and reactions."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    role: str
    company: str
    industry: str
    voice: str = Field(description="how they talk, for the language model and for authors")
    difficulty: Difficulty = Difficulty.NORMAL
    background: str = Field(description="what the leader knows going in (shown to the leader)")
    facts: list[Fact]
    core: list[str] = Field(description="ids of the facts that make up their world")
    reactions: Reactions
    source: str = Field(default="", exclude=True, description="where the card was read from")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"{v!r} is not an id: use lowercase letters, digits and hyphens, e.g. maria-cfo")
        return v

    @field_validator("name", "role", "company", "industry", "voice", "background")
    @classmethod
    def _text(cls, v: str) -> str:
        v = " ".join(v.split())
        if not v:
            raise ValueError("must not be empty")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Persona:
        if not self.facts:
            raise ValueError("facts: give at least one hidden fact")
        ids = [f.id for f in self.facts]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"facts: ids must be unique; repeated: {dupes}")
        unknown = [c for c in self.core if c not in ids]
        if unknown:
            raise ValueError(f"core: {unknown} not among the fact ids {ids}")
        if len(self.core) < 2:
            raise ValueError("core: list at least two fact ids that make up their world")
        if len(set(self.core)) != len(self.core):
            raise ValueError("core: an id is listed twice")
        # A card must be winnable: each fact's own paraphrase must count as describing it back.
        for n, fact in enumerate(self.facts):
            if not covers(fact, fact.paraphrase):
                raise ValueError(
                    f"facts[{n}].paraphrase ({fact.id}): does not mention every substance group "
                    f"{fact.substance}; reword the paraphrase or the substance words"
                )
            for other in self.facts:
                phrase = misread(fact, other.paraphrase)
                if phrase:
                    raise ValueError(
                        f"facts[{n}].misreadings ({fact.id}): {phrase!r} occurs in the accurate paraphrase "
                        f"of {other.id}, so a correct summary would be corrected; make the misreading more "
                        "specific"
                    )
        self._check_leaks()
        return self

    def _check_leaks(self) -> None:
        """A number from a hidden fact must not appear in a line that can be said before that fact is revealed."""

        def core(num: str) -> str:
            return num.strip("$£€%kKmMxX").rstrip(".,").replace("bn", "")

        public = {core(n) for n in _NUMBERISH.findall(self.background)}
        secret: dict[str, str] = {}
        for fact in self.facts:
            for text in [fact.statement, fact.topic, *fact.reveal]:
                for num in _NUMBERISH.findall(text):
                    digits = core(num)
                    # single digits are everyday words ("4 West") unless they carry a unit: 8%, $4m
                    if digits and digits not in public and (len(digits) > 1 or num != digits):
                        secret.setdefault(digits, fact.id)
        spoken = [
            (f"reactions.{name}[{i}]", line)
            for name in Reactions.model_fields
            for i, line in enumerate(getattr(self.reactions, name))
        ]
        spoken += [
            (f"facts.{f.id}.guarded[{i}]", line) for f in self.facts for i, line in enumerate(f.guarded)
        ]
        spoken += [(f"facts.{f.id}.topic", f.topic) for f in self.facts]
        # depth lines are said once their fact is out: its own numbers are fine there, no other fact's
        spoken += [(f"facts.{f.id}.depth.{kind}", line) for f in self.facts for kind, line in f.depth_lines()]
        for where, line in spoken:
            for num in _NUMBERISH.findall(line):
                owner = secret.get(core(num))
                if owner and not where.startswith((f"facts.{owner}.topic", f"facts.{owner}.depth.")):
                    raise ValueError(
                        f"{where}: {num!r} belongs to hidden fact {owner}; this line can be said before that "
                        "fact is revealed, so keep its numbers out"
                    )

    # -- helpers ---------------------------------------------------------------------------
    def lines(self, kind: str) -> list[str]:
        """The card's lines for a reaction, or the neutral built-in ones when the card has none."""
        own = getattr(self.reactions, kind, None)
        if own:
            return own
        fallback = fallback_lines().get(kind)
        if not fallback:
            raise PersonaError(f"{self.id}: no lines for reaction {kind!r} and no built-in fallback")
        return fallback

    def fact(self, fact_id: str) -> Fact:
        for f in self.facts:
            if f.id == fact_id:
                return f
        raise PersonaError(f"{self.id}: no fact {fact_id!r}; known: {[f.id for f in self.facts]}")

    @property
    def shipped(self) -> bool:
        return self.source.startswith(str(SHIPPED_DIR))

    def public_profile(self) -> dict[str, Any]:
        """What the leader may see: no hidden facts."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "company": self.company,
            "industry": self.industry,
            "difficulty": self.difficulty,
            "background": self.background,
        }

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json", exclude={"source"})
        data["reactions"] = {k: v for k, v in data["reactions"].items() if v}
        for fact in data["facts"]:
            for key in ("guarded", "cues", "misreadings", "depth"):
                if not fact.get(key):
                    fact.pop(key, None)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


@lru_cache(maxsize=1)
def fallback_lines() -> dict[str, list[str]]:
    """Neutral lines for reactions a card leaves out (coach/data/prompts/fallback_lines.yaml)."""
    data = yaml.safe_load(FALLBACK_FILE.read_text(encoding="utf-8"))
    return {k: _clean_lines(v, k) for k, v in data.items()}


# -- reading ---------------------------------------------------------------------------------
def _field_path(loc: tuple, data: Any) -> str:
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if (
                isinstance(node, list)
                and item < len(node)
                and isinstance(node[item], dict)
                and "id" in node[item]
            ):
                label = f"[{item}] ({node[item]['id']})"
            parts.append(label)
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "card"


def _describe(exc: pydantic.ValidationError, data: Any) -> list[str]:
    out = []
    for err in exc.errors():
        loc = tuple(x for x in err["loc"] if x not in ("function-after[_consistent(), Persona]",))
        path = _field_path(loc, data)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "missing (required)"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; see corpus/personas/README.md)"
        elif err["type"] in ("literal_error", "enum"):
            msg = f"{msg}, got {err.get('input')!r}"
        out.append(f"{path}: {msg}")
    return out


def parse_persona_yaml(text: str, source: str = "card") -> Persona:
    """Validate a card; PersonaError lists every problem, each naming its field."""
    if len(text) > MAX_CARD_CHARS:
        raise PersonaError(
            f"{source}: {len(text):,} characters is too long for a card (limit {MAX_CARD_CHARS:,}). "
            "Keep the lines short; a card is a page or two."
        )
    try:
        # An alias repeats a node without copying it, so ten of them nested make a "billion laughs" that
        # validation would expand; a card never needs one.
        if any(isinstance(ev, yaml.AliasEvent) for ev in yaml.parse(text, Loader=_Loader)):
            raise PersonaError(f"{source}: uses YAML aliases (*name); write each value out in full instead.")
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader (libyaml's when available)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PersonaError(f"{source}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise PersonaError(
            f"{source}: a card is a YAML mapping with id, name, role, ... (see corpus/personas/README.md)"
        )
    data.pop("source", None)
    try:
        persona = Persona.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = _describe(exc, data)
        raise PersonaError(f"{source}: {len(problems)} problem(s):\n  " + "\n  ".join(problems)) from None
    return persona


def load_persona_file(path: str | Path) -> Persona:
    path = Path(path)
    text = read_text(
        path,
        what="one persona card (.yaml)",
        error=PersonaError,
        missing=f"{path}: no such persona file. Check the path, or see 'coach personas'.",
    )
    return _parse_cached(text, str(path.resolve()), str(path))


@lru_cache(maxsize=256)
def _parse_cached(text: str, resolved: str, shown: str) -> Persona:
    """Cards are read on every page render; the same text parses to the same card (treat it as read-only)."""
    persona = parse_persona_yaml(text, source=shown)
    return persona.model_copy(update={"source": resolved})


def user_dir(settings: Settings) -> Path:
    return settings.data_dir / "personas"


def user_card_files(settings: Settings) -> list[Path]:
    """The local user's card files (``<data dir>/personas/*.yaml``)."""
    return _card_files(user_dir(settings))


def _card_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("_"))


def shipped_personas() -> list[Persona]:
    return [load_persona_file(path) for path in _card_files(SHIPPED_DIR)]


def parse_card(text: str, source: str) -> Persona:
    """A card kept somewhere other than a file (a signed-in user's, in the database), parsed once per text."""
    return _parse_cached(text, source, source)


def list_personas(settings: Settings | None = None) -> list[Persona]:
    """Shipped cards, then the user's; a user card never shadows a shipped id."""
    settings = settings or load_settings()
    out: dict[str, Persona] = {p.id: p for p in shipped_personas()}
    for path in _card_files(user_dir(settings)):
        try:
            p = load_persona_file(path)
        except PersonaError:
            continue  # a broken draft of the user's must not hide every other persona; the page shows it
        out.setdefault(p.id, p)
    return list(out.values())


def load_persona(persona_id: str, settings: Settings | None = None) -> Persona:
    personas = list_personas(settings)
    for p in personas:
        if p.id == persona_id:
            return p
    known = ", ".join(p.id for p in personas) or "(none)"
    raise PersonaError(f"No persona {persona_id!r}. Known personas: {known}. See 'coach personas'.")


def shipped_ids() -> set[str]:
    return {p.id for p in shipped_personas()}


def save_persona(persona: Persona, settings: Settings) -> Path:
    """Write the card to data_dir/personas/<id>.yaml (re-validated); never overwrites a shipped id."""
    if persona.id in shipped_ids():
        raise PersonaError(
            f"id {persona.id!r} belongs to a shipped persona and cannot be overwritten. "
            f"Give your card a new id, e.g. {persona.id}-mine."
        )
    text = persona.to_yaml()
    parse_persona_yaml(text, source=f"persona {persona.id}")  # round-trips, or says why not
    folder = user_dir(settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{persona.id}.yaml"
        tmp = path.with_suffix(".yaml.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise PersonaError(
            f"Cannot save persona to {folder} ({exc.strerror}). "
            "Set COACH_DATA_DIR to a folder you can write to."
        ) from None
    return path


def template_yaml() -> str:
    """The starting text for a new card (corpus/personas/_template.yaml; valid as it stands)."""
    return (SHIPPED_DIR / "_template.yaml").read_text(encoding="utf-8")


def card_text(persona: Persona) -> str:
    """The card as its author wrote it (comments kept) when its file is readable, else as YAML."""
    if persona.source:
        try:
            return Path(persona.source).read_text(encoding="utf-8")
        except OSError:
            pass
    return persona.to_yaml()


def delete_persona(persona_id: str, settings: Settings) -> None:
    """Remove one of the user's cards (shipped cards cannot be deleted)."""
    path = user_dir(settings) / f"{persona_id}.yaml"
    if not path.exists():
        raise PersonaError(
            f"No saved persona {persona_id!r} in {user_dir(settings)}; shipped cards cannot be deleted."
        )
    path.unlink()
