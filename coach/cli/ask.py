"""``coach ask "QUESTION"``: search the playbook (and your ingested documents) and print cited passages."""

from __future__ import annotations

import textwrap

import click

from coach.cli.base import echo_json, main
from coach.playbook.retrieval import MAX_K, search


@main.command()
@click.argument("question", nargs=-1, required=True)
@click.option(
    "--k", "k", type=click.IntRange(1, MAX_K), default=3, show_default=True, help="Passages to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print {question, passages: [...]} as JSON.")
def ask(question: tuple[str, ...], k: int, as_json: bool) -> None:
    """Find the guidance that answers QUESTION, with its section and source file."""
    text = " ".join(question)
    passages = search(text, k=k)
    if as_json:
        echo_json({"question": text, "passages": [p.to_dict() for p in passages]})
        return
    if not passages:
        click.echo("Nothing found: the index is empty. Check that corpus/playbook is present.")
        return
    for n, p in enumerate(passages, start=1):
        click.secho(f"[{n}] {p.title}", bold=True)
        click.echo(f"    {p.source}#{p.section_id}  (score {p.score:.2f})")
        body = " ".join(p.text.split())
        click.echo(textwrap.fill(body, width=100, initial_indent="    ", subsequent_indent="    "))
        click.echo()
