"""Counterpart: a rehearsal coach for technology leaders.

The package is the product; ``app.py`` and the CLI only call it.
"""

__version__ = "0.1.0"
