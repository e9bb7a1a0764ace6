"""The IPCEI afwegingskader wizard: page set-up, language and identity, and the router over ``views/``.

Run with ``scripts/run`` (or ``streamlit run app.py``). The pages draw what ``framework`` returns.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from framework import logs
from ui import chrome, guard, identity, persist, services, state
from ui.i18n import tr

logs.configure()  # one line per event on stderr, at IPCEI_LOG_LEVEL
st.set_page_config(
    page_title=tr("ui_app_title"),
    page_icon=str(Path(__file__).parent / "ui" / "assets" / "favicon.png"),  # served by the app, no font host
    layout="wide",
    initial_sidebar_state="expanded",
    menu_items={"Get help": None, "Report a bug": None, "About": None},
)
services.render_pool()  # warm render workers, started once with the server
guard.slot()  # the one place a database fault is reported, at the top of every page
chrome.sidebar()
state.absorb()  # widget values into the draft before any page draws or switches
# Before the retry (which may rerun at once) and before the page (st.stop() in a page ends the run there). The
# browser component speaks only when it has a draft to hand back, so it never reruns a page half drawn for nothing.
persist.keep(identity.deployment())  # the browser keeps identity and an unsaved draft; warns before a reload
guard.retry(state.save)  # the database was down in an earlier run: try again every few seconds
# An assessment open in the session or named in the URL (a bookmark, a link from the overview) shows its pages.
editing = "visible" if state.current() is not None or st.query_params.get("id") else "hidden"

pages = [
    st.Page("views/overview.py", title=tr("ui_nav_overview"), icon=":material/list:", url_path="start", default=True),
    st.Page("views/new_assessment.py", title=tr("ui_nav_new"), icon=":material/add_circle:", url_path="nieuw"),
    st.Page(
        "views/wizard.py",
        title=tr("ui_nav_wizard"),
        icon=":material/edit_note:",
        url_path="invullen",
        visibility=editing,
    ),
    st.Page("views/compare.py", title=tr("compare_nav"), icon=":material/compare_arrows:", url_path="vergelijken"),
    st.Page("views/portfolio.py", title=tr("portfolio_nav"), icon=":material/bar_chart:", url_path="portefeuille"),
    st.Page("views/verify.py", title=tr("ui_nav_verify"), icon=":material/verified:", url_path="advies-controleren"),
    st.Page(
        "views/review.py",
        title=tr("ui_nav_review"),
        icon=":material/fact_check:",
        url_path="controle",
        visibility=editing,
    ),
]
# The overview is the default page (served at the root); the documented /overzicht opens it too.
pages.append(st.Page(lambda: st.switch_page("views/overview.py"), title=tr("ui_nav_overview"), url_path="overzicht",
                     visibility="hidden"))  # fmt: skip
try:
    guard.run_page(st.navigation(pages, position="top"))
finally:
    guard.after_page()  # a fault first met in this run: once more at once, so the retry and the keeping start
