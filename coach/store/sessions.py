"""Kept rehearsals, in the database (coach/store/db.py): one row per session, one per turn.

Each turn is committed the moment it is made (``save`` after every turn writes only the turns not yet
stored), so a refresh, a closed tab or a killed server loses nothing that was answered, and a line sent
but not answered is kept as the session's ``pending`` line. The engine is never stored: reopening a
session or trying a line again replays the stored readings (``Rehearsal.engine_before``) with the
persona card the session was played with, kept once per content hash.

Every function is scoped by ``user``: one signed-in user never reads or changes another's sessions.
Run locally without sign-in, everything belongs to ``LOCAL_USER``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from coach.config import Settings
from coach.counterpart.cards import Persona
from coach.errors import InputError
from coach.rehearsal import Rehearsal, model_seams
from coach.store import db, legacy, rows
from coach.store.personas import load_persona
from coach.store.schema import LOCAL_USER, cards, sessions, turns
from coach.transcript import Transcript, Turn


@dataclass(frozen=True)
class SessionInfo:
    """One kept session as lists show it, read without its turns."""

    id: str
    persona: str
    persona_name: str
    difficulty: str
    started: str
    ended: str | None
    updated: str
    leader_turns: int
    thats_right: bool
    trust: float | None
    parent: dict[str, Any] | None  # {"id": ..., "turn": n} for a "try again from here" branch
    pending: str | None
    measures: dict[str, Any]


def save(rehearsal: Rehearsal, settings: Settings, *, user: str = LOCAL_USER) -> None:
    """Commit the rehearsal as it stands: its row, and every turn not yet stored. A database that fails
    raises StoreError; the rehearsal in memory is untouched, so the next save writes what this one missed."""
    with db.writing(settings, "keep this turn") as conn:
        rows.write(conn, user, rehearsal.id, rehearsal.transcript, rehearsal.persona)


def _info(row) -> SessionInfo:
    parent = {"id": row.parent_id, "turn": row.parent_turn} if row.parent_id else None
    return SessionInfo(
        id=row.id,
        persona=row.persona,
        persona_name=row.persona_name,
        difficulty=row.difficulty,
        started=row.started,
        ended=row.ended,
        updated=row.updated,
        leader_turns=row.leader_turns,
        thats_right=bool(row.thats_right),
        trust=row.trust,
        parent=parent,
        pending=row.pending,
        measures=row.measures or {},
    )


_LIST_COLUMNS = [c for c in sessions.c if c.name not in ("meta", "legacy_engine", "card_hash", "seed")]


def list_sessions(
    settings: Settings, skipped: list[tuple[Path, str]] | None = None, *, user: str = LOCAL_USER
) -> list[SessionInfo]:
    """Kept sessions, newest first, without their turns. Session files of an earlier version that could
    not be moved into the database go to ``skipped`` (each path with the reason); they stay on disk."""
    with db.guarded(settings, "read your sessions"):  # files dropped in since the store was opened
        problems = legacy.migrate_json_files(db.open_store(settings), settings)
    if skipped is not None:
        skipped.extend(problems)
    with db.reading(settings, "read your sessions") as conn:
        rows = conn.execute(
            select(*_LIST_COLUMNS).where(sessions.c.user_id == user).order_by(sessions.c.started.desc())
        ).all()
    return [_info(r) for r in rows]


def info(session_id: str, settings: Settings, *, user: str = LOCAL_USER) -> SessionInfo:
    with db.reading(settings, "read your sessions") as conn:
        row = conn.execute(
            select(*_LIST_COLUMNS).where(sessions.c.user_id == user, sessions.c.id == session_id)
        ).first()
    if row is None:
        raise _missing(session_id)
    return _info(row)


def _missing(session_id: str) -> InputError:
    return InputError(
        f"No kept session {session_id!r}. 'coach sessions list' (or the History page) shows the ones you have."
    )


def _read(conn: Connection, user: str, session_id: str):
    row = conn.execute(
        select(sessions).where(sessions.c.user_id == user, sessions.c.id == session_id)
    ).first()
    if row is None:
        raise _missing(session_id)
    turn_rows = conn.execute(
        select(turns).where(turns.c.user_id == user, turns.c.session_id == session_id).order_by(turns.c.idx)
    ).all()
    card = None
    if row.card_hash:
        card = conn.execute(
            select(cards.c.card).where(cards.c.user_id == user, cards.c.hash == row.card_hash)
        ).scalar_one_or_none()
    return row, turn_rows, card


def _transcript(row, turn_rows) -> Transcript:
    meta: dict[str, Any] = dict(row.meta or {})
    meta.update({"id": row.id, "persona_name": row.persona_name, "started": row.started})
    if row.ended:
        meta["ended"] = row.ended
    if row.parent_id:
        meta["parent"] = {"id": row.parent_id, "turn": row.parent_turn}
    if row.pending:
        meta["pending"] = row.pending
    return Transcript(
        persona=row.persona,
        difficulty=row.difficulty or None,
        seed=row.seed,
        turns=[Turn(t.speaker, t.text, label=t.label, state=t.state, meta=t.meta or {}) for t in turn_rows],
        meta=meta,
    )


def transcript(session_id: str, settings: Settings, *, user: str = LOCAL_USER) -> Transcript:
    """A kept session's transcript (for its debrief, an export or a score)."""
    with db.reading(settings, "read your sessions") as conn:
        row, turn_rows, _ = _read(conn, user, session_id)
    return _transcript(row, turn_rows)


def unfinished(settings: Settings, *, user: str = LOCAL_USER) -> SessionInfo | None:
    """The newest kept rehearsal that was never ended (a refresh, a closed tab or a killed server)."""
    with db.reading(settings, "read your sessions") as conn:
        row = conn.execute(
            select(*_LIST_COLUMNS)
            .where(
                sessions.c.user_id == user,
                sessions.c.ended.is_(None),
                (sessions.c.leader_turns > 0) | sessions.c.pending.is_not(None),
            )
            .order_by(sessions.c.started.desc())
            .limit(1)
        ).first()
    return _info(row) if row is not None else None


def resume(session_id: str, settings: Settings, *, user: str = LOCAL_USER) -> Rehearsal:
    """Reopen a kept rehearsal with the configured model, to go on where it stopped; a line that was sent
    but never answered is in ``transcript.meta["pending"]``."""
    backend, retrieve = model_seams(settings)
    return load(session_id, settings, user=user, backend=backend, retrieve=retrieve)


def load(
    session_id: str, settings: Settings, *, user: str = LOCAL_USER, backend=None, retrieve=None
) -> Rehearsal:
    """Reopen a kept rehearsal, its engine replayed to where it stopped, so it can go on or branch."""
    with db.reading(settings, "read your sessions") as conn:
        row, turn_rows, card = _read(conn, user, session_id)
    tr = _transcript(row, turn_rows)
    persona = (
        Persona.model_validate(card) if card is not None else load_persona(tr.persona, settings, user=user)
    )
    r = Rehearsal(
        persona, tr.difficulty or persona.difficulty, tr.seed or 0, backend=backend, retrieve=retrieve
    )
    r.id = row.id
    r.parent = tr.meta.get("parent")
    r.transcript = tr
    r.legacy_snapshots = {int(k): v for k, v in (row.legacy_engine or {}).items()}
    r.replay_engine()
    r.ended = "ended" in tr.meta
    return r


def _family(conn: Connection, user: str, session_id: str) -> list[str]:
    """The session and every branch made from it, or from its branches."""
    rows = conn.execute(select(sessions.c.id, sessions.c.parent_id).where(sessions.c.user_id == user)).all()
    children: dict[str, list[str]] = {}
    for sid, parent in rows:
        if parent:
            children.setdefault(parent, []).append(sid)
    out, todo = [], [session_id]
    while todo:
        sid = todo.pop()
        out.append(sid)
        todo.extend(children.get(sid, []))
    return out


def delete_session(session_id: str, settings: Settings, *, user: str = LOCAL_USER) -> list[str]:
    """Delete one session with its branches; returns the ids deleted."""
    with db.writing(settings, "change your sessions") as conn:
        exists = conn.execute(
            select(sessions.c.id).where(sessions.c.user_id == user, sessions.c.id == session_id)
        ).first()
        if exists is None:
            raise _missing(session_id)
        ids = _family(conn, user, session_id)
        _delete(conn, user, ids)
    return ids


def delete_all(settings: Settings, *, user: str = LOCAL_USER) -> int:
    """Delete every session of this user (and the cards they were played with); returns how many."""
    with db.writing(settings, "change your sessions") as conn:
        ids = [r.id for r in conn.execute(select(sessions.c.id).where(sessions.c.user_id == user))]
        _delete(conn, user, ids)
        conn.execute(delete(cards).where(cards.c.user_id == user))
    return len(ids)


def _delete(conn: Connection, user: str, ids: list[str]) -> None:
    if not ids:
        return
    # Turns first: foreign keys cascade on PostgreSQL, and on SQLite only where the pragma is on.
    conn.execute(delete(turns).where(turns.c.user_id == user, turns.c.session_id.in_(ids)))
    conn.execute(delete(sessions).where(sessions.c.user_id == user, sessions.c.id.in_(ids)))
