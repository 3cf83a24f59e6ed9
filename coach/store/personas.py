"""Persona cards, per user. The local user's cards are YAML files in ``<data dir>/personas`` (the CLI, a
text editor and the app all reach them); a signed-in user's are rows in the shared database, so every
replica of a team's app sees them and no other user does. Shipped cards are everyone's."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update

from coach.config import Settings
from coach.counterpart import cards
from coach.counterpart.cards import Persona
from coach.errors import PersonaError
from coach.store import db
from coach.store.rows import now
from coach.store.schema import LOCAL_USER
from coach.store.schema import personas as table

_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")  # a card id that is also a safe file name


def _source(user: str, persona_id: str) -> str:
    return f"db:{user}:{persona_id}"


def list_personas(settings: Settings, *, user: str = LOCAL_USER) -> list[Persona]:
    """Shipped cards, then this user's; a user's card never shadows a shipped id, and a broken one is
    left out rather than hiding the rest."""
    if user == LOCAL_USER:
        return cards.list_personas(settings)
    out = {p.id: p for p in cards.shipped_personas()}
    with db.reading(settings, "read your personas") as conn:
        rows = conn.execute(
            select(table.c.id, table.c.yaml).where(table.c.user_id == user).order_by(table.c.id)
        )
    for row in rows:
        try:
            out.setdefault(row.id, cards.parse_card(row.yaml, _source(user, row.id)))
        except PersonaError:
            continue
    return list(out.values())


def load_persona(persona_id: str, settings: Settings, *, user: str = LOCAL_USER) -> Persona:
    if user == LOCAL_USER:
        return cards.load_persona(persona_id, settings)
    known = list_personas(settings, user=user)
    for p in known:
        if p.id == persona_id:
            return p
    raise PersonaError(
        f"No persona {persona_id!r}. Known personas: {', '.join(p.id for p in known)}. See the Personas page."
    )


def save_persona(
    persona: Persona, settings: Settings, *, user: str = LOCAL_USER, text: str | None = None
) -> str:
    """Keep the card (``text``, as its author wrote it, when given); returns where, for the message."""
    if user == LOCAL_USER:
        return str(cards.save_persona(persona, settings))
    if persona.id in cards.shipped_ids():
        raise PersonaError(
            f"id {persona.id!r} belongs to a shipped persona and cannot be overwritten. "
            f"Give your card a new id, e.g. {persona.id}-mine."
        )
    yaml_text = text if text is not None else persona.to_yaml()
    cards.parse_persona_yaml(yaml_text, source=f"persona {persona.id}")  # the kept text must read back
    with db.writing(settings, "keep your persona") as conn:
        where = (table.c.user_id == user) & (table.c.id == persona.id)
        if conn.execute(update(table).where(where).values(yaml=yaml_text, updated=now())).rowcount == 0:
            conn.execute(insert(table).values(user_id=user, id=persona.id, yaml=yaml_text, updated=now()))
    return "your cards"


def delete_persona(persona_id: str, settings: Settings, *, user: str = LOCAL_USER) -> None:
    if user == LOCAL_USER:
        return cards.delete_persona(persona_id, settings)
    with db.writing(settings, "delete your persona") as conn:
        gone = conn.execute(delete(table).where((table.c.user_id == user) & (table.c.id == persona_id)))
    if gone.rowcount == 0:
        raise PersonaError(f"No saved persona {persona_id!r} of yours; shipped cards cannot be deleted.")


def card_text(persona: Persona, settings: Settings, *, user: str = LOCAL_USER) -> str:
    """The card as its author wrote it (comments kept)."""
    if user != LOCAL_USER and persona.source == _source(user, persona.id):
        with db.reading(settings, "read your persona") as conn:
            text = conn.execute(
                select(table.c.yaml).where((table.c.user_id == user) & (table.c.id == persona.id))
            ).scalar_one_or_none()
        if text is not None:
            return text
    return cards.card_text(persona)


def own_cards(settings: Settings, *, user: str = LOCAL_USER) -> list[dict[str, str]]:
    """This user's own cards as text, for an export: ``{"id", "yaml", "updated"}`` each."""
    if user != LOCAL_USER:
        with db.reading(settings, "read your personas") as conn:
            rows = conn.execute(select(table).where(table.c.user_id == user).order_by(table.c.id)).all()
        return [{"id": r.id, "yaml": r.yaml, "updated": r.updated} for r in rows]
    out = []
    for path in cards.user_card_files(settings):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
        out.append({"id": path.stem, "yaml": text, "updated": stamp})
    return out


def restore_cards(rows: list[dict[str, str]], settings: Settings, *, user: str = LOCAL_USER) -> list[str]:
    """Put back the exported cards this user does not have (never overwriting one); returns their ids."""
    have = {p.id for p in list_personas(settings, user=user)}
    restored = []
    for row in rows:
        card_id, text = row["id"], row["yaml"]
        if card_id in have or not _SAFE_ID.fullmatch(card_id):
            continue
        if user == LOCAL_USER:
            folder = cards.user_dir(settings)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{card_id}.yaml"
            if path.exists():
                continue
            path.write_text(text, encoding="utf-8")
        else:
            with db.writing(settings, "keep your persona") as conn:
                conn.execute(
                    insert(table).values(user_id=user, id=card_id, yaml=text, updated=row["updated"])
                )
        restored.append(card_id)
    return restored
