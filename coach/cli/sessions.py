"""`coach sessions`: the rehearsals you have kept; list, show, export, import and delete them.

The CLI is the local user's (the one who runs the app without sign-in); a signed-in user of a deployed
app manages their own sessions on its History page.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from coach.cli.base import echo_json, main
from coach.config import load_settings


def _list(as_json: bool) -> None:
    from coach.debrief.progress import progress_rows

    skipped: list = []
    rows = progress_rows(load_settings(), skipped)
    for path, why in skipped:
        click.echo(f"Skipped {path.name}: {why}", err=True)
    if as_json:
        for row in rows:
            echo_json({**row, "leader_turns": row["turns"]})
        return
    if not rows:
        click.echo("No kept rehearsals yet. Start one with 'coach rehearse --persona ID' or in the app.")
        return
    click.echo(
        f"{'started':20} {'persona':18} {'turns':>5} {'trust':>5} {'R:Q':>5} {'open':>5} {'corr':>4}  "
        f"{'that' + chr(39) + 's right':12} id"
    )
    for r in rows:
        rq = "-" if r["reflection_ratio"] is None else f"{r['reflection_ratio']:.1f}"
        op = "-" if r["open_question_share"] is None else f"{r['open_question_share']:.0%}"
        trust = "-" if r["trust"] is None else f"{r['trust']:.2f}"
        reached = f"yes, line {r['turns_to_thats_right']}" if r["thats_right"] else "no"
        branch = (
            f"  (try-again branch of {r['branch_of']} at turn {r['branch_turn']})" if r["branch_of"] else ""
        )
        click.echo(
            f"{r['started'][:19]:20} {r['persona'][:18]:18} {r['turns']:>5} {trust:>5} {rq:>5} {op:>5} "
            f"{r['corrections'] or 0:>4}  {reached:12} {r['id']}{branch}"
        )


@main.group("sessions", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per session (as 'list --json').")
@click.pass_context
def sessions_cmd(ctx, as_json):
    """Your kept rehearsals. Without a subcommand, the same as 'list'."""
    if ctx.invoked_subcommand is None:
        _list(as_json)


@sessions_cmd.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per session, oldest first.")
def list_cmd(as_json):
    """List kept rehearsals, oldest first, with the measures that show progress."""
    _list(as_json)


@sessions_cmd.command("show")
@click.argument("session_id")
@click.option("--json", "as_json", is_flag=True, help="The session's transcript as JSON.")
def show_cmd(session_id, as_json):
    """Print one session: its turns, with the label each of your lines got."""
    from coach.store import sessions

    settings = load_settings()
    tr = sessions.transcript(session_id, settings)
    if as_json:
        click.echo(tr.to_json())
        return
    info = sessions.info(session_id, settings)
    click.echo(
        f"{info.persona_name} ({info.difficulty}), started {info.started[:16].replace('T', ' ')}, "
        f'{info.leader_turns} of your lines, "that\'s right": {"yes" if info.thats_right else "no"}'
        + ("" if info.ended else ", not ended")
    )
    for i, turn in enumerate(tr.turns):
        who = "You" if turn.speaker == "leader" else info.persona_name
        label = f"  [{turn.label}]" if turn.label else ""
        click.echo(f"{i:>3} {who}: {turn.text}{label}")
    if info.pending:
        click.echo(f"    (sent, never answered: {info.pending})")


@sessions_cmd.command("export")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE (default: stdout).")
def export_cmd(output):
    """Everything you have kept, as one JSON file that 'coach sessions import' reads back exactly."""
    from coach.store.archive import export_all

    doc = export_all(load_settings())
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    if output is None:
        click.echo(text)
        return
    folder = output.resolve().parent
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, output)
    click.echo(f"Exported {len(doc['sessions'])} sessions to {output}.", err=True)


@sessions_cmd.command("import")
@click.argument("file", type=click.Path(path_type=Path))
def import_cmd(file):
    """Add the sessions of an export (sessions you already have are left as they are)."""
    from coach.store.archive import import_all, read_export

    settings = load_settings()
    imported, skipped = import_all(read_export(file), settings)
    click.echo(f"Imported {len(imported)} sessions from {file}.")
    if skipped:
        click.echo(f"Left {len(skipped)} already here as they are: {', '.join(skipped)}.")


@sessions_cmd.command("delete")
@click.argument("session_id", required=False)
@click.option("--all", "everything", is_flag=True, help="Delete every kept session.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_cmd(session_id, everything, yes):
    """Delete one session (with its try-again branches), or --all of them."""
    from coach.errors import InputError
    from coach.store import sessions

    if bool(session_id) == everything:
        raise InputError("Give one session id (see 'coach sessions list'), or --all to delete every session.")
    settings = load_settings()
    if everything:
        count = len(sessions.list_sessions(settings))
        what = f"all {count} kept sessions"
    else:
        info = sessions.info(session_id, settings)
        what = f"session {session_id} with {info.persona_name} ({info.leader_turns} of your lines) and its branches"
    if not yes:
        if not sys.stdin.isatty():
            raise InputError(f"Deleting {what} needs confirmation: run it again with --yes.")
        click.confirm(f"Delete {what}? This cannot be undone", abort=True)
    if everything:
        click.echo(f"Deleted {sessions.delete_all(settings)} sessions.")
    else:
        ids = sessions.delete_session(session_id, settings)
        click.echo(f"Deleted {len(ids)} session{'s' if len(ids) != 1 else ''}: {', '.join(ids)}.")
