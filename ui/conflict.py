"""Someone else saved the assessment meanwhile: show both versions of what differs and let the user choose."""

from __future__ import annotations

from typing import Any

import streamlit as st

from framework import draft as drafting
from framework.errors import ConflictError
from framework.i18n import format_datetime
from framework.models import Framework
from ui import state
from ui.i18n import lang, tr
from ui.services import store
from ui.text import local_time, plain

FORMAT2_META = {
    "national_budget_unknown": "format_meta_budget_unknown",
    "coordinator": "format_meta_coordinator",
    "few_member_states_reason": "format_meta_few_member_states_reason",
    "reference_date": "format_meta_reference_date",
    "secondary_ecosystems": "format_meta_secondary_ecosystems",
}
MARK_LABELS = {"qualifier": "format_qualifier", "unknown": "format_unknown", "none": "format_none_checkbox"}


def _label(framework: Framework, diff: drafting.Difference) -> str:
    if diff.question == "meta":
        if diff.field in FORMAT2_META:
            return tr(FORMAT2_META[diff.field])
        return tr("ui_meta_" + ("budget" if diff.field == "national_budget_eur" else diff.field))
    field_id, _, kind = diff.field.partition("|")  # a format /2 mark is «field|kind»
    question = framework.question(diff.question)
    answer_field = question.field(field_id) if question else None
    if question is None or answer_field is None:
        return diff.key
    label = f"{question.number}. {question.title(lang())} · {answer_field.label(lang())}"
    return f"{label} · {tr(MARK_LABELS[kind])}" if kind in MARK_LABELS else label


def _shown(framework: Framework, diff: drafting.Difference, value: Any) -> str:
    if diff.question == "meta":
        text = drafting.display_meta(framework, diff.field, value, lang())
    elif "|" in diff.field:
        text = tr("format_none") if value is True else ("" if value is False else str(value or ""))
    else:
        question = framework.question(diff.question)
        text = drafting.display_value(question.field(diff.field) if question else None, value, lang())
    return text or tr("ui_empty_value")


def render(d: dict[str, Any], framework: Framework, step_id: str) -> None:
    """Draw the conflict between the draft and the latest stored version, and resolve it on request."""
    theirs = store().get(state.record_id(d["id"]))
    their_data = theirs.assessment.model_dump(mode="json")
    diffs = drafting.differences(framework, d["data"], their_data)
    if not diffs:  # the other save says the same as ours: nothing to choose
        state.open_record(theirs, step=step_id)
        st.rerun()
    who = plain(getattr(theirs, "updated_by", "") or "?")
    st.warning(
        tr("ui_conflict_intro", who=who, when=format_datetime(local_time(theirs.updated_at)), count=len(diffs)),
        icon=":material/call_split:",
    )
    keys = {diff.key: f"c|{d['id']}|{theirs.revision}|{diff.key}" for diff in diffs}
    left, right, _ = st.columns([1, 1, 2])
    if left.button(tr("ui_conflict_all_mine"), key="c|all_mine"):
        for key in keys.values():
            st.session_state[key] = "mine"
    if right.button(tr("ui_conflict_all_theirs"), key="c|all_theirs"):
        for key in keys.values():
            st.session_state[key] = "theirs"
    choices = {"mine": tr("ui_conflict_mine"), "theirs": tr("ui_conflict_theirs", who=who)}
    for diff in diffs:
        with st.container(border=True):
            st.markdown(f"**{plain(_label(framework, diff))}**")
            mine_col, theirs_col = st.columns(2)
            with mine_col:
                st.caption(choices["mine"])
                st.text(_shown(framework, diff, diff.mine))
            with theirs_col:
                st.caption(choices["theirs"])
                st.text(_shown(framework, diff, diff.theirs))
            st.radio(
                tr("ui_conflict_keep"),
                list(choices),
                index=None,
                key=keys[diff.key],
                horizontal=True,
                format_func=choices.__getitem__,
            )
    open_choices = [k for k in keys.values() if st.session_state.get(k) is None]
    if open_choices:
        st.caption(tr("ui_conflict_open", count=len(open_choices)))
    if st.button(tr("ui_conflict_apply"), type="primary", disabled=bool(open_choices), key="c|apply"):
        take_mine = {diff.key for diff in diffs if st.session_state.get(keys[diff.key]) == "mine"}
        if not take_mine:
            state.open_record(theirs, step=step_id)
        else:
            merged = drafting.merge(d["data"], their_data, diffs, take_mine)
            try:
                record = store().save(
                    state.record_id(d["id"]),
                    drafting.assessment_from_data(merged),
                    state.actor(),
                    based_on=theirs.revision,
                )
            except ConflictError:
                st.rerun()  # yet another save came in: show the new differences
            state.open_record(record, step=step_id)
        st.toast(tr("ui_conflict_done"), icon=":material/check:")
        st.rerun()
