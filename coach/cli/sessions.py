"""`coach sessions`: the rehearsals you have kept, and your progress across them."""

from __future__ import annotations

import click

from coach.cli.base import echo_json, main
from coach.config import load_settings


@main.command("sessions")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per session.")
def sessions_cmd(as_json):
    """List kept rehearsals, oldest first, with the measures that show progress."""
    from coach.debrief.progress import progress_rows

    skipped: list = []
    rows = progress_rows(load_settings(), skipped)
    for path, why in skipped:
        click.echo(f"Skipped {path.name}: {why}", err=True)
    if as_json:
        for row in rows:
            echo_json(row)
        return
    if not rows:
        click.echo("No kept rehearsals yet. Start one with 'coach rehearse --persona ID' or in the app.")
        return
    click.echo(
        f"{'started':20} {'persona':18} {'turns':>5} {'trust':>5} {'R:Q':>5} {'open':>5} {'corr':>4}  that's right"
    )
    for r in rows:
        rq = "-" if r["reflection_ratio"] is None else f"{r['reflection_ratio']:.1f}"
        op = "-" if r["open_question_share"] is None else f"{r['open_question_share']:.0%}"
        click.echo(
            f"{r['started'][:19]:20} {r['persona'][:18]:18} {r['turns']:>5} {r['trust']:>5.2f} {rq:>5} {op:>5} "
            f"{r['corrections'] or 0:>4}  {'yes' if r['thats_right'] else '-'}   {r['id']}"
        )
