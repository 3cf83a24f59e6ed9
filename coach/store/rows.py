"""Writing one session's rows: the session, its new turns, the card it was played with. Shared by the
live store (coach/store/sessions.py) and the migration of earlier session files (coach/store/legacy.py)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Connection

from coach.counterpart.cards import Persona
from coach.errors import InputError
from coach.scoring.headline import headline
from coach.store.schema import cards, sessions, turns
from coach.transcript import Transcript, Turn

# Columns of ``sessions`` that are the transcript's own fields, not part of its free-form meta.
OWN_META = ("id", "persona_name", "started", "ended", "parent", "pending")


def now() -> str:
    return datetime.now(UTC).isoformat()


def card_hash(persona: Persona) -> tuple[str, dict[str, Any]]:
    card = persona.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(card, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return digest, card


def keep_card(conn: Connection, user: str, persona: Persona) -> str:
    digest, card = card_hash(persona)
    found = conn.execute(select(cards.c.hash).where(cards.c.user_id == user, cards.c.hash == digest)).first()
    if found is None:
        conn.execute(insert(cards).values(user_id=user, hash=digest, card=card))
    return digest


def session_values(tr: Transcript) -> dict[str, Any]:
    meta = tr.meta
    parent = meta.get("parent") or {}
    state = tr.last_state()
    return {
        "persona": tr.persona,
        "persona_name": str(meta.get("persona_name", tr.persona)),
        "difficulty": tr.difficulty or "",
        "seed": int(tr.seed or 0),
        "started": str(meta.get("started") or now()),
        "ended": meta.get("ended"),
        "parent_id": parent.get("id"),
        "parent_turn": parent.get("turn"),
        "leader_turns": len(tr.leader_turns()),
        "thats_right": bool(state.get("thats_right")),
        "trust": float(state["trust"]) if isinstance(state.get("trust"), int | float) else None,
        "pending": meta.get("pending"),
        "meta": {k: v for k, v in meta.items() if k not in OWN_META},
        "measures": headline(tr) if tr.leader_turns() else {},
    }


def turn_row(user: str, session_id: str, idx: int, turn: Turn) -> dict[str, Any]:
    return {
        "user_id": user,
        "session_id": session_id,
        "idx": idx,
        "speaker": turn.speaker,
        "text": turn.text,
        "label": turn.label,
        "state": turn.state,
        "meta": turn.meta or None,
    }


def write(
    conn: Connection,
    user: str,
    session_id: str,
    tr: Transcript,
    persona: Persona | None,
    legacy_engine: dict[str, Any] | None = None,
) -> None:
    """Insert or update the session's row and append the turns not yet stored, in the caller's transaction."""
    values = session_values(tr)
    values["updated"] = now()
    if legacy_engine is not None:
        values["legacy_engine"] = legacy_engine
    where = and_(sessions.c.user_id == user, sessions.c.id == session_id)
    if conn.execute(update(sessions).where(where).values(**values)).rowcount == 0:
        # The card a session is played with never changes, so it is hashed and kept once, with the new row.
        if persona is not None:
            values["card_hash"] = keep_card(conn, user, persona)
        conn.execute(insert(sessions).values(user_id=user, id=session_id, **values))
    stored = conn.execute(
        select(func.count())
        .select_from(turns)
        .where(turns.c.user_id == user, turns.c.session_id == session_id)
    ).scalar_one()
    if stored > len(tr.turns):
        raise InputError(
            f"Session {session_id} has {stored} turns stored but only {len(tr.turns)} here; it was changed "
            "elsewhere. Reopen it from the history and go on from there."
        )
    new = [turn_row(user, session_id, i, t) for i, t in enumerate(tr.turns) if i >= stored]
    if new:
        conn.execute(insert(turns), new)
