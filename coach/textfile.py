"""Reading a user's text file, with one set of errors that say what is wrong and what to do."""

from __future__ import annotations

from pathlib import Path

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
