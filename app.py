"""Counterpart in the browser: `streamlit run app.py`.

This file and views/ only render and call the `coach` package. The pages live in views/, not pages/:
with st.navigation, a pages/ folder would also make Streamlit list every module in it (helpers
included) when a page URL is opened directly.
"""

from pathlib import Path

import streamlit as st

# The favicon is a file served by the app: a Material icon here makes the browser fetch an SVG from
# fonts.gstatic.com, and nothing may leave the machine (tests/test_browser.py).
st.set_page_config(
    page_title="Counterpart - rehearsal coach",
    page_icon=str(Path(__file__).parent / "views" / "static" / "icon.png"),
    layout="wide",
)

PAGES = [
    st.Page(
        "views/rehearse.py", title="Rehearse", icon=":material/forum:", url_path="rehearse", default=True
    ),
    st.Page("views/review.py", title="Review a draft", icon=":material/edit_note:"),
    st.Page("views/progress.py", title="Progress", icon=":material/trending_up:"),
    st.Page("views/personas.py", title="Personas", url_path="personas", icon=":material/person:"),
]

st.navigation(PAGES).run()
