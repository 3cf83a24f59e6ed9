"""The ``coach`` command. Each module in this package adds its own subcommand to ``main``.

The CLI only parses arguments, calls ``coach`` functions and prints; a ``CoachError`` becomes one
line on stderr and exit code 2.
"""

import importlib
import pkgutil

from coach.cli.base import main

for _info in pkgutil.iter_modules(__path__):
    if _info.name != "base":
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["main"]
