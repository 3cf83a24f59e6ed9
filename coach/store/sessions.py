"""Kept rehearsals: one JSON file per session in ``data_dir/sessions``.

A file holds the transcript (the format in coach/transcript.py), the engine snapshots needed to
branch from any leader turn later, and the engine's current state. Writes are atomic (temp file,
then rename) so a crash never leaves half a session.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.config import Settings, ensure_data_dir
from coach.counterpart.cards import load_persona
from coach.errors import InputError
from coach.rehearsal import Rehearsal, model_seams
from coach.transcript import Transcript

FORMAT = 1


@dataclass(frozen=True)
class SessionInfo:
    id: str
    persona: str
    persona_name: str
    started: str
    leader_turns: int
    thats_right: bool
    parent: dict[str, Any] | None
    path: Path
    transcript: Transcript


def sessions_dir(settings: Settings) -> Path:
    path = ensure_data_dir(settings) / "sessions"
    path.mkdir(exist_ok=True)
    return path


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())  # the bytes are on disk before the rename makes them the session
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (a crash right after it must not bring back the old file)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not every platform opens folders (Windows); the rename is still atomic there
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(rehearsal, settings: Settings) -> Path:
    """Write (or overwrite) the rehearsal's file; returns its path."""
    path = sessions_dir(settings) / f"{rehearsal.id}.json"
    doc = {
        "format": FORMAT,
        "transcript": rehearsal.transcript.to_dict(),
        "snapshots": {str(k): v for k, v in rehearsal.snapshots.items()},
        "engine": rehearsal.engine.snapshot(),
    }
    _write_atomic(path, json.dumps(doc, ensure_ascii=False))
    return path


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"Session file {path} cannot be read ({exc}). Move it out of {path.parent}."
        ) from None
    if not isinstance(doc, dict) or "transcript" not in doc:
        raise InputError(f"Session file {path} is not a Counterpart session. Move it out of {path.parent}.")
    return doc


def list_sessions(settings: Settings, skipped: list[tuple[Path, str]] | None = None) -> list[SessionInfo]:
    """Kept sessions, newest first. An unreadable file is skipped, never hiding the rest; pass ``skipped``
    to learn which (each path with the reason), from the same reading of the folder."""
    out = []
    for path in sessions_dir(settings).glob("*.json"):
        try:
            doc = _read(path)
            tr = Transcript.from_dict(doc["transcript"], source=str(path))
        except InputError as exc:
            if skipped is not None:
                skipped.append((path, str(exc)))
            continue
        out.append(
            SessionInfo(
                id=str(tr.meta.get("id", path.stem)),
                persona=tr.persona,
                persona_name=str(tr.meta.get("persona_name", tr.persona)),
                started=str(tr.meta.get("started", "")),
                leader_turns=len(tr.leader_turns()),
                thats_right=bool(tr.last_state().get("thats_right")),
                parent=tr.meta.get("parent"),
                path=path,
                transcript=tr,
            )
        )
    return sorted(out, key=lambda s: s.started, reverse=True)


def unfinished(settings: Settings) -> SessionInfo | None:
    """The newest kept rehearsal that was never ended (a refresh, a closed tab or a killed server)."""
    return next(
        (
            s
            for s in list_sessions(settings)
            if "ended" not in s.transcript.meta and (s.leader_turns or s.transcript.meta.get("pending"))
        ),
        None,
    )


def resume(session_id: str, settings: Settings):
    """Reopen a kept rehearsal with the configured model, to go on where it stopped; a line that was sent
    but never answered is in ``transcript.meta["pending"]``."""
    backend, retrieve = model_seams(settings)
    return load(session_id, settings, backend=backend, retrieve=retrieve)


def load(session_id: str, settings: Settings, *, backend=None, retrieve=None):
    """Reopen a kept rehearsal with its engine state, so it can go on or branch."""
    path = sessions_dir(settings) / f"{session_id}.json"
    if not path.exists():
        raise InputError(f"No kept session {session_id!r}. 'coach sessions' lists the ones you have.")
    doc = _read(path)
    tr = Transcript.from_dict(doc["transcript"], source=str(path))
    persona = load_persona(tr.persona, settings)
    r = Rehearsal(
        persona, tr.difficulty or persona.difficulty, tr.seed or 0, backend=backend, retrieve=retrieve
    )
    r.id = str(tr.meta.get("id", session_id))
    r.transcript = tr
    r.snapshots = {int(k): v for k, v in doc.get("snapshots", {}).items()}
    r.engine.restore(doc["engine"])
    r.ended = "ended" in tr.meta
    return r
