"""The sidebar every page shares: the language, and who is working (stated on one machine, or signed in)."""

from __future__ import annotations

import streamlit as st

from framework.i18n import LANGUAGES, default_language
from ui import identity, persist
from ui.i18n import LANG_KEY, remember, tr
from ui.state import USER_NAME, USER_ROLE

ROLES = ("beleidsmedewerker", "reviewer", "vaststeller", "archivaris", "management")
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
KEPT = {USER_NAME: "identity_kept_name", USER_ROLE: "identity_kept_role"}


def _keep(widget: str) -> None:
    """The person changed their name or role: keep it apart from the widget (see :func:`sidebar`)."""
    st.session_state[KEPT[widget]] = st.session_state.get(widget)


def sidebar() -> None:
    """Draw the language choice and who is working; in a deployment, stop here until someone may work."""
    persist.restore_identity(identity.deployment())  # what this browser kept: before the widgets draw
    st.session_state.setdefault(LANG_KEY, default_language())
    remember(st.session_state[LANG_KEY])
    with st.sidebar:
        st.radio(
            tr("ui_language"),
            LANGUAGES,
            key=LANG_KEY,
            format_func=LANGUAGE_NAMES.__getitem__,
            horizontal=True,
        )
    if identity.deployment():
        identity.gate()  # sign-in, idle time-out, roles
        return
    # Keep the stated name and role when the page or the language changes: Streamlit drops a widget's value when
    # the widget is drawn anew (another label after a change of language), so the value the person gave is kept
    # apart (set by the widgets' own change) and handed back to the widget on every run.
    for widget, kept in KEPT.items():
        if kept in st.session_state:
            st.session_state[widget] = st.session_state[kept]
        elif widget in st.session_state:
            st.session_state[widget] = st.session_state[widget]
    with st.sidebar:
        # Open until both name and role are stated (closing after the name alone would hide the role).
        named = bool(str(st.session_state.get(USER_NAME) or "").strip()) and bool(st.session_state.get(USER_ROLE))
        with st.expander(tr("ui_identity"), expanded=not named, icon=":material/badge:"):
            st.text_input(
                tr("ui_your_name"),
                key=USER_NAME,
                max_chars=120,
                placeholder=tr("ui_ph_your_name"),
                on_change=_keep,
                args=(USER_NAME,),
            )
            st.selectbox(
                tr("ui_your_role"),
                ROLES,
                index=None,
                key=USER_ROLE,
                on_change=_keep,
                args=(USER_ROLE,),
                format_func=lambda role: tr(f"ui_role_{role}"),
                placeholder=tr("ui_ph_role"),
            )
            st.caption(tr("ui_identity_note"))
