"""Persona cards, per user. The local user's cards are YAML files in ``<data dir>/personas`` (the CLI, a
text editor and the app all reach them); a signed-in user's are rows in the shared database, so every
replica of a team's app sees them and no other user does. Shipped cards are everyone's."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from coach.config import Settings
from coach.counterpart import cards
from coach.counterpart.cards import Persona
from coach.errors import PersonaError
from coach.store import db
from coach.store.rows import now
from coach.store.schema import LOCAL_USER
from coach.store.schema import personas as table


def _source(user: str, persona_id: str) -> str:
    return f"db:{user}:{persona_id}"


def list_personas(settings: Settings, *, user: str = LOCAL_USER) -> list[Persona]:
    """Shipped cards, then this user's; a user's card never shadows a shipped id, and a broken one is
    left out rather than hiding the rest."""
    if user == LOCAL_USER:
        return cards.list_personas(settings)
    out = {p.id: p for p in cards.shipped_personas()}
    with db.guarded(settings, "read your personas"), db.open_store(settings).connect() as conn:
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
    with db.guarded(settings, "keep your persona"), db.open_store(settings).begin() as conn:
        where = (table.c.user_id == user) & (table.c.id == persona.id)
        if conn.execute(update(table).where(where).values(yaml=yaml_text, updated=now())).rowcount == 0:
            conn.execute(insert(table).values(user_id=user, id=persona.id, yaml=yaml_text, updated=now()))
    return "your cards"


def delete_persona(persona_id: str, settings: Settings, *, user: str = LOCAL_USER) -> None:
    if user == LOCAL_USER:
        return cards.delete_persona(persona_id, settings)
    with db.guarded(settings, "delete your persona"), db.open_store(settings).begin() as conn:
        gone = conn.execute(delete(table).where((table.c.user_id == user) & (table.c.id == persona_id)))
    if gone.rowcount == 0:
        raise PersonaError(f"No saved persona {persona_id!r} of yours; shipped cards cannot be deleted.")


def card_text(persona: Persona, settings: Settings, *, user: str = LOCAL_USER) -> str:
    """The card as its author wrote it (comments kept)."""
    if user != LOCAL_USER and persona.source == _source(user, persona.id):
        with db.guarded(settings, "read your persona"), db.open_store(settings).connect() as conn:
            text = conn.execute(
                select(table.c.yaml).where((table.c.user_id == user) & (table.c.id == persona.id))
            ).scalar_one_or_none()
        if text is not None:
            return text
    return cards.card_text(persona)
