"""The user's language (nl by default, en by choice) and the fixed texts in it."""

from __future__ import annotations

from contextvars import ContextVar

import streamlit as st

from framework.i18n import LANGUAGES, default_language, t

LANG_KEY = "lang"
# The language of the current script run, set once per run by the sidebar (each run has its own thread and
# so its own context: nothing is shared between sessions). Saves a session-state look-up per text.
_RUN_LANG: ContextVar[str | None] = ContextVar("ipcei_run_lang", default=None)


def remember(lang_of_run: str) -> None:
    _RUN_LANG.set(lang_of_run if lang_of_run in LANGUAGES else default_language())


def lang() -> str:
    """The language chosen in the sidebar, else ``IPCEI_LANG``, else nl."""
    chosen = _RUN_LANG.get() or st.session_state.get(LANG_KEY)
    return chosen if chosen in LANGUAGES else default_language()


def tr(key: str, **params: object) -> str:
    """The fixed text ``key`` in the user's language."""
    return t(key, lang(), **params)
