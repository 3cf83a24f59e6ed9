"""``coach score FILE [--json]``: label utterances from a CSV, or build a transcript's scorecard."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coach.cli.base import echo_json, main
from coach.errors import InputError

if TYPE_CHECKING:
    from coach.scoring.behaviours import Labelled

CSV_COLUMNS = ("id", "context", "utterance")


MAX_CSV_ROWS = 100_000


def read_utterance_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV with id, context, utterance; a missing column is an InputError naming it."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh, strict=True)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in CSV_COLUMNS if c not in header]
            if missing:
                raise InputError(
                    f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
                    f"The CSV needs a header row with {', '.join(CSV_COLUMNS)}."
                )
            reader.fieldnames = header
            rows = []
            for n, row in enumerate(reader, start=2):
                if n - 1 > MAX_CSV_ROWS:
                    raise InputError(
                        f"{path}: more than {MAX_CSV_ROWS:,} rows. Split the file and score it in parts."
                    )
                if None in row:
                    raise InputError(
                        f"{path}: line {n} has more fields than the header; quote fields with commas."
                    )
                if any(v is None for v in row.values()):
                    raise InputError(
                        f"{path}: line {n} has fewer fields than the header; give id, context, utterance."
                    )
                rows.append({c: row.get(c) or "" for c in CSV_COLUMNS})
            return rows
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text. Save the CSV as UTF-8.") from None
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}). Give the path of a CSV file.") from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV ({exc}). Check the quoting.") from None


def _is_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    if path.suffix.lower() == ".csv":
        return False
    head = path.read_text(encoding="utf-8", errors="replace")[:200].lstrip()
    return head.startswith("{")


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option(
    "--judge",
    is_flag=True,
    help="Let the configured language model label each turn instead of the local scorer "
    "(one request per turn; needs OPENAI_API_KEY or OPENAI_BASE_URL).",
)
def score(file: Path, as_json: bool, judge: bool) -> None:
    """Score FILE: a CSV (id,context,utterance) gives a label per row; a transcript JSON, its scorecard."""
    if not file.exists():
        raise InputError(f"{file}: no such file. Give a CSV (id,context,utterance) or a transcript JSON.")
    fell_back: list[int] = []
    label = _judge_labeller(fell_back) if judge else None
    if _is_json(file):
        _score_transcript(file, as_json, label)
    else:
        _score_csv(file, as_json, label)
    if fell_back:
        raise SystemExit(3)  # the results are printed, but not all of them are the judge's


Labeller = Callable[[list[tuple[str, str]]], list["Labelled"]]


def _judge_labeller(fell_back: list[int]) -> Labeller:
    from coach.config import load_settings
    from coach.scoring.judge import JUDGE_FAILED, configured_judge, judge_batch

    backend = configured_judge(load_settings())

    def label(pairs: list[tuple[str, str]]) -> list[Labelled]:
        tick = lambda n, total: click.echo(f"judged {n}/{total}", err=True)  # noqa: E731
        out = judge_batch(pairs, backend, progress=tick if len(pairs) > 1 else None)
        fell_back[:] = [n for n, lab in enumerate(out, start=1) if lab.scorer.startswith(JUDGE_FAILED)]
        if fell_back:
            click.echo(
                f"The judge failed at row {fell_back[0]}: {out[fell_back[0] - 1].scorer.split(': ', 2)[-1]}\n"
                f"Rows {fell_back[0]}-{len(out)} use the local scorer (each says so); rows before it were judged.",
                err=True,
            )
        return out

    return label


def _score_csv(path: Path, as_json: bool, label: Labeller | None = None) -> None:
    from coach.scoring.behaviours import classify_batch

    rows = read_utterance_csv(path)
    labelled = (label or classify_batch)([(r["utterance"], r["context"]) for r in rows])
    for row, lab in zip(rows, labelled, strict=True):
        if as_json:
            echo_json({"id": row["id"], **lab.to_dict()})
        else:
            quoted = f' | quoted: "{lab.evidence.quoted}"' if lab.evidence.quoted else ""
            unsure = " (uncertain)" if lab.uncertain else ""
            click.echo(f"{row['id']}\t{lab.label}\t{lab.confidence:.2f}\t{lab.evidence.cue}{unsure}{quoted}")


def _score_transcript(path: Path, as_json: bool, label: Labeller | None = None) -> None:
    from coach.scoring.behaviours import UNCERTAIN_BELOW
    from coach.scoring.features import responds_to
    from coach.scoring.scorecard import build_scorecard
    from coach.transcript import Transcript

    transcript = Transcript.load(path)
    labels = None
    if label is not None:
        leader = transcript.leader_turns()
        labels = label([(t.text, responds_to(t.text, transcript.theirs_before(i))) for i, t in leader])
    card = build_scorecard(transcript, labels)
    if as_json:
        click.echo(json.dumps(card.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"Scorecard: {card.persona} ({len(card.turns)} leader turns)")
    for m in card.measures:
        click.echo(f"- {m.name}: {m.display} [{m.verdict}]")
        click.echo(f"    criterion: {m.criterion}  benchmark: {m.benchmark}")
        if m.evidence_turns:
            click.echo(f"    evidence turns: {', '.join(str(t) for t in m.evidence_turns)}")
        for q in m.quotes:
            click.echo(f'    "{q}"')
    click.echo("Turns:")
    for t in card.turns:
        unsure = ", uncertain" if t.confidence < UNCERTAIN_BELOW else ""
        click.echo(f"  [{t.turn}] {t.label} ({t.confidence:.2f}{unsure}) - {t.cue}: {t.text[:100]}")
