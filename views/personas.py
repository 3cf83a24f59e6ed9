"""Personas: browse the counterparts, and write or edit your own cards (validated before they are saved)."""

from __future__ import annotations

import streamlit as st

from coach.counterpart.authoring import card_from_plain
from coach.counterpart.cards import DIMENSIONS, parse_persona_yaml, template_yaml
from coach.counterpart.scripted import check_card
from coach.errors import PersonaError
from coach.store.personas import card_text, delete_persona, list_personas, save_persona
from views.common import current_user, get_settings, inert, reported

NEW = "+ New card"
ss = st.session_state

st.title("Personas")
st.caption(
    "Each counterpart is a card: a public profile, a voice, hidden facts the leader has to draw out, and "
    "authored reactions. Reading a card's hidden facts spoils a rehearsal with it. "
    "The schema is in corpus/personas/README.md."
)

settings = get_settings()
user = current_user()
if settings is None or user is None:
    st.stop()

with reported():
    personas = {p.id: p for p in list_personas(settings, user=user)}

labels = {
    pid: f"{p.name} - {p.role}, {p.company}" + ("" if p.shipped else " (yours)")
    for pid, p in personas.items()
}
choice = st.selectbox(
    "Card", [NEW, *personas], format_func=lambda k: k if k == NEW else labels[k], key="persona_choice"
)

if ss.get("persona_loaded") != choice:  # a new choice: load its text into the editor
    if choice == NEW:
        ss.persona_yaml = template_yaml()
    else:
        text = card_text(personas[choice], settings, user=user)
        if personas[choice].shipped:  # shipped cards are edited as a copy under a new id
            text = text.replace(f"id: {choice}", f"id: {choice}-copy", 1)
        ss.persona_yaml = text
    ss.persona_loaded = choice
    ss.pop("persona_result", None)

if choice != NEW and personas[choice].shipped:
    st.info(f"{inert(choice)} ships with the app. Saving stores your edited copy under the id in the text.")

FORM_FACTS = 4


def _from_form() -> None:
    """Form submitted: build the card and put it in the editor below (nothing typed is lost on an error)."""
    profile = {
        k: ss.get(f"pf_{k}", "") for k in ("name", "role", "company", "industry", "voice", "background")
    }
    profile["difficulty"] = ss.get("pf_difficulty", "normal")
    facts = [
        {
            "dimension": ss.get(f"pf_dim_{i}"),
            "statement": ss.get(f"pf_statement_{i}", ""),
            "reveal": ss.get(f"pf_reveal_{i}", ""),
            "paraphrase": ss.get(f"pf_paraphrase_{i}", ""),
            "trust": ss.get(f"pf_trust_{i}", 0.0),
            "depth": {"more": ss.get(f"pf_depth_{i}", "")},
        }
        for i in range(FORM_FACTS)
    ]
    try:
        ss.persona_yaml = card_from_plain(profile, facts)
        ss.persona_form_error = None
    except (PersonaError, ValueError) as exc:
        ss.persona_form_error = str(exc)


with st.expander("Write a card in plain language (a form)", expanded=False):
    st.caption(
        "Say who they are and, for each fact, what part of their world it is about, the fact in a sentence and "
        "what they say when asked. The card is built for you below, to refine and save; no keyword lists needed."
    )
    with st.form("persona_form"):
        a, b = st.columns(2)
        a.text_input("Name", key="pf_name")
        b.text_input("Role", key="pf_role")
        a.text_input("Company", key="pf_company")
        b.text_input("Industry", key="pf_industry")
        st.text_input("How they talk", key="pf_voice")
        st.text_area("What the leader knows going in (shown to the leader)", key="pf_background", height=70)
        st.selectbox("Difficulty", ["easy", "normal", "hard"], index=1, key="pf_difficulty")
        for i in range(FORM_FACTS):
            st.markdown(f"**Fact {i + 1}**")
            c, d = st.columns([1, 3])
            c.selectbox("Part of their world", list(DIMENSIONS), key=f"pf_dim_{i}", index=i % len(DIMENSIONS))
            d.text_input("The fact, in a sentence", key=f"pf_statement_{i}")
            st.text_area("What they say when asked (one line each)", key=f"pf_reveal_{i}", height=68)
            c2, d2 = st.columns([3, 1])
            c2.text_input("How a listener would say it back (optional)", key=f"pf_paraphrase_{i}")
            d2.slider("Trust it needs", 0.0, 0.8, 0.0, 0.05, key=f"pf_trust_{i}")
            st.text_area(
                "More they say if asked to go on (optional, one line each)", key=f"pf_depth_{i}", height=68
            )
        st.form_submit_button("Build the card", on_click=_from_form)
    if ss.get("persona_form_error"):
        st.error(inert(ss.persona_form_error))

text = st.text_area("Card (YAML)", key="persona_yaml", height=520)
c1, c2, c3, c4 = st.columns(4)
validate = c1.button("Validate", key="persona_validate", type="secondary")
save = c2.button("Save", key="persona_save", type="primary")
check = c3.button("Check it rewards listening", key="persona_check")
delete = c4.button(
    "Delete",
    key="persona_delete",
    disabled=choice == NEW or personas[choice].shipped,
    help="Only your own cards",
)


def parsed():
    try:
        return parse_persona_yaml(text, source="card")
    except PersonaError as exc:
        st.error(inert(exc))
        return None


if validate or save or check:
    persona = parsed()
    if persona is not None:
        if save:
            with reported():
                path = save_persona(persona, settings, user=user, text=text)
                st.success(
                    f"Saved {inert(persona.id)} to {inert(path)}. It is now in the list of counterparts."
                )
        else:
            st.success(f"Valid: {inert(persona.name)}, {len(persona.facts)} facts, {len(persona.core)} core.")
        st.dataframe(
            [
                {
                    "id": f.id,
                    "dimension": f.dimension,
                    "topic": f.topic,
                    "trust needed": f.trust,
                    "core": f.id in persona.core,
                    "reveal lines": len(f.reveal),
                }
                for f in persona.facts
            ],
            hide_index=True,
        )
        missing = [d for d in DIMENSIONS if d not in {f.dimension for f in persona.facts}]
        if missing:
            st.warning("No fact yet about: " + ", ".join(DIMENSIONS[d] for d in missing) + ".")
        if check:
            with st.spinner("Playing scripted leaders against the card..."):
                report = check_card(persona)
            rows = []
            for script, by_difficulty in report["results"].items():
                row = {"leader": script.replace("_", " ")}
                for difficulty, r in by_difficulty.items():
                    turn = r["thats_right_turn"]
                    row[difficulty] = f"that's right at turn {turn}" if turn else f"no ({r['turns']} turns)"
                rows.append(row)
            st.dataframe(rows, hide_index=True)
            if report["ok"]:
                st.success(
                    "A good listener wins this card, asking in the card's words or in other people's;"
                    " a corrector and a pitcher do not."
                )
            for problem in report["problems"]:
                st.warning(inert(problem))

if delete and choice != NEW:
    with reported():
        delete_persona(choice, settings, user=user)
        ss.persona_loaded = None
        st.success(f"Deleted {inert(choice)}.")
        st.rerun()
