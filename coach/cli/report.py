"""`coach report`: the debrief of a rehearsal, as Markdown or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from coach.cli.base import main
from coach.config import load_settings


@main.command()
@click.argument("transcript", metavar="TRANSCRIPT|SESSION_ID")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to a file instead of stdout.")
@click.option(
    "--model/--no-model", default=False, help="With a configured model, richer rewrites of your lines."
)
def report(transcript, fmt, output, model):
    """The debrief of a rehearsal: scorecard, trust, their world, better lines, cited guidance.

    Give a transcript JSON file, or the id of a kept session ('coach sessions list')."""
    from coach.counterpart.cards import load_persona
    from coach.debrief.export import debrief_json, debrief_markdown
    from coach.debrief.feedback import build_debrief, enrich_with_model
    from coach.llm import backend_from_settings
    from coach.rehearsal import replay
    from coach.transcript import Transcript

    settings = load_settings()
    if Path(transcript).exists() or not transcript.isalnum():
        tr = Transcript.load(transcript)
        persona = load_persona(tr.persona, settings)
    else:
        from coach.store import sessions

        kept = sessions.load(transcript, settings)  # with the card it was played with
        tr, persona = kept.transcript, kept.persona
    note = None
    if tr.leader_turns() and not any(t.state for t in tr.turns):
        tr = replay(tr, persona)
        note = (
            "This transcript had no engine state; your lines were replayed through the offline engine to "
            "measure trust and understanding."
        )
    debrief = build_debrief(tr, persona)
    if note:
        debrief.notes.insert(0, note)
    if model:
        debrief = enrich_with_model(debrief, tr, backend_from_settings(settings))
    text = debrief_json(debrief) if fmt == "json" else debrief_markdown(debrief)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
