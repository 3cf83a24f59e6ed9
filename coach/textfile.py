"""Reading a user's text file, with one set of errors that say what is wrong and what to do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coach.errors import CoachError, InputError


def read_text(
    path: str | Path,
    *,
    what: str,
    error: type[CoachError] = InputError,
    max_bytes: int | None = None,
    missing: str | None = None,
) -> str:
    """The file's text (UTF-8, a BOM dropped). ``what`` names the expected file in the fix, e.g.
    "a transcript JSON file"; ``missing`` replaces the message for a path that does not exist."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(missing or f"{path}: no such file. Give the path of {what}.") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder. Give the path of {what}.") from None
    except PermissionError:
        raise error(
            f"{path}: cannot be read (permission denied). Give the path of {what} you can read."
        ) from None
    if max_bytes is not None and len(data) > max_bytes:
        raise error(f"{path}: {len(data):,} bytes is too large (limit {max_bytes:,}). Give a smaller file.")
    if b"\x00" in data:
        raise error(f"{path}: looks binary (it contains NUL bytes). Give {what}, saved as UTF-8 text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start}). Save it as UTF-8 and try again.") from None


def parse_json(text: str, source: str, shape: str, error: type[CoachError] = InputError) -> Any:
    """JSON from a user's file, or one error naming the file, what went wrong and the expected ``shape``.

    Never a traceback: invalid JSON, nesting deep enough to exhaust the parser (``[[[[...``) and integers
    too long to convert (Python refuses more than 4,300 digits) are all reported as problems of the file."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}). Expected {shape}."
        ) from None
    except RecursionError:
        raise error(
            f"{source}: nested too deeply to be {shape}. Check that the file is the one you meant."
        ) from None
    except ValueError as exc:  # e.g. "Exceeds the limit (4300 digits) for integer string conversion"
        raise error(f"{source}: holds a value JSON cannot carry here ({exc}). Expected {shape}.") from None
