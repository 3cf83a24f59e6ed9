"""A draft review as Markdown (to read or paste) and as JSON (to keep or process).

review_markdown(review) -> str
review_json(review) -> str
"""

from __future__ import annotations

import json

from coach.drafts.review import DraftReview
from coach.drafts.signals import LABEL_NAMES

CITE_WORK = (
    '"Winning Together: A Playbook for Aligning Technology & Business" (DeGrandis, Torres, Hendrickson, '
    "Geinert, Fredrick; IT Revolution, 2021), restated in this project's corpus/playbook"
)


def review_json(review: DraftReview) -> str:
    return json.dumps(review.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _s(i: int) -> str:
    return f"S{i + 1}"


def review_markdown(review: DraftReview) -> str:
    r = review
    out: list[str] = []
    who = f" to {r.persona['name']} ({r.persona['role']}, {r.persona['company']})" if r.persona else ""
    out += [f"# Draft review{who}", "", f"**Score: {r.score}/100**", ""]
    out += ["| criterion | points | what happened | sentences | guidance |", "|---|---:|---|---|---|"]
    for c in r.criteria:
        sent = ", ".join([f"+{_s(i)}" for i in c.earned_by] + [f"-{_s(i)}" for i in c.lost_by]) or "-"
        out.append(f"| {c.name} | {c.points}/{c.max_points} | {c.verdict} | {sent} | `{c.section_id}` |")
    out += ["", "## Sentence by sentence", ""]
    for s in r.sentences:
        if s.kind != "body":
            continue
        flags = f" ({', '.join(f.replace('_', ' ') for f in s.flags)})" if s.flags else ""
        out.append(f"- **{_s(s.index)} {LABEL_NAMES[s.label]}**{flags}: {s.text}")
    out += ["", "## What it shows it understands about them", "", r.understanding.summary()]
    if r.understanding.method == "persona" and r.understanding.notes:
        out.append("")
        for n in r.understanding.notes:
            where = f" ({', '.join(_s(i) for i in n.sentences)})" if n.sentences else ""
            out.append(f"- {n.name}{' (core)' if n.core else ''}: {n.status}{where}")
    for i, dim in r.understanding.misreadings:
        out.append(f"- {_s(i)} may misread {dim}: check it with them before relying on it.")
    out += ["", "## Asks", "", r.ask_verdict()]
    if r.reaction:
        out += ["", f"## How {r.reaction.name} would likely react", "", r.reaction.headline]
        if r.reaction.line:
            out += ["", f"> {r.reaction.line}"]
        if r.reaction.note:
            out += ["", r.reaction.note]
        moves = ", ".join(f"{_s(st.sentence)} {st.move} ({st.trust_delta:+.2f})" for st in r.reaction.steps)
        out += ["", f"Engine, sentence by sentence: {moves}."]
    if r.suggestions:
        out += ["", "## Suggestions", ""]
        for n, sg in enumerate(r.suggestions, 1):
            out += [
                f"{n}. > {sg.quote}",
                "",
                f"   {sg.advice}",
                f"   Try: *{sg.example}* (`{sg.section_id}`)",
                "",
            ]
    if r.rewrite is not None:
        out += ["", "## Suggested rewrite (model)", ""]
        if r.rewrite.rewrite:
            out += ["```text", r.rewrite.rewrite.text, "```", ""]
            out += [f"- {c}" for c in r.rewrite.rewrite.changes]
        else:
            out.append(f"_{r.rewrite.error}_")
    if r.notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in r.notes]
    out += ["", "## Guidance cited", ""]
    out += [f"- `{c.section_id}`: {c.title} ({c.source})" for c in r.citations]
    out += ["", f"Guidance paraphrased from {CITE_WORK}."]
    return "\n".join(out).rstrip() + "\n"
