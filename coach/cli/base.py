"""The click group and the one place library errors become user-facing messages."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from coach.errors import CoachError


class CoachGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoachError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=CoachGroup)
@click.version_option(package_name="counterpart-coach")
def main() -> None:
    """Counterpart: rehearse hard conversations with business counterparts, offline."""


def echo_json(obj: Any) -> None:
    """One JSON object per line on stdout."""
    click.echo(json.dumps(obj, ensure_ascii=False))
