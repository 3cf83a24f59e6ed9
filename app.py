"""Counterpart in the browser: `streamlit run app.py`.

This file and pages/ only render and call the `coach` package.
"""

import streamlit as st

st.set_page_config(
    page_title="Counterpart - rehearsal coach", page_icon=":material/record_voice_over:", layout="wide"
)

PAGES = [
    st.Page("pages/rehearse.py", title="Rehearse", icon=":material/forum:", default=True),
    st.Page("pages/review.py", title="Review a draft", icon=":material/edit_note:"),
    st.Page("pages/progress.py", title="Progress", icon=":material/trending_up:"),
    st.Page("pages/3_Personas.py", title="Personas", icon=":material/person:"),
]

st.navigation(PAGES).run()
