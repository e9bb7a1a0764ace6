"""The general data of an assessment (title, IPCEI, ecosystem ...) as form fields, with messages beside them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from framework.i18n import format_eur
from framework.models import Framework
from ui.i18n import lang, tr
from ui.text import plain


def fields(
    framework: Framework,
    key: Callable[[str], str],
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    disabled: bool = False,
) -> None:
    """Draw the metadata fields; ``key(name)`` gives each widget's key, ``values`` their first values."""
    for name, value in values.items():
        st.session_state.setdefault(key(name), value)
    ecosystems = {e.id: e.label(lang()) for e in framework.ecosystems}
    phases = {p.id: p.label(lang()) for p in framework.phases}
    states = {m.id: m.label(lang()) for m in framework.member_states}
    left, right = st.columns(2, gap="large")
    with left:
        st.text_input(
            tr("ui_meta_title") + " *",
            key=key("title"),
            disabled=disabled,
            max_chars=200,
            placeholder=tr("ui_ph_meta_title"),
        )
        _error(errors, "title")
        st.text_input(
            tr("ui_meta_ipcei") + " *",
            key=key("ipcei"),
            disabled=disabled,
            max_chars=200,
            placeholder=tr("ui_ph_ipcei"),
        )
        _error(errors, "ipcei")
        st.selectbox(
            tr("ui_meta_ecosystem") + " *",
            list(ecosystems),
            index=None,
            key=key("ecosystem"),
            disabled=disabled,
            format_func=ecosystems.__getitem__,
            placeholder=tr("ui_ph_ecosystem"),
            help=tr("ui_help_ecosystem"),
        )
        _error(errors, "ecosystem")
        st.selectbox(
            tr("ui_meta_phase") + " *",
            list(phases),
            index=None,
            key=key("phase"),
            disabled=disabled,
            format_func=phases.__getitem__,
            placeholder=tr("ui_ph_phase"),
        )
        _error(errors, "phase")
        st.multiselect(
            tr("ui_meta_member_states"),
            list(states),
            key=key("member_states"),
            disabled=disabled,
            format_func=states.__getitem__,
            placeholder=tr("ui_ph_member_states"),
            help=tr("ui_help_member_states"),
            select_all=False,  # Streamlit's «Select all» is English only
        )
        _error(errors, "member_states")
    with right:
        st.text_input(
            tr("ui_meta_case_number"),
            key=key("case_number"),
            disabled=disabled,
            max_chars=300,
            placeholder=tr("ui_ph_case"),
        )
        _error(errors, "case_number")
        st.text_input(
            tr("phases_dossier"),
            key=key("dossier"),
            disabled=disabled,
            max_chars=200,
            placeholder=tr("phases_dossier_placeholder"),
            help=tr("phases_dossier_help"),
        )
        _error(errors, "dossier")
        st.text_input(
            tr("ui_meta_ministry"),
            key=key("ministry"),
            disabled=disabled,
            max_chars=300,
            placeholder=tr("ui_ph_ministry"),
        )
        _error(errors, "ministry")
        st.text_input(
            tr("ui_meta_department"),
            key=key("department"),
            disabled=disabled,
            max_chars=300,
            placeholder=tr("ui_ph_department"),
        )
        _error(errors, "department")
        st.number_input(  # no min/max: Streamlit's range error is English; Meta checks the range, in Dutch
            tr("ui_meta_budget"),
            step=1_000_000,
            value=None,
            key=key("national_budget_eur"),
            disabled=disabled,
            format="%d",
            placeholder=tr("ui_ph_amount"),
            help=tr("ui_help_budget"),
        )
        budget = st.session_state.get(key("national_budget_eur"))
        if budget is not None:
            st.caption(format_eur(int(budget), lang()))
        _error(errors, "national_budget_eur")
        st.text_input(
            tr("ui_meta_author") + " *",
            key=key("author"),
            disabled=disabled,
            max_chars=120,
            placeholder=tr("ui_ph_author"),
        )
        _error(errors, "author")
    _format2_fields(framework, key, errors, disabled, ecosystems, states)


def _format2_fields(
    framework: Framework,
    key: Callable[[str], str],
    errors: dict[str, str],
    disabled: bool,
    ecosystems: dict[str, str],
    states: dict[str, str],
) -> None:
    """The metadata that format /2 added: budget «onbekend», coordinator, fewer than four, peildatum, ecosystems."""
    left, right = st.columns(2, gap="large")
    with left:
        st.selectbox(
            tr("format_meta_coordinator"),
            list(states),
            index=None,
            key=key("coordinator"),
            disabled=disabled,
            format_func=states.__getitem__,
            placeholder=tr("format_ph_coordinator"),
            help=tr("format_help_coordinator"),
        )
        _error(errors, "coordinator")
        st.text_area(
            tr("format_meta_few_member_states_reason"),
            key=key("few_member_states_reason"),
            disabled=disabled,
            max_chars=2000,
            height=100,
            placeholder=tr("ui_ph_text"),
            help=tr("format_help_few_member_states_reason"),
        )
        _error(errors, "few_member_states_reason")
        st.multiselect(
            tr("format_meta_secondary_ecosystems"),
            list(ecosystems),
            key=key("secondary_ecosystems"),
            disabled=disabled,
            format_func=ecosystems.__getitem__,
            placeholder=tr("format_ph_secondary_ecosystems"),
        )
        _error(errors, "secondary_ecosystems")
    with right:
        st.date_input(
            tr("format_meta_reference_date"),
            value=None,
            key=key("reference_date"),
            disabled=disabled,
            format="DD-MM-YYYY",
            help=tr("format_help_reference_date"),
        )
        _error(errors, "reference_date")
        st.text_input(
            tr("format_meta_budget_unknown"),
            key=key("national_budget_unknown"),
            disabled=disabled,
            max_chars=500,
            placeholder=tr("ui_ph_text"),
            help=tr("format_unknown_reason_help"),
        )
        _error(errors, "national_budget_unknown")


def _error(errors: dict[str, str], name: str) -> None:
    if name in errors:
        st.markdown(f":red[:material/error: {plain(errors[name])}]")


def values_of(meta: dict[str, Any]) -> dict[str, Any]:
    """The form values of stored metadata (a dict)."""
    return {
        "title": meta.get("title", ""),
        "ipcei": meta.get("ipcei", ""),
        "ecosystem": meta.get("ecosystem") or None,
        "phase": meta.get("phase") or None,
        "member_states": list(meta.get("member_states") or []),
        "case_number": meta.get("case_number", ""),
        "ministry": meta.get("ministry", ""),
        "department": meta.get("department", ""),
        "national_budget_eur": meta.get("national_budget_eur"),
        "author": meta.get("author", ""),
        "national_budget_unknown": meta.get("national_budget_unknown", ""),
        "coordinator": meta.get("coordinator") or None,
        "few_member_states_reason": meta.get("few_member_states_reason", ""),
        "reference_date": _date(meta.get("reference_date")),
        "secondary_ecosystems": list(meta.get("secondary_ecosystems") or []),
        "dossier": meta.get("dossier", ""),
    }


def _date(value: Any) -> date | None:
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return value if isinstance(value, date) else None
