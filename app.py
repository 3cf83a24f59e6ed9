"""Counterpart in the browser: `streamlit run app.py`.

This file and views/ only render and call the `coach` package. The pages live in views/, not pages/:
with st.navigation, a pages/ folder would also make Streamlit list every module in it (helpers
included) when a page URL is opened directly.
"""

from pathlib import Path

import streamlit as st

from views.common import current_user, inert, signin_configured

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
    st.Page("views/history.py", title="History", url_path="history", icon=":material/history:"),
    st.Page("views/personas.py", title="Personas", url_path="personas", icon=":material/person:"),
]

# Deployed with Streamlit's OIDC sign-in ([auth] in secrets.toml), each visitor signs in and sees only their
# own sessions (the store scopes every query by the user views.common.current_user names). Run locally
# without it, there is one user and no sign-in.
if signin_configured():
    if current_user() is None:
        st.title("Counterpart")
        st.write(
            "Sign in to rehearse. Your sessions, reviews and personas are yours: "
            "no one else who signs in can see or change them."
        )
        st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as {inert(st.user.get('email') or st.user.get('name') or 'you')}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:")

st.navigation(PAGES).run()
