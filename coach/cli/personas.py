"""`coach personas` and `coach persona show|validate|check`: the counterparts, for leaders and authors."""

from __future__ import annotations

from pathlib import Path

import click

from coach.cli.base import echo_json, main
from coach.config import load_settings


def _summary(p) -> dict:
    return {
        **p.public_profile(),
        "facts": len(p.facts),
        "core": len(p.core),
        "source": "shipped" if p.shipped else "yours",
        "path": p.source,
    }


@main.command("personas")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per persona (no hidden facts).")
def personas_cmd(as_json: bool) -> None:
    """List the counterparts you can rehearse with (shipped and your own)."""
    from coach.counterpart.cards import list_personas

    personas = list_personas(load_settings())
    if as_json:
        for p in personas:
            echo_json(_summary(p))
        return
    click.echo(f"{'id':18} {'name':18} {'role':34} {'company':30} {'difficulty':10} source")
    for p in personas:
        click.echo(
            f"{p.id:18} {p.name[:18]:18} {p.role[:34]:34} {p.company[:30]:30} {p.difficulty:10} "
            f"{'shipped' if p.shipped else 'yours'}"
        )


@main.group("persona")
def persona_group() -> None:
    """Look inside, validate and check persona cards (the author's view)."""


@persona_group.command("show")
@click.argument("persona_id")
@click.option(
    "--json", "as_json", is_flag=True, help="The whole card as one JSON object, hidden facts included."
)
def show_cmd(persona_id: str, as_json: bool) -> None:
    """Show a card with its hidden facts (for authors; do not show it to someone about to rehearse)."""
    from coach.counterpart.cards import load_persona

    p = load_persona(persona_id, load_settings())
    if as_json:
        echo_json(
            {**p.model_dump(mode="json"), "source": "shipped" if p.shipped else "yours", "path": p.source}
        )
        return
    click.echo(f"{p.name}, {p.role} at {p.company} ({p.industry}); default difficulty {p.difficulty}")
    click.echo(f"Voice: {p.voice}")
    click.echo(f"Background: {p.background}\n")
    for f in p.facts:
        core = " [core]" if f.id in p.core else ""
        gate = f" needs trust {f.trust:.2f}" if f.trust else ""
        click.echo(f"- {f.id} ({f.dimension}){core}{gate}: {f.statement}")
    click.echo(f"\n{p.source}")


@persona_group.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
def validate_cmd(path: Path) -> None:
    """Check a card file against the schema; every problem names its field."""
    from coach.counterpart.cards import load_persona_file

    p = load_persona_file(path)
    click.echo(f"{path}: valid ({p.id}: {len(p.facts)} facts, {len(p.core)} core).")


@persona_group.command("check")
@click.argument("card", metavar="ID_OR_PATH")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="The results as one JSON object.")
def check_cmd(card: str, seed: int, as_json: bool) -> None:
    """Play scripted leaders against a card: a good listener should win it; a corrector and a pitcher not."""
    from coach.counterpart.cards import load_persona, load_persona_file
    from coach.counterpart.scripted import check_card
    from coach.errors import PersonaError

    p = (
        load_persona_file(card)
        if Path(card).suffix in (".yaml", ".yml")
        else load_persona(card, load_settings())
    )
    report = check_card(p, seed=seed)
    if as_json:
        echo_json(report)
    else:
        for script, by_difficulty in report["results"].items():
            cells = []
            for difficulty, r in by_difficulty.items():
                turn = r["thats_right_turn"]
                cells.append(
                    f"{difficulty}: "
                    + (f"that's right at turn {turn}" if turn else f"no ({r['turns']} turns)")
                )
            click.echo(f"{script:17} " + "; ".join(cells))
        for problem in report["problems"]:
            click.echo(f"problem: {problem}")
    if not report["ok"]:
        raise PersonaError(
            f"{p.id}: the card does not yet reward listening: " + "; ".join(report["problems"])
        )
