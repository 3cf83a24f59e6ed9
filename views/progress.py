"""Progress: your kept rehearsals and how your listening changes across them."""

from __future__ import annotations

import streamlit as st

from coach.debrief.progress import progress_rows
from views.common import get_settings, inert, reported

st.title("Progress")
settings = get_settings()
if settings is None:
    st.stop()

rows, skipped = [], []
with reported():
    rows = progress_rows(settings, skipped)
    for _path, why in skipped:
        st.warning(f"Skipped a session file that cannot be read: {inert(why)}", icon=":material/warning:")

if not rows:
    st.info("No kept rehearsals yet. Every rehearsal you start on the Rehearse page is kept here.")
    st.stop()

reached = sum(1 for r in rows if r["thats_right"])
c1, c2, c3 = st.columns(3)
c1.metric("Rehearsals", len(rows))
c2.metric('"That\'s right" reached', f"{reached} of {len(rows)}")
last = rows[-1]
rq = last["reflection_ratio"]
c3.metric(
    "Latest reflection : question",
    "-" if rq is None else f"{rq:.1f} : 1",
    help="Motivational-interviewing coding benchmarks: 1:1 is fair, 2:1 is good.",
)

st.subheader("Over time")
chart = {
    "reflections per question": [r["reflection_ratio"] or 0 for r in rows],
    "open-question share": [r["open_question_share"] or 0 for r in rows],
    "trust at the end": [r["trust"] for r in rows],
}
st.line_chart(chart)
st.caption("One point per rehearsal, oldest on the left. Corrections per rehearsal are in the table.")

st.subheader("Sessions")
st.dataframe(
    [
        {
            "started": r["started"][:16].replace("T", " "),
            "persona": r["persona"],
            "difficulty": r["difficulty"],
            "turns": r["turns"],
            "that's right": "yes" if r["thats_right"] else "",
            "trust": r["trust"],
            "R:Q": r["reflection_ratio"],
            "open share": r["open_question_share"],
            "corrections": r["corrections"],
            "asks": r["concrete_asks"],
            "early pitches": r["premature_pitches"],
            "branch of": r["branch_of"] or "",
        }
        for r in reversed(rows)
    ],
    hide_index=True,
    use_container_width=True,
)
