"""`coach rehearse`: the same rehearsal loop as the app, in a terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coach.cli.base import echo_json, main
from coach.config import load_settings
from coach.errors import BackendError, InputError

END_WORDS = {"/end", "/quit", "/exit"}
MAX_SCRIPT_BYTES = 1_000_000  # thousands of turns; a larger file is not a script


def _script_lines(path: Path) -> list[str]:
    from coach.textfile import read_text

    text = read_text(
        path, what="a text file with one line per leader turn (--script)", max_bytes=MAX_SCRIPT_BYTES
    )
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        raise InputError(f"--script {path} has no lines to say (blank lines and # comments are skipped).")
    return lines


def _turn_record(n: int, leader: str | None, reply: str, r, step=None) -> dict:
    state = r.state
    record = {
        "session": r.id,
        "turn": n,
        "leader": leader,
        "reply": reply,
        "label": step.labelled.label if step else None,
        "confidence": round(step.labelled.confidence, 3) if step else None,
        "move": step.move if step else "open",
        "trust": state.get("trust"),
        "mood": state.get("mood"),
        "revealed": state.get("revealed", []),
        "understood": state.get("understood", []),
        "thats_right": bool(state.get("thats_right")),
    }
    return record


@main.command()
@click.option("--persona", "persona_id", metavar="ID", help="A persona id (see 'coach personas').")
@click.option("--persona-file", type=click.Path(path_type=Path), help="A persona card YAML file of your own.")
@click.option("--difficulty", type=click.Choice(["easy", "normal", "hard"]), help="Defaults to the card's.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same lines: reproducible.")
@click.option("--script", type=click.Path(path_type=Path), help="One leader line per line of FILE.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per turn on stdout.")
@click.option("--no-save", is_flag=True, help="Do not keep this session in the data directory.")
@click.option(
    "--resume",
    "resume_id",
    metavar="ID",
    help="Go on with a kept session (every turn is saved as it happens).",
)
def rehearse(persona_id, persona_file, difficulty, seed, script, as_json, no_save, resume_id):
    """Rehearse a conversation with a counterpart (type /end to finish)."""
    from coach.llm import backend_from_settings
    from coach.rehearsal import start_rehearsal
    from coach.store import sessions

    settings = load_settings()
    lines = _script_lines(script) if script else None
    if resume_id:
        if persona_id or persona_file:
            raise InputError("--resume continues a kept session with its own persona; drop --persona.")
        r = sessions.load(resume_id, settings, backend=backend_from_settings(settings))
        if r.ended:
            raise InputError(
                f"Session {resume_id} has ended. Start a new one, or branch it in the app ('Try again from here')."
            )
    else:
        r = start_rehearsal(
            settings,
            persona_id=persona_id,
            persona_file=str(persona_file) if persona_file else None,
            difficulty=difficulty,
            seed=seed,
        )
    keep = (lambda: sessions.save(r, settings)) if not no_save else (lambda: None)
    keep()  # kept from the opening line on: a killed terminal loses nothing already said
    opening = r.transcript.turns[-1].text
    n = r.leader_turn_count
    if as_json:
        echo_json(_turn_record(n, None, opening, r))
    else:
        p = r.persona
        verb = f"Resuming session {r.id} at turn {n}" if resume_id else "Rehearsing"
        click.echo(f"{verb} with {p.name}, {p.role} at {p.company} ({r.difficulty}). Type /end to finish.\n")
        click.secho(f"{p.name}: ", bold=True, nl=False)
        click.echo(opening)

    interactive = lines is None and sys.stdin.isatty() and not as_json
    source = iter(lines) if lines is not None else _stdin_lines(interactive)
    failed = False
    for line in source:
        if line.strip().lower() in END_WORDS:
            break
        try:
            if as_json:
                step = r.turn(line)
            else:
                click.secho(f"{r.persona.name}: ", bold=True, nl=False)
                for chunk in r.say(line):
                    click.echo(chunk, nl=False)
                click.echo()
                step = r.last_step
        except InputError as exc:
            click.echo(f"Not sent: {exc}", err=True)
            continue
        except BackendError as exc:
            click.echo(f"\nNot sent: {exc}\nYour line was: {line}", err=True)
            if interactive:
                continue
            failed = True
            break
        n += 1
        keep()
        if as_json:
            echo_json(_turn_record(n, line, step.reply, r, step))
        elif step.state.get("thats_right") and step.move == "thats_right":
            click.secho("  ** That's right: they feel understood. **", fg="green", bold=True)
    if failed:
        # The model failed mid-script: the session stays open, so --resume can carry on from here.
        transcript = r.transcript
    else:
        transcript = r.end()
    keep()
    if not no_save and not as_json:
        click.echo(
            f"\nSession kept: {r.id}" + (f" (go on with: coach rehearse --resume {r.id})" if failed else "")
        )
    if not as_json:
        state = r.state
        click.echo(
            f"{n} turn{'' if n == 1 else 's'}. Trust {state.get('trust', 0):.2f}; understood {len(state.get('understood', []))} of "
            f'{len(state.get("core", []))} core facts; "that\'s right": {"yes" if state.get("thats_right") else "not yet"}.'
        )
        click.echo(f"Debrief: coach report {r.id if not no_save else '<transcript.json>'}")
    if failed:
        sys.exit(3)
    return transcript


def _stdin_lines(interactive: bool):
    while True:
        try:
            line = click.prompt("You", prompt_suffix=": ") if interactive else sys.stdin.readline()
        except (EOFError, click.Abort):
            return
        if not interactive:
            if line == "":
                return
            line = line.strip()
            if not line or line.startswith("#"):
                continue
        yield line
