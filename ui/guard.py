"""The one guard every store call of the pages goes through: a database fault keeps the page and the text.

``use(lambda s: s.get(id), default=None)`` runs a call on the store of this app. When the database cannot be
used (a :class:`framework.store.DatabaseError`: the server stopped, the file is read-only or locked ...), the
guard writes the full message, with the database's user, host, port and name, to the server log only, shows the
user ONE Dutch (or English) message without connection details at the top of the page, remembers that the
database is down, and returns ``default``, so that the page goes on drawing with the user's text and name.

Domain refusals (a conflict, a frozen assessment, bad input) are not faults: they pass through to the caller.
While the database is down and the open draft has unsaved changes, :func:`retry` checks every few seconds
(a Streamlit fragment, no reload) and saves the draft as soon as the database is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

import streamlit as st

from framework.store import DatabaseError
from ui.i18n import tr

T = TypeVar("T")
log = logging.getLogger("ipcei.app.store")

DOWN = "guard_down"  # session state: the kind of the last fault while it lasts
TOLD = "guard_told"  # session state: the browser was given the draft that could not be saved (ui.persist)
# Where this run's message goes (made at the top of the page by app.py), and whether it was shown: per run
# (each run has its own thread and context), never shared between sessions.
_SLOT: ContextVar[Any] = ContextVar("ipcei_guard_slot", default=None)
_SHOWN: ContextVar[bool] = ContextVar("ipcei_guard_shown", default=False)
_RETRYING: ContextVar[bool] = ContextVar("ipcei_guard_retrying", default=False)
RETRY_SECONDS = 3.0


def slot() -> None:
    """Reserve the place of the fault message at the top of the page (called by app.py before a page draws)."""
    _SLOT.set(st.empty())
    _SHOWN.set(False)
    _RETRYING.set(False)
    if st.session_state.get(DOWN):
        _show(st.session_state[DOWN])


def finish() -> None:
    """End of a run: button callbacks of the next run (which run before app.py) do not draw into this run's slot;
    their fault is shown by :func:`slot` when the page is drawn."""
    _SLOT.set(None)
    _SHOWN.set(True)


def down() -> bool:
    """Whether the last store call of this session failed because of the database."""
    return bool(st.session_state.get(DOWN))


def message(kind: str) -> str:
    """The one message the user sees for a fault of this kind (no connection details)."""
    key = "robust_db_busy" if kind == "locked" else "robust_db_readonly" if kind in ("read_only", "full") else ""
    return tr("robust_db_down") + (" " + tr(key) if key else "")


def _show(kind: str) -> None:
    where = _SLOT.get()
    if _SHOWN.get() or where is None:  # shown already, or a button callback: the page's slot() shows it
        return
    _SHOWN.set(True)
    where.error(message(kind), icon=":material/cloud_off:")


def report(exc: DatabaseError) -> None:
    """Log a database fault (with its details) on the server and show the user the one message."""
    log.warning("database fault (%s): %s", exc.kind, exc)
    st.session_state[DOWN] = exc.kind or "other"
    _show(st.session_state[DOWN])


def use(call: Callable[[Any], T], default: Any = None) -> T | Any:
    """Run ``call(store)``; on a database fault, report it and return ``default`` (see the module docstring)."""
    from ui.services import store

    try:
        result = call(store())
    except DatabaseError as exc:
        report(exc)
        return default
    if st.session_state.pop(DOWN, None):
        log.info("database reachable again")
        where = _SLOT.get()
        if _SHOWN.get() and where is not None:  # the message drawn at the top of this run no longer holds
            where.empty()
            _SHOWN.set(False)
    return result


def run_page(page: Any) -> None:
    """Run the page; a database fault that a read further down the page meets ends the page there, with the
    one message (what was drawn stays). The calls that must let the page go on use :func:`use`."""
    try:
        page.run()
    except DatabaseError as exc:
        report(exc)


@st.fragment(run_every=RETRY_SECONDS)
def _again(save: Callable[[], str]) -> None:
    if not down():
        return
    outcome = save()
    if outcome == "unchanged":  # nothing to save: ask the database whether it is back
        use(lambda s: s.frameworks())
    if not down() or (outcome == "error" and not st.session_state.get(TOLD)):
        st.rerun(scope="app")  # back: draw the page again; or once, so that the browser keeps the draft


def retry(save: Callable[[], str]) -> None:
    """While the database is down, try every few seconds (saving the draft if it has changes); once it is back,
    rerun the page. Called before the page draws: a fragment started after a page that called ``st.stop()``
    never runs, so a fault first met by the page is handled by :func:`after_page`."""
    if not down() or _RETRYING.get():
        return
    _RETRYING.set(True)
    _again(save)


def after_page() -> None:
    """End of a run. A fault first met in this run (no retry started before the page): run again at once, so
    that the retry starts before the page, and the browser component (mounted before the page) is handed the
    draft that could not be saved before the user can reload. One extra run, once per outage."""
    finish()
    if down() and not _RETRYING.get():
        st.rerun()
