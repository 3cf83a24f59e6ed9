"""Every "better line" the coach would show, rendered over the eval transcripts and drafts, and checked.

    python -m evals.lines                  # counts, and every line that fails coach.sayable.problems
    python -m evals.lines --sample FILE    # also write a readable sample (evals/data/better_lines_sample.md)

Sources: debriefs of scripted rehearsals with all shipped personas (a corrector, a pitcher, a closed
questioner), of the free-form conversations in evals/data/natural/conversations_*.yaml and of the kept
sessions in tests/data/sessions/; draft reviews of every draft in evals/data/drafts/*.yaml. The lines are the
debrief's "Try:" lines and the draft review's examples. ``tests/test_sayable.py`` runs the same rendering and
fails on any problem.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from coach.counterpart.cards import list_personas, load_persona
from coach.counterpart.scripted import CORRECTIONS, PITCHES, QUESTIONS
from coach.debrief.feedback import build_debrief
from coach.drafts.review import review_draft
from coach.rehearsal import Rehearsal
from coach.sayable import problems
from coach.transcript import Transcript

REPO = Path(__file__).resolve().parents[1]
NATURAL = REPO / "evals" / "data" / "natural"
DRAFTS = REPO / "evals" / "data" / "drafts"
SESSIONS = REPO / "tests" / "data" / "sessions"
CLOSED = (
    "Is the margin the main worry?",
    "Did the last project go over budget?",
    "Are you happy with how the vendor is doing?",
    "Do you have the numbers for last quarter?",
)


@dataclass(frozen=True)
class Line:
    source: str  # where it was shown: "debrief <session> turn N <kind>" or "draft <id> <criterion>"
    before: str  # what the leader said or wrote
    line: str  # the better line
    problems: tuple[str, ...]


def play_scripted(r: Rehearsal, kind: str) -> Rehearsal:
    """Play a scripted leader into an opened rehearsal: a ``corrector`` (asks, then argues), a ``pitcher``
    (asks once, then pitches) or a ``closed`` questioner (yes/no questions only)."""
    if kind == "corrector":
        for q, c in zip(QUESTIONS["competitors"][:2], CORRECTIONS, strict=False):
            r.turn(q)
            r.turn(c)
    elif kind == "pitcher":
        r.turn(QUESTIONS["financials"][0])
        for p in PITCHES[:3]:
            r.turn(p)
    elif kind == "closed":
        for q in CLOSED:
            r.turn(q)
    else:
        raise ValueError(f"unknown scripted leader {kind!r}; use corrector, pitcher or closed")
    return r


def _scripted(persona_id: str, kind: str) -> Transcript:
    r = Rehearsal(load_persona(persona_id), "normal", seed=0)
    r.open()
    return play_scripted(r, kind).transcript


def _natural() -> Iterator[tuple[str, Transcript]]:
    for path in sorted(NATURAL.glob("conversations_*.yaml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8")):
            r = Rehearsal(load_persona(conv["persona"]), "normal", seed=0)
            r.open()
            for line in conv["lines"]:
                if r.state.get("closed"):
                    break
                r.turn(line["say"])
            yield conv["id"], r.transcript


def transcripts() -> Iterator[tuple[str, Transcript]]:
    for p in list_personas():
        if p.shipped:
            for kind in ("corrector", "pitcher", "closed"):
                yield f"{p.id}/{kind}", _scripted(p.id, kind)
    yield from _natural()
    for path in sorted(SESSIONS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        yield path.stem, Transcript.from_dict(doc["transcript"])


def drafts() -> Iterator[tuple[str, str, str | None]]:
    for path in sorted(DRAFTS.glob("*.yaml")):
        for d in yaml.safe_load(path.read_text(encoding="utf-8"))["drafts"]:
            yield d["id"], d["text"], d.get("persona")


def render() -> list[Line]:
    out = []
    for name, t in transcripts():
        debrief = build_debrief(t, load_persona(t.persona))
        for m in debrief.moments:
            if m.better:
                out.append(
                    Line(
                        f"debrief {name} turn {m.turn} {m.kind}", m.said, m.better, tuple(problems(m.better))
                    )
                )
    for draft_id, text, persona in drafts():
        review = review_draft(text, load_persona(persona) if persona else None)
        for s in review.suggestions:
            out.append(
                Line(f"draft {draft_id} {s.criterion}", s.quote, s.example, tuple(problems(s.example)))
            )
    return out


def sample_markdown(lines: Sequence[Line], per_kind: int = 6) -> str:
    kinds: dict[str, list[Line]] = {}
    for line in lines:
        kind = line.source.split()[0] + " " + line.source.split()[-1]
        kinds.setdefault(kind, []).append(line)
    out = [
        "# Better lines: a readable sample",
        "",
        "Written by `python -m evals.lines --sample evals/data/better_lines_sample.md` from the eval transcripts",
        "and drafts (see evals/lines.py). Each pair is what the leader said or wrote, then the line the coach offers.",
        f"{len(lines)} lines rendered, {sum(1 for x in lines if x.problems)} with a problem.",
        "",
    ]
    for kind in sorted(kinds):
        out += [f"## {kind}", ""]
        for line in kinds[kind][:: max(1, len(kinds[kind]) // per_kind)][:per_kind]:
            out += [f"- *{line.source}*", f"  - said: {line.before}", f"  - try: {line.line}"]
            if line.problems:
                out.append(f"  - PROBLEM: {'; '.join(line.problems)}")
        out.append("")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.lines", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", help="write a readable sample to this Markdown file")
    args = ap.parse_args(argv)
    lines = render()
    bad = [x for x in lines if x.problems]
    print(f"{len(lines)} better lines rendered, {len(bad)} with a problem")
    for x in bad:
        print(f"- {x.source}: {x.line!r}\n    {'; '.join(x.problems)}")
    if args.sample:
        Path(args.sample).write_text(sample_markdown(lines), encoding="utf-8")
        print(f"wrote {args.sample}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
