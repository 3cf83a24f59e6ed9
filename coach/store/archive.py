"""Your data is yours: every kept session exported as one JSON document, and imported back exactly.

An export holds each session's row and turns as stored, the persona cards they were played with (so
"try again from here" replays exactly after an import), any kept engine snapshots, the draft reviews and
the user's own persona cards as they wrote them (restored only where no card of that id exists). Importing it into
an empty data directory, or another database, gives back the same sessions: ``export(import(x)) == x``
apart from the export's own date. A session already there under the same id is left as it is and reported.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete, insert, select

from coach.config import Settings
from coach.errors import InputError
from coach.store import db
from coach.store.personas import own_cards, restore_cards
from coach.store.schema import LOCAL_USER, cards, personas, reviews, sessions, turns
from coach.store.sessions import delete_all
from coach.textfile import parse_json, read_text
from coach.transcript import MAX_TURN_CHARS, MAX_TURNS, Transcript

FORMAT = "counterpart-sessions"
VERSION = 1
MAX_EXPORT_BYTES = 512_000_000
MAX_SESSIONS = 100_000
SHAPE = (
    f'a Counterpart export: {{"format": "{FORMAT}", "version": 1, "sessions": [...], "cards": {{...}}}}, '
    "as 'coach sessions export' or the History page writes it"
)
_SESSION_FIELDS = [c.name for c in sessions.c if c.name != "user_id"]
_TURN_FIELDS = ["idx", "speaker", "text", "label", "state", "meta"]


class TurnRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    idx: int = Field(ge=0, lt=MAX_TURNS)
    speaker: str
    text: str = Field(max_length=MAX_TURN_CHARS)
    label: str | None = None
    state: dict[str, Any] | None = None
    meta: dict[str, Any] | None = None


class SessionRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64)
    persona: str = Field(min_length=1, max_length=200)
    persona_name: str = Field(max_length=200)
    card_hash: str | None = Field(default=None, max_length=64)
    difficulty: str = Field(max_length=20)
    seed: int
    started: str = Field(max_length=40)
    ended: str | None = Field(default=None, max_length=40)
    updated: str = Field(max_length=40)
    parent_id: str | None = Field(default=None, max_length=64)
    parent_turn: int | None = None
    leader_turns: int = Field(ge=0)
    thats_right: bool
    trust: float | None = None
    pending: str | None = None
    meta: dict[str, Any]
    measures: dict[str, Any] | None = None
    legacy_engine: dict[str, Any] | None = None
    turns: list[TurnRow] = Field(max_length=MAX_TURNS)


class ReviewRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64)
    created: str = Field(max_length=40)
    persona: str | None = Field(default=None, max_length=200)
    score: int
    draft: str
    review: dict[str, Any]


class PersonaRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200)
    yaml: str
    updated: str = Field(max_length=40)


class Export(BaseModel):
    model_config = ConfigDict(extra="ignore")
    format: str
    version: int
    exported: str | None = None
    cards: dict[str, dict[str, Any]] = {}
    sessions: list[SessionRow] = Field(max_length=MAX_SESSIONS)
    reviews: list[ReviewRow] = Field(default=[], max_length=MAX_SESSIONS)
    personas: list[PersonaRow] = Field(default=[], max_length=10_000)  # the user's own cards, as written


def export_all(settings: Settings, *, user: str = LOCAL_USER) -> dict[str, Any]:
    """Every session of this user, oldest first, with their turns and cards."""
    with db.reading(settings, "read your sessions") as conn:
        rows = conn.execute(
            select(sessions).where(sessions.c.user_id == user).order_by(sessions.c.started, sessions.c.id)
        ).all()
        by_session: dict[str, list[dict[str, Any]]] = {}
        for t in conn.execute(
            select(turns).where(turns.c.user_id == user).order_by(turns.c.session_id, turns.c.idx)
        ):
            by_session.setdefault(t.session_id, []).append({k: getattr(t, k) for k in _TURN_FIELDS})
        used = {r.card_hash for r in rows if r.card_hash}
        card_rows = conn.execute(select(cards).where(cards.c.user_id == user)).all() if used else []
        review_rows = conn.execute(
            select(reviews).where(reviews.c.user_id == user).order_by(reviews.c.created, reviews.c.id)
        ).all()
    out_sessions = []
    for r in rows:
        doc = {k: getattr(r, k) for k in _SESSION_FIELDS}
        doc["turns"] = by_session.get(r.id, [])
        out_sessions.append(doc)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": datetime.now(UTC).isoformat(),
        "cards": {c.hash: c.card for c in card_rows if c.hash in used},
        "sessions": out_sessions,
        "reviews": [{k: getattr(r, k) for k in ReviewRow.model_fields} for r in review_rows],
        "personas": own_cards(settings, user=user),
    }


def read_export(path: str | Path) -> Export:
    """A file written by :func:`export_all`, checked; InputError naming the problem otherwise."""
    text = read_text(path, what="a Counterpart export (JSON)", max_bytes=MAX_EXPORT_BYTES)
    data = parse_json(text, str(path), SHAPE)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"{path}: not a Counterpart export. Expected {SHAPE}.")
    if data.get("version") != VERSION:
        raise InputError(
            f"{path}: export version {data.get('version')!r}; this Counterpart reads version {VERSION}. "
            "Import it with the version of Counterpart that wrote it, or a newer one."
        )
    try:
        doc = Export.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError(
            f"{path}: {where}: {first['msg'].lower()} ({exc.error_count()} problem(s)). The file was changed "
            "after it was exported; export it again."
        ) from None
    for s in doc.sessions:  # every transcript must also be one the rest of the app can read
        _as_transcript(s, str(path))
    return doc


def _as_transcript(s: SessionRow, source: str) -> Transcript:
    return Transcript.from_dict(
        {
            "persona": s.persona,
            "difficulty": s.difficulty or None,
            "seed": s.seed,
            "turns": [t.model_dump(exclude={"idx"}, exclude_none=True) for t in s.turns],
        },
        source=f"{source}: session {s.id}",
    )


def import_all(doc: Export, settings: Settings, *, user: str = LOCAL_USER) -> tuple[list[str], list[str]]:
    """Add the export's sessions to this user's; returns (imported ids, ids already there and skipped)."""
    imported, skipped = [], []
    with db.writing(settings, "import your sessions") as conn:
        have = {r.id for r in conn.execute(select(sessions.c.id).where(sessions.c.user_id == user))}
        have_cards = {r.hash for r in conn.execute(select(cards.c.hash).where(cards.c.user_id == user))}
        for digest, card in doc.cards.items():
            if digest not in have_cards:
                conn.execute(insert(cards).values(user_id=user, hash=digest, card=card))
        for s in doc.sessions:
            if s.id in have:
                skipped.append(s.id)
                continue
            values = s.model_dump(exclude={"turns"})
            if (
                values["card_hash"]
                and values["card_hash"] not in doc.cards
                and values["card_hash"] not in have_cards
            ):
                values["card_hash"] = None  # the card was not exported: replay uses the persona of that id
            conn.execute(insert(sessions).values(user_id=user, **values))
            if s.turns:
                conn.execute(
                    insert(turns),
                    [{"user_id": user, "session_id": s.id, **t.model_dump()} for t in s.turns],
                )
            have.add(s.id)
            imported.append(s.id)
        have_reviews = {r.id for r in conn.execute(select(reviews.c.id).where(reviews.c.user_id == user))}
        for rv in doc.reviews:
            if rv.id not in have_reviews:
                conn.execute(insert(reviews).values(user_id=user, **rv.model_dump()))
    restore_cards([p.model_dump() for p in doc.personas], settings, user=user)
    return imported, skipped


def delete_everything(settings: Settings, *, user: str = LOCAL_USER) -> int:
    """Every session, review and (for a signed-in user) persona card of this user; returns the number of
    sessions deleted. The local user's card files are left alone (delete them on the Personas page)."""
    count = delete_all(settings, user=user)
    with db.writing(settings, "delete your data") as conn:
        conn.execute(delete(reviews).where(reviews.c.user_id == user))
        if user != LOCAL_USER:
            conn.execute(delete(personas).where(personas.c.user_id == user))
    return count
