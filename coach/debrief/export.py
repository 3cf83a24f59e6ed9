"""Exports: a debrief as Markdown or JSON (what `coach report` and the app's download buttons give)."""

from __future__ import annotations

import json

from coach.debrief.feedback import Debrief

VERDICT_MARK = {"good": "✅", "fair": "➖", "needs work": "⚠️", "n/a": "·"}


def debrief_json(debrief: Debrief) -> str:
    return json.dumps(debrief.to_dict(), indent=2, ensure_ascii=False)


def debrief_markdown(d: Debrief) -> str:
    out = [f"# Debrief: rehearsal with {d.persona_name}", ""]
    if d.thats_right["reached"]:
        out.append(f'**"That\'s right" reached at turn {d.thats_right["turn"]}.** They felt understood.')
    else:
        out.append('**"That\'s right" not reached.** They did not yet feel understood.')
    if d.asks:
        out.append("You asked for: " + "; ".join(f'"{a["quote"]}" (turn {a["turn"]})' for a in d.asks))
    out += [
        "",
        "## Scorecard",
        "",
        "| criterion | you | benchmark | verdict | evidence |",
        "|---|---|---|---|---|",
    ]
    for m in d.scorecard.measures:
        quotes = " / ".join(f'"{q}"' for q in m.quotes[:2])
        turns = ", ".join(str(t) for t in m.evidence_turns[:6])
        ev = f"turns {turns}: {quotes}" if turns else quotes
        out.append(
            f"| {m.name} | {m.display} | {m.benchmark or ''} | {VERDICT_MARK.get(m.verdict, '')} "
            f"{m.verdict} | {ev.replace('|', '/')} |"
        )
    if d.trust_moves:
        out += ["", "## The turns that moved trust most", ""]
        for t in d.trust_moves:
            why = f" ({'; '.join(t.reasons)})" if t.reasons else ""
            out.append(f'- Turn {t.turn}, trust {t.delta:+.2f}: "{t.said}"{why}')
    if d.world:
        out += ["", "## Their world", ""]
        for w in d.world:
            out.append(f"- **{w.name}**: {w.status} ({w.revealed} of {w.total} facts drawn out)")
        out += [f"- {m}" for m in d.missed]
    if d.moments:
        out += ["", "## Moments to try again", ""]
        for m in d.moments:
            out += [
                f"### Turn {m.turn}: {m.kind.replace('_', ' ')}",
                f'- They said: "{m.their_words}"' if m.their_words else "",
                f'- You said: "{m.said}"',
                f'- Try: "{m.better}"' if m.better else "",
                f"- Why: {m.why} *(Playbook: {m.cite.title})*",
                "",
            ]
    if d.advice:
        out += ["## Advice", ""]
        for a in d.advice:
            quotes = " ".join(f'"{q}"' for q in a.quotes[:2])
            out.append(f"- {a.text} {quotes} *(Playbook: {a.cite.title})*".rstrip())
    if d.notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in d.notes]
    out += ["", "## Sources", ""]
    for c in d.citations():
        out.append(f"- **{c.title}** (`{c.source}`, section `{c.section_id}`): {c.excerpt}")
    return "\n".join(line for line in out if line is not None) + "\n"
