"""Moving an earlier version's session files into the database, without loss.

Before the database, each rehearsal was ``<data dir>/sessions/<id>.json``: its transcript, an engine
snapshot before every leader turn and the engine at the end. Each file is imported once, as the local
user's, then moved to ``sessions/migrated/`` (kept, never deleted). Its turns are replayed; where the
replay gives back every stored snapshot exactly (every session this version's engine wrote), nothing else
is kept. Where it does not (an older engine, an edited card), the snapshots are kept beside the session,
so "try again from here" still puts the counterpart back exactly as it was.

A file that cannot be read stays where it is and is reported (``coach sessions list``, the History page).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from coach.config import Settings
from coach.counterpart.cards import load_persona
from coach.errors import CoachError, InputError
from coach.rehearsal import Rehearsal
from coach.store.rows import write
from coach.store.schema import LOCAL_USER, sessions
from coach.transcript import Transcript

MIGRATED = "migrated"


def legacy_dir(settings: Settings) -> Path:
    return settings.data_dir / "sessions"


def read_file(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"Session file {path} cannot be read ({exc}). Move it out of {path.parent}."
        ) from None
    if not isinstance(doc, dict) or "transcript" not in doc:
        raise InputError(f"Session file {path} is not a Counterpart session. Move it out of {path.parent}.")
    return doc


def migrate_json_files(eng: Engine, settings: Settings) -> list[tuple[Path, str]]:
    """Import every session file still in the folder; returns the files left there, with the reason."""
    folder = legacy_dir(settings)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    problems = []
    for path in files:
        try:
            _import_file(eng, settings, path)
        except CoachError as exc:
            problems.append((path, str(exc)))
            continue
        done = folder / MIGRATED
        done.mkdir(exist_ok=True)
        try:
            os.replace(path, done / path.name)
        except FileNotFoundError:
            pass  # another process moved it first
    return problems


def _import_file(eng: Engine, settings: Settings, path: Path) -> None:
    doc = read_file(path)
    tr = Transcript.from_dict(doc["transcript"], source=str(path))
    session_id = str(tr.meta.get("id", path.stem))
    try:
        persona = load_persona(tr.persona, settings)
    except CoachError:
        persona = None  # a deleted card: the session is kept, with its snapshots, and can still be read
    legacy = _snapshots_unless_replayed(tr, doc, persona)
    try:
        with eng.begin() as conn:
            exists = conn.execute(
                select(sessions.c.id).where(sessions.c.user_id == LOCAL_USER, sessions.c.id == session_id)
            ).first()
            if exists is None:
                write(conn, LOCAL_USER, session_id, tr, persona, legacy)
    except IntegrityError:
        pass  # another process imported it at the same moment


def _snapshots_unless_replayed(tr: Transcript, doc: dict[str, Any], persona) -> dict[str, Any] | None:
    """None when replaying the turns gives back every stored snapshot; else the snapshots, keyed by the
    index of the turn they come before (the engine at the end under the number of turns)."""
    stored = {int(k): v for k, v in (doc.get("snapshots") or {}).items()}
    if isinstance(doc.get("engine"), dict):
        stored[len(tr.turns)] = doc["engine"]
    if not stored:
        return None
    if persona is not None:
        r = Rehearsal(persona, tr.difficulty or persona.difficulty, tr.seed or 0)
        r.transcript = tr
        try:
            if all(r.engine_before(i).snapshot() == snap for i, snap in stored.items()):
                return None
        except (CoachError, KeyError, ValueError, TypeError):
            pass  # a reading this engine cannot replay: keep the snapshots
    return {str(k): v for k, v in stored.items()}
