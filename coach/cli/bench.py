"""`coach bench`: speed and memory on this machine, each figure against its target."""

from __future__ import annotations

import click

from coach.cli.base import echo_json, main


@main.command("bench")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the machine and every result.")
@click.option("--quick", is_flag=True, help="Fewer rounds (about a third of the time; noisier figures).")
@click.option(
    "--no-app", is_flag=True, help="Skip the app's cold start (needs app.py from a source checkout)."
)
def bench_cmd(as_json, quick, no_app):
    """Measure offline turn latency, scoring throughput, retrieval and indexing, the store, app cold start
    and peak memory, in a temporary data folder (your own data is not touched). Exit status 1 when a
    figure misses its target."""
    from coach.bench import run, table

    report = run(
        quick=quick, app=not no_app, progress=None if as_json else lambda s: click.echo(f"... {s}", err=True)
    )
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(table(report))
    raise SystemExit(1 if any(r.met is False for r in report.results) else 0)
