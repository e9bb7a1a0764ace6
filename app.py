"""The IPCEI afwegingskader wizard: page set-up, language and identity, and the router over ``views/``.

Run with ``scripts/run`` (or ``streamlit run app.py``). The pages draw what ``framework`` returns.
"""

from __future__ import annotations

import streamlit as st

from framework import logs
from ui import chrome, services, state
from ui.i18n import tr

logs.configure()  # one line per event on stderr, at IPCEI_LOG_LEVEL
st.set_page_config(
    page_title=tr("ui_app_title"),
    page_icon=":material/balance:",
    layout="wide",
    initial_sidebar_state="expanded",
    menu_items={"Get help": None, "Report a bug": None, "About": None},
)
services.render_pool()  # warm render workers, started once with the server
chrome.sidebar()
state.absorb()  # widget values into the draft before any page draws or switches
# An assessment open in the session or named in the URL (a bookmark, a link from the overview) shows its pages.
editing = "visible" if state.current() is not None or st.query_params.get("id") else "hidden"

pages = [
    st.Page(
        "views/overview.py", title=tr("ui_nav_overview"), icon=":material/list:", url_path="overzicht", default=True
    ),
    st.Page("views/new_assessment.py", title=tr("ui_nav_new"), icon=":material/add_circle:", url_path="nieuw"),
    st.Page(
        "views/wizard.py",
        title=tr("ui_nav_wizard"),
        icon=":material/edit_note:",
        url_path="invullen",
        visibility=editing,
    ),
    st.Page("views/compare.py", title=tr("compare_nav"), icon=":material/compare_arrows:", url_path="vergelijken"),
    st.Page("views/verify.py", title=tr("ui_nav_verify"), icon=":material/verified:", url_path="advies-controleren"),
    st.Page(
        "views/review.py",
        title=tr("ui_nav_review"),
        icon=":material/fact_check:",
        url_path="controle",
        visibility=editing,
    ),
]
st.navigation(pages, position="top").run()
