"""``coach ingest PATH...``: add your own Markdown, text or PDF documents to the search index."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coach.cli.base import echo_json, main
from coach.playbook.ingest import MAX_FILE_BYTES, SUPPORTED_SUFFIXES
from coach.playbook.retrieval import add_documents

_LIMITS = f"{', '.join(SUPPORTED_SUFFIXES)} files up to {MAX_FILE_BYTES // 1_048_576} MB each"


@main.command(epilog=f"Accepted: {_LIMITS}.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text.")
def ingest(paths: tuple[Path, ...], as_json: bool) -> None:
    """Add your own documents (PATHS) to the index searched by 'coach ask' and the coach.

    Every file is checked before anything is written; ingesting a file again replaces its earlier version.
    """
    bar = click.progressbar(length=len(paths), label="Embedding", file=sys.stderr)

    def progress(n: int) -> None:
        if n == 0:
            bar.__enter__()  # shown only once every file passed the checks
        bar.update(n)

    try:
        report = add_documents(list(paths), progress=progress)
    finally:
        if bar.entered:
            bar.__exit__(None, None, None)
    if as_json:
        echo_json(report)
        return
    for item in report["files"]:
        click.echo(f"{item['path']}: {item['sections']} sections, {item['chunks']} chunks")
    click.echo(f"Index now holds {report['user_chunks']} chunks from {report['user_files']} of your files.")
