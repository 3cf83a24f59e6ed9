"""`coach review FILE`: feedback on a draft email, chat message or meeting opener before you send it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coach.cli.base import main
from coach.config import load_settings


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--persona", "persona_id", help="Id of the counterpart (e.g. maria-cfo); adds their likely reaction."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (same as --format json).")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to a file instead of stdout.")
@click.option(
    "--model/--no-model",
    default=True,
    show_default=True,
    help="With a configured model, add a suggested rewrite.",
)
def review(
    file: Path, persona_id: str | None, as_json: bool, fmt: str, output: Path | None, model: bool
) -> None:
    """Review a draft in FILE ('-' reads stdin): labels, score, likely reaction, suggestions."""
    from coach.drafts.export import review_json, review_markdown
    from coach.drafts.review import check_draft, read_draft_file, review_draft

    settings = load_settings()
    if str(file) == "-":
        text = check_draft(sys.stdin.read())
    else:
        text = read_draft_file(file)
    persona = encoder = None
    if persona_id:
        from coach.counterpart.cards import load_persona
        from coach.embeddings import local_encoder

        persona = load_persona(persona_id, settings)
        encoder = local_encoder()
    backend = None
    if model:
        from coach.llm import backend_from_settings

        backend = backend_from_settings(settings)
    result = review_draft(text, persona=persona, backend=backend, encoder=encoder)
    out = review_json(result) if as_json or fmt == "json" else review_markdown(result)
    if output:
        output.write_text(out, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(out, nl=False)
