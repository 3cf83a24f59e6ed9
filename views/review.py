"""Review a draft: paste an email, chat message or meeting opener and get feedback before sending it."""

from __future__ import annotations

import streamlit as st

from coach.drafts.export import review_json, review_markdown
from coach.drafts.review import DraftReview, review_draft
from coach.drafts.signals import LABEL_NAMES
from coach.store import reviews
from coach.store.personas import list_personas
from views.common import current_user, get_settings, inert, label_badge, reported

DRAFT_COLORS = {
    "their_goals": "green",
    "question_open": "green",
    "question_closed": "blue",
    "ask": "violet",
    "telling": "orange",
    "correcting": "red",
    "blaming": "red",
    "other": "gray",
}
STATUS_ICONS = {"shown": ":material/check_circle:", "asked": ":material/help:", "missed": ":material/cancel:"}
NO_PERSONA = "(no particular persona)"

ss = st.session_state
ss.setdefault("draft_review", None)

settings = get_settings()
user = current_user()
if settings is None or user is None:
    st.stop()


@st.cache_resource(show_spinner=False)
def _encoder():
    from coach.embeddings import local_encoder

    return local_encoder()


st.title("Review a draft")
st.caption(
    "Paste a message before you send it. The review labels each sentence, scores it against the playbook's "
    "order (understand their world, show it, then one or two concrete asks) and, for a chosen counterpart, "
    "shows how they would likely react."
)

with reported():
    personas = {p.id: p for p in list_personas(settings, user=user)}
choices = [NO_PERSONA, *personas]
pid = st.selectbox(
    "Who is it for?",
    choices,
    format_func=lambda i: (
        i if i == NO_PERSONA else f"{personas[i].name} - {personas[i].role}, {personas[i].company}"
    ),
    key="review_persona",
)
text = st.text_area(
    "Your draft",
    height=260,
    key="draft_text",
    placeholder="Hi Maria,\n\nBefore the planning cycle starts, I'd like to ...",
)
use_model = False
if settings.uses_model:
    use_model = st.toggle(f"Suggest a rewrite with {settings.describe()}", value=True, key="review_use_model")

if st.button("Review draft", type="primary", key="review_button"):
    ss.draft_review = None
    with reported():
        persona = personas.get(pid)
        backend = None
        if use_model:
            from coach.llm import backend_from_settings

            backend = backend_from_settings(settings)
        with st.spinner("Reading your draft..."):
            ss.draft_review = review_draft(
                text, persona=persona, backend=backend, encoder=_encoder() if persona else None
            )
        reviews.keep(ss.draft_review, settings, user=user)  # on the list below, in History's export


def _reopen(kept) -> None:
    ss.draft_text = kept.draft
    if kept.persona in personas:
        ss.review_persona = kept.persona
    ss.draft_review = None


with reported():
    past = reviews.list_reviews(settings, user=user, limit=50)
if past:
    with st.expander(f"Your past reviews ({len(past)})"):
        for kept in past:
            first = next((x for x in kept.draft.splitlines() if x.strip()), "")[:90]
            a, b, c = st.columns([6, 1, 1])
            a.markdown(
                f"{kept.created[:16].replace('T', ' ')} · **{kept.score}/100** · "
                f"{inert(personas[kept.persona].name if kept.persona in personas else 'no persona')} · {inert(first)}"
            )
            b.button(
                "Open",
                key=f"reopen-{kept.id}",
                on_click=_reopen,
                args=(kept,),
                help="Put this draft back in the box",
            )
            if c.button("Delete", key=f"forget-{kept.id}"):
                with reported():
                    reviews.delete_review(kept.id, settings, user=user)
                    st.rerun()

review: DraftReview | None = ss.draft_review
if review is None:
    st.stop()

st.divider()
st.metric("Score", f"{review.score}/100")
rows = ["| criterion | points | what happened | guidance |", "|---|---:|---|---|"]
rows += [
    f"| {c.name} | {c.points}/{c.max_points} | {c.verdict} | `{c.section_id}` |" for c in review.criteria
]
st.markdown("\n".join(rows))

st.subheader("Sentence by sentence")
for s in review.sentences:
    if s.kind != "body":
        continue
    cols = st.columns([2, 5])
    with cols[0], st.container(horizontal=True, gap="small"):
        st.badge(LABEL_NAMES[s.label], color=DRAFT_COLORS.get(s.label, "gray"), help=s.cue)
        if s.behaviour and s.behaviour != "other":
            label_badge(
                s.behaviour, s.confidence, help="The listening-behaviour scorer's label, as in a rehearsal"
            )
    cols[1].markdown(f"**S{s.index + 1}** {inert(s.text)}")
    if s.flags:
        cols[1].caption("Also: " + ", ".join(f.replace("_", " ") for f in s.flags))

st.subheader("What it shows it understands about them")
st.markdown(inert(review.understanding.summary()))
if review.understanding.method == "persona":
    for n in review.understanding.notes:
        where = ", ".join(f"S{i + 1}" for i in n.sentences)
        st.markdown(
            f"{STATUS_ICONS[n.status]} {n.name}{' (core)' if n.core else ''}: {n.status}"
            + (f" ({where})" if where else "")
        )
for i, dim in review.understanding.misreadings:
    st.warning(f"S{i + 1} may misread {dim}: check it with them before relying on it.")

st.subheader("Asks")
st.markdown(inert(review.ask_verdict()))

if review.reaction:
    st.subheader(f"How {inert(review.reaction.name)} would likely react")
    st.markdown(inert(review.reaction.headline))
    if review.reaction.line:
        st.info(inert(review.reaction.line), icon=":material/record_voice_over:")
    if review.reaction.note:
        st.caption(review.reaction.note)
    with st.expander("The engine, sentence by sentence"):
        for step in review.reaction.steps:
            st.markdown(
                f"**S{step.sentence + 1}** {step.move} ({step.trust_delta:+.2f}): " + "; ".join(step.reasons)
            )

if review.suggestions:
    st.subheader("Suggestions")
    for sg in review.suggestions:
        with st.container(border=True):
            st.markdown(f"> {inert(sg.quote)}")
            st.write(sg.advice)
            st.markdown(f"Try: *{inert(sg.example)}*  \n:gray[guidance: `{sg.section_id}`]")

if review.rewrite is not None:
    st.subheader("Suggested rewrite")
    if review.rewrite.rewrite:
        st.code(review.rewrite.rewrite.text, language=None, wrap_lines=True)
        for change in review.rewrite.rewrite.changes:
            st.markdown(f"- {inert(change)}")
    else:
        st.warning(inert(review.rewrite.error))

for note in review.notes:
    st.caption(note)

with st.expander("Guidance cited"):
    for c in review.citations:
        st.markdown(f"- `{c.section_id}`: {inert(c.title)} ({inert(c.source)})")

d1, d2 = st.columns(2)
d1.download_button(
    "Download Markdown",
    review_markdown(review),
    file_name="draft-review.md",
    mime="text/markdown",
    key="dl_md",
)
d2.download_button(
    "Download JSON",
    review_json(review),
    file_name="draft-review.json",
    mime="application/json",
    key="dl_json",
)
