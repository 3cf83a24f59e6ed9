"""`coach rehearse`, `coach report` and `coach sessions`, as a user runs them."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from coach.cli import main

SCRIPT = """# a short rehearsal
Thanks for making the time.
Who do you see as the competition these days, and how is that changing?
Actually, the real issue is that finance starved IT for years.
"""


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text(SCRIPT)
    return path


def test_rehearse_json_prints_one_object_per_turn_with_engine_state(runner, script):
    result = runner.invoke(main, ["rehearse", "--persona", "maria-cfo", "--script", str(script), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["turn"] for r in rows] == [0, 1, 2, 3]
    assert rows[2]["leader"].startswith("Who do you see") and rows[2]["label"] == "question_open"
    assert "competitors-1" in rows[2]["revealed"]
    assert rows[3]["trust"] < rows[2]["trust"]  # correcting her costs trust
    assert {"reply", "thats_right", "understood", "mood"} <= set(rows[3])


def test_rehearse_reads_lines_from_stdin_and_keeps_the_session(runner):
    result = runner.invoke(
        main, ["rehearse", "--persona", "maria-cfo"], input="What worries you most?\n/end\n"
    )
    assert result.exit_code == 0, result.output
    assert "Maria" in result.output and "Session kept:" in result.output
    listed = runner.invoke(main, ["sessions", "--json"])
    assert json.loads(listed.stdout.splitlines()[0])["turns"] == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--persona", "nobody"], "maria-cfo"),  # unknown id: the error lists the known ones
        ([], "Choose one persona"),
        (["--persona", "maria-cfo", "--script", "missing.txt"], "no such file"),
        (["--persona", "maria-cfo", "--difficulty", "brutal"], "brutal"),
    ],
)
def test_rehearse_errors_name_the_problem(runner, args, message):
    result = runner.invoke(main, ["rehearse", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_report_gives_a_cited_debrief_of_a_kept_session(runner, script, tmp_path):
    runner.invoke(main, ["rehearse", "--persona", "maria-cfo", "--script", str(script)])
    rows = json.loads(runner.invoke(main, ["sessions", "--json"]).stdout.splitlines()[0])
    md = runner.invoke(main, ["report", rows["id"]])  # a kept session, by its id
    assert md.exit_code == 0, md.output
    assert "# Debrief" in md.stdout and "finance starved IT" in md.stdout and "## Sources" in md.stdout
    path = tmp_path / "kept.json"  # and the same session as a transcript file
    path.write_text(runner.invoke(main, ["sessions", "show", rows["id"], "--json"]).stdout)
    js = runner.invoke(main, ["report", str(path), "--format", "json"])
    assert json.loads(js.stdout)["persona_id"] == "maria-cfo"


def test_report_replays_a_plain_transcript_and_says_so(runner, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(
        json.dumps(
            {
                "persona": "maria-cfo",
                "turns": [
                    {"speaker": "counterpart", "text": "Is this about budget?"},
                    {
                        "speaker": "leader",
                        "text": "Who do you see as your main competitors, and how is that changing?",
                    },
                ],
            }
        )
    )
    result = runner.invoke(main, ["report", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "replayed" in data["notes"][0]
    assert any(w["dimension"] == "competitors" and w["revealed"] for w in data["world"])


@pytest.mark.parametrize(
    "content, message",
    [
        ("{oops", "not valid JSON"),
        ('{"turns": []}', "persona: missing"),
        (
            '{"persona": "maria-cfo", "turns": [{"speaker": "cfo", "text": "x"}]}',
            "use 'leader' or 'counterpart'",
        ),
    ],
)
def test_report_rejects_bad_transcripts_clearly(runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = runner.invoke(main, ["report", str(path)])
    assert result.exit_code == 2 and message in result.output


def test_a_killed_terminal_rehearsal_keeps_every_answered_turn_and_resumes(tmp_path):
    """SIGKILL after two answered turns: both are in the kept session, and --resume carries on."""
    import json
    import os
    import signal
    import subprocess
    import sys

    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data"), "COACH_BACKEND": "offline"}
    from pathlib import Path

    coach = str(Path(sys.executable).with_name("coach"))  # the installed entry point, as a user runs it
    cmd = [coach, "rehearse", "--persona", "maria-cfo", "--json"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    opening = json.loads(proc.stdout.readline())
    for line in ("What keeps you up at night?", "Who do you see as the competition?"):
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        json.loads(proc.stdout.readline())  # the reply has been given, so the turn is complete
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    session = opening["session"]
    kept = _kept(coach, session, env)
    leader = [t["text"] for t in kept["turns"] if t["speaker"] == "leader"]
    assert leader == ["What keeps you up at night?", "Who do you see as the competition?"]

    script = tmp_path / "more.txt"
    script.write_text("How does the board keep score on you?\n")
    out = subprocess.run(
        [coach, "rehearse", "--resume", session, "--script", str(script), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    records = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r["turn"] for r in records] == [2, 3] and records[-1][
        "leader"
    ] == "How does the board keep score on you?"
    kept = _kept(coach, session, env)
    assert sum(t["speaker"] == "leader" for t in kept["turns"]) == 3


def _kept(coach: str, session: str, env: dict) -> dict:
    """The session as the store holds it, read by another process (``coach sessions show --json``)."""
    out = subprocess.run(
        [coach, "sessions", "show", session, "--json"], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stdout)
