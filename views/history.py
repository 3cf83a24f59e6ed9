"""History: your kept rehearsals, how your listening changes across them, and your data (export,
import, delete)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import altair as alt
import streamlit as st

from coach.debrief.feedback import build_debrief
from coach.debrief.progress import progress_rows, rehearsals
from coach.store import archive, sessions
from views.common import current_user, get_settings, inert, reported
from views.debrief_view import render_debrief

# measure -> (title, axis format, what a higher value means)
CHARTED = {
    "reflection_ratio": ("Reflections per question", ".1f", "higher is better: 1 is fair, 2 good"),
    "open_question_share": ("Open-question share", ".0%", "higher is better"),
    "understanding_coverage": ("Coverage of their world", ".0%", "core facts you described back"),
    "corrections": ("Corrections", "d", "lower is better"),
    "turns_to_thats_right": ('Your lines to "that\'s right"', "d", "lower is better; only when reached"),
}

st.title("History")
settings = get_settings()
user = current_user()
if settings is None or user is None:
    st.stop()
ss = st.session_state


def when(iso: str | None) -> str:
    return (iso or "")[:16].replace("T", " ")


rows, skipped = [], []
with reported():
    rows = progress_rows(settings, skipped, user=user)
for _path, why in skipped:
    st.warning(
        f"A session file of an earlier version was left in place: {inert(why)}", icon=":material/warning:"
    )
if ss.pop("history_notice", None):
    st.success(ss.pop("history_notice_text", ""), icon=":material/check:")

own = rehearsals(rows)
if own:
    reached = sum(1 for r in own if r["thats_right"])
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Rehearsals", len(own), help="Try-again branches are listed under the rehearsal they came from."
    )
    c2.metric('"That\'s right" reached', f"{reached} of {len(own)}")
    rq = own[-1]["reflection_ratio"]
    c3.metric(
        "Latest reflection : question",
        "-" if rq is None else f"{rq:.1f} : 1",
        help="Motivational-interviewing coding benchmarks: 1:1 is fair, 2:1 is good.",
    )

    st.subheader("Over time")
    personas = sorted({r["persona"] for r in own})
    who = st.segmented_control(
        "Whose conversations", ["All", *personas], default="All", format_func=inert, key="history_who"
    )
    shown = [r for r in own if who in (None, "All") or r["persona"] == who]
    cols = st.columns(2)
    for n, (key, (title, fmt, reading)) in enumerate(CHARTED.items()):
        points = [
            {"started": r["started"], "persona": r["persona"], "value": r[key]}
            for r in shown
            if r[key] is not None
        ]
        with cols[n % 2]:
            st.markdown(f"**{title}**", help=reading)
            if not points:
                st.caption(f"Nothing to chart yet ({reading}).")
                continue
            chart = (
                alt.Chart(alt.Data(values=points))
                .mark_line(point=alt.OverlayMarkDef(size=60))
                .encode(
                    x=alt.X(
                        "started:T", title=None, axis=alt.Axis(format="%b %d", labelAngle=0, tickCount=6)
                    ),
                    y=alt.Y(
                        "value:Q",
                        title=None,
                        axis=alt.Axis(format=fmt, tickMinStep=1) if fmt == "d" else alt.Axis(format=fmt),
                        scale=alt.Scale(zero=True),
                    ),
                    color=alt.Color(
                        "persona:N", title=None, legend=alt.Legend(orient="top", direction="horizontal")
                    ),
                    tooltip=[
                        alt.Tooltip("started:T", title="started", format="%Y-%m-%d %H:%M"),
                        alt.Tooltip("persona:N"),
                        alt.Tooltip("value:Q", title=title, format=fmt),
                    ],
                )
            )
            st.altair_chart(chart, width="stretch", height=200)
    st.caption("One point per rehearsal, by the date it started; try-again branches are not charted.")

    st.subheader("Sessions")
    by_id = {r["id"]: r for r in rows}
    ordered = []
    for r in reversed(own):  # newest first, each followed by its branches
        ordered.append(r)
        ordered += [by_id[b] for b in r["branches"] if b in by_id]
    table = [
        {
            "started": when(r["started"]),
            "persona": r["persona"],
            "difficulty": r["difficulty"],
            "branch": f"↳ try again from turn {r['branch_turn']}" if r["branch_of"] else "",
            "your lines": r["turns"],
            "that's right": (f"yes, line {r['turns_to_thats_right']}" if r["thats_right"] else "no"),
            "trust": r["trust"],
            "R:Q": r["reflection_ratio"],
            "open share": r["open_question_share"],
            "corrections": r["corrections"],
            "coverage": r["understanding_coverage"],
            "ended": "yes" if r["ended"] else "no",
            "id": r["id"],
        }
        for r in ordered
    ]
    st.dataframe(table, hide_index=True, use_container_width=True)

    st.subheader("Reopen a debrief")
    choice = st.selectbox(
        "Session",
        [r["id"] for r in ordered],
        format_func=lambda i: (
            f"{when(by_id[i]['started'])} · {by_id[i]['persona']} · {by_id[i]['turns']} lines"
            + (" · try-again branch" if by_id[i]["branch_of"] else "")
        ),
        key="history_session",
    )

    @st.dialog("Delete this session?")
    def confirm_delete(session_id: str) -> None:
        r = by_id[session_id]
        extra = f" and its {len(r['branches'])} try-again branches" if r["branches"] else ""
        st.write(
            f"The rehearsal with {inert(r['persona'])} of {when(r['started'])}{extra} will be gone for good."
        )
        if st.button("Delete", type="primary", key="delete-confirmed"):
            with reported():
                gone = sessions.delete_session(session_id, settings, user=user)
                ss.history_notice, ss.history_notice_text = True, f"Deleted {len(gone)} session(s)."
                st.rerun()

    if choice:
        with reported():
            r = sessions.load(choice, settings, user=user)
            render_debrief(build_debrief(r.transcript, r.persona), key=f"history-{choice}")
        if st.button("Delete this session", icon=":material/delete:", key=f"delete-{choice}"):
            confirm_delete(choice)
else:
    st.info("No kept rehearsals yet. Every rehearsal you start on the Rehearse page is kept here.")

st.subheader("Your data")
left, right = st.columns(2)
with left:
    st.download_button(
        "Export everything (JSON)",
        data=lambda: json.dumps(archive.export_all(settings, user=user), ensure_ascii=False, indent=1),
        file_name="counterpart-sessions.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
        help="Every session with its turns and the persona cards they were played with, and your draft "
        "reviews. Import it back here or with 'coach sessions import'.",
    )
    upload = st.file_uploader("Import an export", type=["json"], key="history_import")
    if upload is not None and st.button("Import these sessions", key="import-go"):
        with reported(), tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.json"
            path.write_bytes(upload.getvalue())
            done, kept = archive.import_all(archive.read_export(path), settings, user=user)
            ss.history_notice = True
            ss.history_notice_text = f"Imported {len(done)} session(s)." + (
                f" {len(kept)} you already had were left as they are." if kept else ""
            )
            st.rerun()
with right:

    @st.dialog("Delete every session?")
    def confirm_delete_all() -> None:
        st.write(
            f"All {len(rows)} kept sessions will be gone for good. Export them first if you may want them."
        )
        typed = st.text_input('Type "delete" to confirm')
        if st.button("Delete everything", type="primary", disabled=typed.strip().lower() != "delete"):
            with reported():
                n = archive.delete_everything(settings, user=user)
                ss.history_notice, ss.history_notice_text = True, f"Deleted {n} session(s)."
                st.rerun()

    if rows and st.button("Delete everything…", icon=":material/delete_forever:", key="delete-all"):
        confirm_delete_all()
