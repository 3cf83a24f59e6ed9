"""Renders a debrief (coach.debrief.feedback.Debrief) and the comparison of "try again" branches."""

from __future__ import annotations

import altair as alt
import streamlit as st

from coach.debrief.export import VERDICT_MARK, debrief_json, debrief_markdown
from views.common import inert


def render_debrief(d, key: str) -> None:
    st.header("Debrief")
    if d.thats_right["reached"]:
        st.success(
            f'"That\'s right" at turn {d.thats_right["turn"]}: {inert(d.persona_name)} felt understood.'
        )
    else:
        st.warning('No "that\'s right" this time: they did not yet feel understood.')
    if d.asks:
        st.markdown(
            "**You asked for:** " + "; ".join(f'"{inert(a["quote"])}" (turn {a["turn"]})' for a in d.asks)
        )
    for note in d.notes:
        st.caption(inert(note))

    st.subheader("Scorecard")
    for m in d.scorecard.measures:
        with st.container(border=True):
            left, right = st.columns([3, 1])
            left.markdown(f"**{m.name}**: {m.display}  \n{m.criterion}")
            right.markdown(f"{VERDICT_MARK.get(m.verdict, '')} {m.verdict}")
            if m.benchmark:
                right.caption(f"benchmark: {m.benchmark}")
            if m.quotes:
                turns = ", ".join(str(t) for t in m.evidence_turns[:6])
                left.caption(
                    f"Evidence (turns {turns}): " + " / ".join(f'"{inert(q)}"' for q in m.quotes[:3])
                )

    if d.trust_timeline:
        st.subheader("Trust, line by line")
        st.altair_chart(trust_chart(d.trust_timeline), width="stretch", height=240)
    if d.trust_moves:
        st.subheader("The turns that moved trust most")
        for t in d.trust_moves:
            icon = ":material/arrow_upward:" if t.delta > 0 else ":material/arrow_downward:"
            st.markdown(f'{icon} **Turn {t.turn}** ({t.delta:+.2f}): "{inert(t.said)}"')
            if t.reasons:
                st.caption(inert("; ".join(t.reasons)))

    if d.world:
        st.subheader("Their world")
        for w in d.world:
            mark = {
                "described back": ":material/check_circle:",
                "drawn out": ":material/radio_button_partial:",
                "missed": ":material/cancel:",
            }.get(w.status, "")
            st.markdown(f"{mark} **{w.name}**: {w.status} ({w.revealed} of {w.total} drawn out)")
        for line in d.missed:
            st.markdown(f"- {inert(line)}")

    if d.moments:
        st.subheader("Moments to try again")
        for m in d.moments:
            with st.container(border=True):
                st.markdown(f"**Turn {m.turn}: {m.kind.replace('_', ' ')}**")
                if m.their_words:
                    st.markdown(f'They said: *"{inert(m.their_words)}"*')
                st.markdown(f'You said: "{inert(m.said)}"')
                if m.better:
                    st.markdown(f':green[Try:] "{inert(m.better)}"')
                st.caption(f"{m.why} Playbook: {m.cite.title}.")

    if d.advice:
        st.subheader("Advice")
        for a in d.advice:
            quotes = " ".join(f'"{inert(q)}"' for q in a.quotes[:2])
            st.markdown(f"- {inert(a.text)} {quotes}")
            st.caption(f"Playbook: {inert(a.cite.title)} - {inert(a.cite.excerpt)}")

    with st.expander("Sources cited"):
        for c in d.citations():
            st.markdown(f"**{inert(c.title)}** ({inert(c.source)})  \n{inert(c.excerpt)}")

    c1, c2 = st.columns(2)
    c1.download_button(
        "Download debrief (Markdown)",
        debrief_markdown(d),
        file_name=f"debrief-{key}.md",
        mime="text/markdown",
        key=f"md-{key}",
    )
    c2.download_button(
        "Download debrief (JSON)",
        debrief_json(d),
        file_name=f"debrief-{key}.json",
        mime="application/json",
        key=f"json-{key}",
    )


def trust_chart(timeline: list[dict]) -> alt.Chart:
    """Trust after each of the leader's lines; hover a point to read the line."""
    data = alt.Data(values=[{**p, "said": p["said"][:160]} for p in timeline])
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("turn:O", title="turn"),
            y=alt.Y("trust:Q", title="trust", scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("turn:O"), alt.Tooltip("trust:Q", format=".2f"), alt.Tooltip("said:N")],
        )
    )


def render_branches(family: dict) -> None:
    """Compare how the original and each "try again" branch went."""
    if len(family) < 2:
        return
    st.subheader("Your branches")
    rows = []
    for rid, r in family.items():
        s = r.state
        rows.append(
            {
                "branch": "original" if not r.parent else f"from turn {r.parent['turn']}",
                "your turns": r.leader_turn_count,
                "trust": round(float(s.get("trust", 0)), 2),
                "mood": s.get("mood"),
                "understood": len(s.get("understood", [])),
                "that's right": "yes" if s.get("thats_right") else "",
                "id": rid,
            }
        )
    st.dataframe(rows, hide_index=True, use_container_width=True)
