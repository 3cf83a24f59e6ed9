"""Prompt templates: text files in coach/data/prompts, filled with named placeholders.

load_template(name)            a template's text (PromptError if the file is missing)
fill(template, values, name)   every {placeholder} filled; PromptError naming all missing ones at once
"""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Any

from coach import paths
from coach.errors import CoachError

PROMPTS = paths.PROMPTS


class PromptError(CoachError):
    """A prompt template cannot be filled (the message lists every missing placeholder)."""


@lru_cache(maxsize=16)
def load_template(name: str) -> str:
    path = PROMPTS / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromptError(f"The prompt template {path} is missing. Reinstall the package.") from None


def placeholders(template: str) -> list[str]:
    """The named placeholders of a template, in order, each once."""
    out: list[str] = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None and name not in out:
            out.append(name)
    return out


def fill(template: str, values: dict[str, Any], name: str = "template") -> str:
    """Fill every {placeholder}; PromptError naming all missing ones at once."""
    wanted = placeholders(template)
    missing = [p for p in wanted if p not in values]
    if missing:
        raise PromptError(
            f"{name} needs values for {', '.join('{' + m + '}' for m in missing)} "
            f"(it uses {', '.join('{' + w + '}' for w in wanted)})."
        )
    return template.format_map({k: values[k] for k in wanted})
