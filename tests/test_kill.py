"""Nothing answered is lost when the process dies: SIGKILL `coach rehearse` at random points of a scripted
session, restart, and every completed turn is there (the app server: tests/test_kill_app.py).

A turn is *completed* when its reply has reached the user (the CLI printed its JSON record; the browser
shows the reply whole). A kill in the middle of a turn may keep that turn or not, but never loses an earlier
one, and a line sent but not answered comes back to resend. The kill points are random but seeded, so a
failure can be rerun; ``COACH_KILL_POINTS`` sets how many (50 by default here, 20 for the app server, whose
restarts take seconds each).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from coach.config import load_settings
from coach.store import sessions

POINTS = int(os.environ.get("COACH_KILL_POINTS", "50"))
LINES = [
    "What keeps you up at night?",
    "Who do you see as the competition these days?",
    "So the brokers undercut you on price and you can't follow them down.",
    "Why is that?",
    "What does the board hold you to this year?",
    "It sounds like every investment has to pay back inside the year.",
    "Tell me about the last systems project, from your side.",
    "How do your customers decide who gets their loads?",
]
COACH = str(Path(sys.executable).with_name("coach"))  # the installed entry point, as a user runs it


def stored_leader_lines(data: Path, session: str) -> list[str]:
    settings = load_settings({"COACH_DATA_DIR": str(data)})
    return [t.text for _, t in sessions.transcript(session, settings).leader_turns()]


def test_coach_rehearse_killed_at_random_points_keeps_every_completed_turn(tmp_path):
    rng = random.Random(20261202)
    data = tmp_path / "data"
    env = {**os.environ, "COACH_DATA_DIR": str(data), "COACH_BACKEND": "offline"}
    session, completed, maybe = None, [], None
    for point in range(POINTS):
        args = ["--resume", session] if session else ["--persona", "maria-cfo"]
        proc = subprocess.Popen(
            [COACH, "rehearse", *args, "--json"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        first = json.loads(proc.stdout.readline())
        session = first["session"]
        if maybe is not None and first["turn"] == len(completed) + 1:
            completed.append(maybe)  # the last kill came after that turn was kept
        assert first["turn"] == len(completed), f"kill point {point}: the store lost a completed turn"
        maybe = None
        for _ in range(rng.randint(0, 2)):
            line = LINES[len(completed) % len(LINES)]
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            json.loads(proc.stdout.readline())  # its reply was printed: the turn is completed
            completed.append(line)
        if rng.random() < 0.6:  # mid-turn: a line on its way in, killed a few milliseconds later
            maybe = LINES[len(completed) % len(LINES)]
            proc.stdin.write(maybe + "\n")
            proc.stdin.flush()
            time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    stored = stored_leader_lines(data, session)
    assert stored[: len(completed)] == completed
    assert len(stored) - len(completed) <= (1 if maybe else 0)
