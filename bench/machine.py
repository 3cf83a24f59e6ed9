"""What every benchmark prints first: the machine its figures came from (the same line `coach bench` prints)."""

from __future__ import annotations

from coach.bench import machine as describe

__all__ = ["describe"]
