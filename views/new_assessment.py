"""A new assessment: its general data, validated with a message beside each field."""

from __future__ import annotations

import streamlit as st

from framework import draft as drafting
from framework import workflow
from framework.errors import IpceiError
from framework.gates import GateError
from framework.loading import default_framework
from ui import guard, identity, meta_form, state
from ui import phases as phasing
from ui.i18n import lang, tr
from ui.text import plain

ERRORS = "new_errors"
PREFIX = "new|"

state.flush()
framework = default_framework()
st.title(tr("ui_new_title"))
st.caption(tr("ui_new_intro", framework=framework.title(lang()), version=framework.version))
who = identity.actor()
if who is None:
    st.warning(tr("gate_ui_who_is_working"), icon=":material/badge:")
if source := st.query_params.get("from"):  # the next phase of a dossier, from its latest signed-off advice
    try:
        phasing.next_phase_form(state.record_id(source), framework)
    except IpceiError as exc:
        st.error(tr("ui_save_failed", detail=plain(exc)), icon=":material/error:")
    st.stop()
errors = st.session_state.get(ERRORS, {})
if errors:
    st.error(tr("ui_new_has_errors", count=len(errors)), icon=":material/error:")

if not str(st.session_state.get(PREFIX + "author") or "").strip() and state.user_name():
    st.session_state[PREFIX + "author"] = state.user_name()  # the name stated in the sidebar, also when given later
with st.form("new_assessment", enter_to_submit=False, border=True):
    meta_form.fields(
        framework,
        lambda name: PREFIX + name,
        {"author": state.user_name(), "ecosystem": None, "phase": None},
        errors,
    )
    st.caption(tr("ui_required_note"))
    submitted = st.form_submit_button(tr("ui_new_submit"), type="primary", icon=":material/arrow_forward:")

if submitted:
    values = {name: st.session_state.get(PREFIX + name) for name in drafting.META_FORM_FIELDS}
    meta, errors = drafting.meta_from_form(values, framework, lang())
    if meta is None:
        st.session_state[ERRORS] = errors
        st.rerun()
    try:
        record = guard.use(lambda s: workflow.create(s, drafting.new_assessment(framework, meta), who))
    except IpceiError as exc:
        text = exc.message(lang()) if isinstance(exc, GateError) else str(exc)
        st.error(tr("ui_save_failed", detail=plain(text)), icon=":material/error:")
        st.stop()
    if record is None:  # the database is down: the form keeps what was typed; the guard said so
        st.stop()
    st.session_state.pop(ERRORS, None)
    for name in drafting.META_FORM_FIELDS:
        st.session_state.pop(PREFIX + name, None)
    state.open_record(record, step="q1")
    st.switch_page("views/wizard.py", query_params={"id": str(record.id), "step": "q1"})
