"""Someone else saved the assessment meanwhile: a three-way merge against the revision both started from.

A field only one side changed takes that side's value without asking; a field both changed differently shows the
common base, my version and theirs, and the user chooses per field. The merge itself is
:mod:`framework.merge`; this module only draws it. Every store call goes through :mod:`ui.guard`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from framework import draft as drafting
from framework import keyfigures, merge, workflow
from framework.errors import ConflictError, IpceiError
from framework.gates import GateError
from framework.i18n import format_datetime
from framework.models import Framework
from ui import guard, identity, state
from ui.i18n import lang, tr
from ui.text import local_time, plain

FLASH = "conflict_flash"
FORMAT2_META = {
    "national_budget_unknown": "format_meta_budget_unknown",
    "coordinator": "format_meta_coordinator",
    "few_member_states_reason": "format_meta_few_member_states_reason",
    "reference_date": "format_meta_reference_date",
    "secondary_ecosystems": "format_meta_secondary_ecosystems",
    "dossier": "phases_dossier",
}
MARK_LABELS = {"qualifier": "format_qualifier", "unknown": "format_unknown", "none": "format_none_checkbox"}


def _label(framework: Framework, change: merge.FieldChange) -> str:
    if change.question == "meta":
        if change.field in FORMAT2_META:
            return tr(FORMAT2_META[change.field])
        return tr("ui_meta_" + ("budget" if change.field == "national_budget_eur" else change.field))
    if change.question == merge.FIGURES:
        return f"{tr('phases_kf_title')} · {keyfigures.label(change.field, lang())}"
    if change.question == merge.REGISTER:
        return tr("evidence_annex_title")
    if change.question == merge.CITATIONS:
        cited = framework.question(change.field)
        return f"{cited.number}. {cited.title(lang())} · {tr('evidence_cited_by')}" if cited else change.key
    field_id, _, kind = change.field.partition("|")  # a format /2 mark is «field|kind»
    question = framework.question(change.question)
    answer_field = question.field(field_id) if question else None
    if question is None or answer_field is None:
        return change.key
    label = f"{question.number}. {question.title(lang())} · {answer_field.label(lang())}"
    return f"{label} · {tr(MARK_LABELS[kind])}" if kind in MARK_LABELS else label


def _shown(framework: Framework, change: merge.FieldChange, value: Any) -> str:
    if change.question == "meta":
        text = drafting.display_meta(framework, change.field, value, lang())
    elif change.question == merge.FIGURES:
        text = keyfigures.display(change.field, value, lang())
    elif change.question == merge.REGISTER:
        text = ", ".join(f"[{e.get('id', '')}] {e.get('title', '')}" for e in value or [])
    elif change.question == merge.CITATIONS:
        text = ", ".join(f"[{cited}]" for cited in value or [])
    elif "|" in change.field:
        text = tr("format_none") if value is True else ("" if value is False else str(value or ""))
    else:
        question = framework.question(change.question)
        text = drafting.display_value(question.field(change.field) if question else None, value, lang())
    return text or tr("ui_empty_value")


def flash() -> None:
    """The outcome of an automatic merge, shown once on the page after it."""
    if text := st.session_state.pop(FLASH, None):
        st.info(text, icon=":material/merge:")


def _save(d: dict[str, Any], merged: dict[str, Any], theirs: Any, step_id: str) -> str:
    """Save the merged data on top of their revision (through the workflow's gates): 'saved', 'conflict' (another
    save came in), 'down' (the guard said why) or 'refused' (no stated person, or the role or status forbids it)."""
    who = identity.actor()
    if who is None:
        st.error(tr("gate_no_actor"), icon=":material/badge:")
        return "refused"
    assessment = drafting.assessment_from_data(merged)
    try:
        record = guard.use(
            lambda s: workflow.save(s, state.record_id(d["id"]), assessment, who, based_on=theirs.revision)
        )
    except ConflictError:
        return "conflict"  # yet another save came in: the next run shows the new differences
    except IpceiError as exc:  # the role or the status forbids the edit now
        text = exc.message(lang()) if isinstance(exc, GateError) else str(exc)
        st.error(tr("ui_save_failed", detail=plain(text)), icon=":material/error:")
        return "refused"
    if record is None:
        return "down"  # the guard showed why; the choices and the draft stay
    state.open_record(record, step=step_id)
    return "saved"


def render(d: dict[str, Any], framework: Framework, step_id: str) -> None:
    """Draw the conflict between the draft and the latest stored version, and resolve it on request."""
    theirs = guard.use(lambda s: s.get(state.record_id(d["id"])))
    base = guard.use(lambda s: s.revision(state.record_id(d["id"]), d["revision"]))
    if theirs is None or base is None:  # the database is down: the guard said so; the draft stays as it is
        return
    their_data = theirs.assessment.model_dump(mode="json")
    found = merge.changes(framework, base.model_dump(mode="json"), d["data"], their_data)
    choose = merge.to_choose(found)
    who = plain(getattr(theirs, "updated_by", "") or "?")
    if not choose:  # nothing both changed: each side's own changes are kept without asking
        mine_only = [c for c in found if c.side is merge.Side.MINE]
        if not mine_only:  # their save already says everything ours did
            state.open_record(theirs, step=step_id)
        elif (outcome := _save(d, merge.merge(their_data, found, set()), theirs, step_id)) != "saved":
            if outcome in ("down", "refused"):
                return
            st.rerun()
        st.session_state[FLASH] = tr(
            "robust_merged_auto",
            who=who,
            mine=len(mine_only),
            theirs=sum(1 for c in found if c.side is merge.Side.THEIRS),
        )
        st.rerun()
    st.warning(
        tr("ui_conflict_intro", who=who, when=format_datetime(local_time(theirs.updated_at)), count=len(choose)),
        icon=":material/call_split:",
    )
    taken = [_label(framework, c) for c in found if c.side is merge.Side.MINE]
    kept = [_label(framework, c) for c in found if c.side is merge.Side.THEIRS]
    if taken:
        st.caption(tr("robust_merge_taken_mine", fields=plain("; ".join(taken))))
    if kept:
        st.caption(tr("robust_merge_kept_theirs", who=who, fields=plain("; ".join(kept))))
    keys = {c.key: f"c|{d['id']}|{theirs.revision}|{c.key}" for c in choose}
    left, right, _ = st.columns([1, 1, 2])
    if left.button(tr("ui_conflict_all_mine"), key="c|all_mine", help=tr("robust_merge_all_help")):
        for key in keys.values():  # only the fields both changed: the others are decided already
            st.session_state[key] = "mine"
    if right.button(tr("ui_conflict_all_theirs"), key="c|all_theirs", help=tr("robust_merge_all_help")):
        for key in keys.values():
            st.session_state[key] = "theirs"
    choices = {"mine": tr("ui_conflict_mine"), "theirs": tr("ui_conflict_theirs", who=who)}
    for change in choose:
        with st.container(border=True):
            st.markdown(f"**{plain(_label(framework, change))}**")
            base_col, mine_col, theirs_col = st.columns(3)
            for column, caption, value in (
                (base_col, tr("robust_merge_base", revision=d["revision"]), change.base),
                (mine_col, choices["mine"], change.mine),
                (theirs_col, choices["theirs"], change.theirs),
            ):
                with column:
                    st.caption(caption)
                    st.text(_shown(framework, change, value))
            st.radio(
                tr("ui_conflict_keep"),
                list(choices),
                index=None,
                key=keys[change.key],
                horizontal=True,
                format_func=choices.__getitem__,
            )
    open_choices = [k for k in keys.values() if st.session_state.get(k) is None]
    if open_choices:
        st.caption(tr("ui_conflict_open", count=len(open_choices)))
    if st.button(tr("ui_conflict_apply"), type="primary", disabled=bool(open_choices), key="c|apply"):
        take_mine = {c.key for c in choose if st.session_state.get(keys[c.key]) == "mine"}
        merged = merge.merge(their_data, found, take_mine)
        if merged == their_data:
            state.open_record(theirs, step=step_id)
        elif (outcome := _save(d, merged, theirs, step_id)) != "saved":
            if outcome in ("down", "refused"):
                return
            st.rerun()
        st.toast(tr("ui_conflict_done"), icon=":material/check:")
        st.rerun()
