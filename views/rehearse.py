"""Rehearse: talk with a counterpart the app plays; see your listening scored as you go."""

from __future__ import annotations

import streamlit as st

from coach.debrief.feedback import build_debrief
from coach.errors import BackendError, CoachError, InputError, StoreError
from coach.rehearsal import Rehearsal, start_rehearsal
from coach.store import sessions
from coach.store.personas import list_personas
from views.common import (
    current_user,
    get_settings,
    inert,
    inert_stream,
    label_badge,
    reported,
    warm_up_scorer,
)
from views.debrief_view import render_branches, render_debrief

MOOD_ICONS = {
    "irritated": ":material/sentiment_dissatisfied:",
    "guarded": ":material/sentiment_neutral:",
    "neutral": ":material/sentiment_neutral:",
    "warming": ":material/sentiment_satisfied:",
    "open": ":material/sentiment_very_satisfied:",
}

ss = st.session_state
ss.setdefault("rehearsal", None)
ss.setdefault("family", {})  # id -> Rehearsal: the root and every "try again" branch
ss.setdefault("unsent", None)

settings = get_settings()
user = current_user()
if settings is None or user is None:
    st.stop()  # app.py asks an unsigned visitor to sign in
warm_up_scorer()

with reported():
    personas = list_personas(settings, user=user)
if not personas:
    st.error("No persona cards found. Reinstall the app, or add a card on the Personas page.")
    st.stop()
by_id = {p.id: p for p in personas}


def begin(persona_id: str, difficulty: str, seed: int) -> None:
    try:
        r = start_rehearsal(settings, persona=by_id[persona_id], difficulty=difficulty, seed=seed)
    except CoachError as exc:
        st.error(inert(exc))
        return
    ss.rehearsal = r
    ss.family = {r.id: r}
    ss.unsent = None
    ss.pop("debrief", None)
    with reported():  # the rehearsal goes on in this tab; the next turn's save writes it all
        sessions.save(r, settings, user=user)


def resume(session_id: str) -> None:
    with reported():
        r = sessions.resume(session_id, settings, user=user)
        ss.rehearsal = r
        ss.family = {r.id: r}
        ss.unsent = r.transcript.meta.get("pending")  # a line sent but never answered comes back
        ss.unsent_error = None
        ss.pop("debrief", None)


def branch_from(turn_index: int) -> None:
    r: Rehearsal = ss.rehearsal
    child = r.branch(turn_index)
    ss.family[child.id] = child
    ss.rehearsal = child
    ss.unsent = r.transcript.turns[turn_index].text
    ss.unsent_error = None
    ss.pop("debrief", None)


# -- sidebar: choose a counterpart ------------------------------------------------------------
with st.sidebar:
    st.subheader("Your counterpart")
    pid = st.selectbox(
        "Persona",
        list(by_id),
        format_func=lambda i: f"{by_id[i].name} - {by_id[i].role}, {by_id[i].company}",
        key="persona_choice",
    )
    difficulty = st.segmented_control(
        "Difficulty",
        ["easy", "normal", "hard"],
        default=by_id[pid].difficulty,
        key=f"difficulty-{pid}",
        help="Harder counterparts trust more slowly, lose patience sooner and need a fuller summary.",
    )
    seed = st.number_input(
        "Seed",
        min_value=0,
        max_value=10_000,
        value=0,
        step=1,
        help="The same seed and the same lines give the same conversation.",
    )
    if st.button("Start rehearsal", type="primary", use_container_width=True):
        begin(pid, difficulty or by_id[pid].difficulty, int(seed))
    # value= rather than a session-state default: a run that stops before this line (a rerun cut short,
    # the sign-in gate) must not leave the toggle off
    st.toggle(
        "Coach me as I go",
        value=True,
        key="coaching",
        help="Show the label and evidence for each of your lines.",
    )
    st.caption(f"Model: {settings.describe()}")

r: Rehearsal | None = ss.rehearsal

if r is None:
    st.title("Rehearse a difficult conversation")
    st.markdown(
        "Pick a counterpart in the sidebar and start. They know things about their world that you don't "
        "yet. **Ask before you tell**, describe their world back to them, and see whether you earn a "
        '*"that\'s right"*. Each of your lines is labelled as you go (reflection, open or closed question, '
        "telling, correcting, other), and you get a debrief at the end."
    )
    p = by_id[pid]
    with st.container(border=True):
        st.markdown(f"**{inert(p.name)}** - {inert(p.role)}, {inert(p.company)} ({inert(p.industry)})")
        st.caption(inert(p.background))  # the briefing: what the leader knows going in
    with reported():
        left = sessions.unfinished(settings, user=user)
    if left is not None:
        with st.container(border=True):
            pending = left.pending
            st.markdown(
                f"**Unfinished rehearsal** with {inert(left.persona_name)}: {left.leader_turns} of your lines, "
                f"started {inert(left.started[:16].replace('T', ' '))}"
                + (", and one line you sent that was never answered." if pending else ".")
            )
            if st.button("Resume it", icon=":material/play_arrow:", key=f"resume-{left.id}"):
                resume(left.id)
                st.rerun()
    st.stop()

# -- the conversation --------------------------------------------------------------------------
state = r.state
p = r.persona
head, mood_col = st.columns([4, 1])
with head:
    st.subheader(f"{inert(p.name)} · {inert(p.role)}, {inert(p.company)}")
    if r.parent:
        st.caption(f"Branch: trying again from your turn {r.parent['turn']}.")
with mood_col:
    mood = str(state.get("mood", "neutral"))
    st.markdown(f"{MOOD_ICONS.get(mood, '')} *{mood}*", help="How they seem to feel right now.")
    st.progress(float(state.get("trust", 0.0)), text="trust")

if state.get("thats_right"):
    st.success(
        f'### "That\'s right."\n{inert(p.name)} feels understood. That is the goal the playbook sets: now you have '
        "earned the standing to ask for one or two concrete things.",
        icon=":material/verified:",
    )

for index, turn in enumerate(r.transcript.turns):
    if turn.speaker == "counterpart":
        with st.chat_message("assistant", avatar=":material/person:"):
            st.markdown(inert(turn.text))
            if (turn.meta or {}).get("move") == "thats_right":
                st.badge("That's right: they feel understood", icon=":material/verified:", color="green")
        continue
    with st.chat_message("user"):
        st.markdown(inert(turn.text))
        if ss.get("coaching", True):
            cols = st.columns([3, 1])
            with cols[0]:
                evidence = (turn.meta or {}).get("evidence") or {}
                label_badge(turn.label, (turn.meta or {}).get("confidence"), help=evidence.get("cue"))
                reasons = (turn.meta or {}).get("reasons") or []
                if reasons:
                    st.caption(inert(" · ".join(reasons)))
            with cols[1]:
                if st.button("Try again from here", key=f"branch-{r.id}-{index}", icon=":material/undo:"):
                    branch_from(index)
                    st.rerun()


def send(text: str) -> None:
    # Kept until the reply is complete: if the page reruns mid-reply, the line comes back to resend;
    # and on disk, so that a refresh, a closed tab or a killed server does not lose it either.
    ss.unsent, ss.unsent_error = text, None
    r.transcript.meta["pending"] = text
    try:
        sessions.save(r, settings, user=user)
    except StoreError as exc:  # reported after the turn; the line is still sent, and kept here
        ss.store_error = str(exc)
    with st.chat_message("user"):
        st.markdown(inert(text))
    try:
        with st.chat_message("assistant", avatar=":material/person:"):
            st.write_stream(inert_stream(_kept_before_the_last_words(r.say(text))))
    except (BackendError, InputError) as exc:
        ss.unsent_error = str(exc)
        st.rerun()
    except StoreError as exc:  # the turn happened and is on screen; the next save writes it
        ss.unsent = ss.unsent_error = None
        ss.store_error = str(exc)
        st.rerun()
    ss.unsent = ss.unsent_error = None
    st.rerun()


def _kept_before_the_last_words(chunks):
    """The reply as it streams, holding back its last chunk until the finished turn is committed: a reply
    the leader has seen whole is always in the store, whatever happens to the server next."""
    held = None
    for chunk in chunks:
        if held is not None:
            yield held
        held = chunk
    # r.say() has recorded the turn by the time its stream ends
    r.transcript.meta.pop("pending", None)
    sessions.save(r, settings, user=user)
    if held is not None:
        yield held


if ss.get("store_error"):
    st.error(inert(ss.pop("store_error")), icon=":material/database:")
if r.ended:
    st.info("This rehearsal has ended. Start a new one from the sidebar, or see the debrief below.")
else:
    if ss.unsent:
        if ss.get("unsent_error"):
            st.error(inert(ss.unsent_error), icon=":material/error:")
        st.warning("Your line was not sent. It is kept here: edit it if you like and send it again.")
        kept = st.text_area("Your line", value=ss.unsent, key=f"unsent-{abs(hash(ss.unsent))}")
        if st.button("Send again", type="primary"):
            send(kept)
    if line := st.chat_input("What do you say?", key="line"):
        send(line)
    if r.leader_turn_count and st.button("End and debrief", icon=":material/flag:"):
        r.end()
        try:
            sessions.save(r, settings, user=user)
        except StoreError as exc:
            ss.store_error = str(exc)
        st.rerun()

render_branches(ss.family)
if r.ended:
    with reported():
        render_debrief(build_debrief(r.transcript, r.persona), key=r.id)
