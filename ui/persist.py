"""What survives a reload or a typed URL on one machine: the stated name, role and language, and an unsaved draft.

Kept in the browser by the app's own component (:mod:`ui.keeper`): the identity in a cookie of this site, read
back on the server with ``st.context.cookies`` at the start of a session (so it is there in the very first run,
also for a typed URL); a draft that could not be saved in local storage, handed back after a reload and saved then
(a colleague's save meanwhile goes through the three-way merge). In a deployment (OpenID Connect) the name and
role come from the login, never from a cookie; only the language is restored there.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import streamlit as st

from framework.draft import assessment_from_data
from framework.i18n import LANGUAGES
from ui import guard, keeper, state
from ui.i18n import LANG_KEY, tr

COOKIE = "ipcei_identity"
_RESTORED = "persist_restored"
_HANDLED = "persist_handled"
_NOTICE = "persist_notice"
_KEPT = "persist_kept"
MAX_NAME = 120


def _cookie() -> dict[str, Any]:
    try:
        raw = st.context.cookies.get(COOKIE)
    except Exception:  # no browser context (a test without one)
        return {}
    if not isinstance(raw, str) or not raw or len(raw) > 2000:
        return {}
    try:
        value = json.loads(unquote(raw))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def identity_from(value: dict[str, Any]) -> dict[str, str]:
    """The valid parts of a stored identity (it comes from the browser: untrusted, checked like typed input)."""
    found: dict[str, str] = {}
    name = value.get("name")
    if isinstance(name, str) and name.strip() and len(name) <= MAX_NAME and name.isprintable():
        found["name"] = name
    from ui.chrome import ROLES  # ui.chrome imports this module

    if value.get("role") in ROLES:
        found["role"] = value["role"]
    if value.get("lang") in LANGUAGES:
        found["lang"] = value["lang"]
    return found


def restore_identity(deployment: bool) -> None:
    """At the start of a session: the name, role and language the browser kept (before the sidebar draws)."""
    if st.session_state.get(_RESTORED):
        return
    st.session_state[_RESTORED] = True
    kept = identity_from(_cookie())
    if "lang" in kept:
        st.session_state.setdefault(LANG_KEY, kept["lang"])
    if deployment:
        return
    if "name" in kept and not st.session_state.get(state.USER_NAME):
        st.session_state[state.USER_NAME] = kept["name"]
    if "role" in kept and not st.session_state.get(state.USER_ROLE):
        st.session_state[state.USER_ROLE] = kept["role"]


def _restore_draft(kept: dict[str, Any]) -> bool:
    """Put a draft the browser kept back into the open draft (once); True when it did."""
    d = state.current()
    if d is None or d["dirty"]:
        return False
    entry = kept.get(d["id"])
    handled = st.session_state.setdefault(_HANDLED, set())
    if not isinstance(entry, dict) or d["id"] in handled:
        return False
    handled.add(d["id"])
    data, revision = entry.get("data"), entry.get("revision")
    if not isinstance(data, dict) or not isinstance(revision, int) or data == d["data"]:
        return False
    try:
        assessment_from_data(data)  # it comes from the browser: it must be a valid assessment
    except ValueError:
        return False
    gen = int(st.session_state.get(state.GEN, 0)) + 1
    st.session_state[state.GEN] = gen
    d.update(data=data, revision=min(revision, d["revision"]), dirty=True, gen=gen)
    st.session_state[_NOTICE] = True
    return True


def notice() -> None:
    """Say once that a draft was brought back from the browser."""
    if st.session_state.pop(_NOTICE, None):
        st.info(tr("robust_restored"), icon=":material/restore:")


def keep(deployment: bool) -> None:
    """Before the page draws: hand the browser the identity and a draft that could not be saved (the database
    is down), and take back what it kept (a draft from before a reload is put back, once)."""
    data: dict[str, Any] = {"identity": {"lang": st.session_state.get(LANG_KEY)}}
    if not deployment:
        data["identity"].update(
            name=str(st.session_state.get(state.USER_NAME) or ""), role=st.session_state.get(state.USER_ROLE) or ""
        )
    d = state.current()
    if d is not None:
        # A change absorbed in this run is saved by the page; unsaved is a draft whose save already failed, or
        # a value over its limit.
        failed = bool(d["dirty"]) and guard.down()
        st.session_state[guard.TOLD] = failed
        data["unsaved"] = failed or bool(d.get("over"))
        if failed:
            data["keep"] = {"id": d["id"], "revision": d["revision"], "data": d["data"]}
        elif not d["dirty"]:
            data["drop"] = d["id"]
    st.session_state[_KEPT] = keeper.mount(data)
    restore_draft()


def restore_draft() -> None:
    """Put back a draft the browser kept for the open assessment (once per session); rerun when it did."""
    kept = st.session_state.get(_KEPT) or {}
    if kept and _restore_draft(kept):
        st.rerun()
