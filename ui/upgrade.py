"""The framework version of the open assessment: its own version always, and «Overzetten naar versie …».

An assessment is shown under the version it answers (the store's copy, ``ui.services.framework_of``). When the
current framework is a later version of the same framework, the wizard and review offer to move it there:
the plan (new, changed and dropped questions, answers that cannot be carried over) is shown first, and only a
click on the confirm button moves it (``framework.upgrade``: one revision and an audit entry).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from framework import draft as drafting
from framework import memo, upgrade
from framework.errors import IpceiError
from framework.loading import default_framework
from framework.models import Framework
from ui import guard, signoff, state
from ui.i18n import lang, tr
from ui.services import framework_of
from ui.text import plain

_CHANGE_KEYS = ("title", "text", "guidance", "footnote", "fields")


def framework_or_stop(d: dict[str, Any]) -> Framework:
    """The draft's own framework version; when no copy can be read: a message naming it, and the page stops."""
    try:
        framework = framework_of(d)
    except IpceiError as exc:
        ref = d["data"].get("framework") or {}
        st.error(
            tr("versions_unavailable", version=plain(ref.get("version", "?")), detail=plain(exc)),
            icon=":material/error:",
        )
        st.stop()
        raise  # pragma: no cover - st.stop() ends the run
    offer(d, framework)
    return framework


def _target(framework: Framework) -> Framework | None:
    try:
        current = default_framework()
    except IpceiError:
        return None
    if current.id != framework.id or current.version == framework.version:
        return None
    return current


def offer(d: dict[str, Any], framework: Framework) -> None:
    """A notice that a later version exists, with the plan and the button to move the assessment there."""
    target = _target(framework)
    if target is None:
        return
    st.info(tr("versions_notice", own=framework.version, current=target.version), icon=":material/update:")
    with st.expander(tr("versions_upgrade_to", version=target.version), icon=":material/upgrade:"):
        try:  # the draft is what is stored: the pages save before they draw
            the_plan = memo.upgrade_plan(drafting.assessment_from_data(d["data"]), framework, target)
        except IpceiError as exc:
            st.error(plain(exc))
            return
        _show_plan(the_plan)
        if signoff.is_frozen(d):
            st.warning(tr("versions_frozen"), icon=":material/lock:")
            return
        if st.button(
            tr("versions_upgrade_confirm", version=target.version),
            key="versions|upgrade",
            icon=":material/upgrade:",
            type="primary",
        ):
            state.flush()
            try:  # a database fault is the guard's one message; any other refusal is said here
                done = guard.use(lambda s: upgrade.upgrade(s, d["id"], target, state.actor()))
            except IpceiError as exc:
                st.error(tr("versions_upgrade_failed", detail=plain(exc)), icon=":material/error:")
                return
            if done is None:
                return
            saved, _ = done
            state.open_record(saved, step=st.session_state.get(state.STEP))
            st.toast(tr("versions_upgraded", version=target.version), icon=":material/check:")
            st.rerun()


def _show_plan(the_plan: upgrade.Plan) -> None:
    L = lang()
    if the_plan.note is not None:
        st.markdown(plain(the_plan.note(L)))
    sections = (
        ("versions_plan_new", the_plan.new, False),
        ("versions_plan_changed", the_plan.changed, True),
        ("versions_plan_dropped", the_plan.dropped, False),
    )
    for key, notes, with_changes in sections:
        st.markdown(f"**{tr(key, count=len(notes))}**")
        for note in notes:
            what = ""
            if with_changes:
                what = " (" + ", ".join(tr(f"versions_change_{c}") for c in note.changes if c in _CHANGE_KEYS) + ")"
            st.markdown(f"- {plain(note.label(L))}{what}")
    st.caption(tr("versions_plan_carried", count=len(the_plan.carried)))
    for ref, why in the_plan.lost:
        st.caption(f":material/warning: {tr('versions_plan_lost', field=plain(ref), why=plain(why))}")
