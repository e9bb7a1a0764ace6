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
from ui.widgets import shown, shown_index, shown_list, shown_number, shown_text


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
        _text(key, errors, disabled, "title", tr("ui_meta_title") + " *", tr("ui_ph_meta_title"), max_chars=200)
        _text(key, errors, disabled, "ipcei", tr("ui_meta_ipcei") + " *", tr("ui_ph_ipcei"), max_chars=200)
        _choice(
            key,
            errors,
            disabled,
            "ecosystem",
            tr("ui_meta_ecosystem") + " *",
            ecosystems,
            tr("ui_ph_ecosystem"),
            help=tr("ui_help_ecosystem"),
        )
        _choice(key, errors, disabled, "phase", tr("ui_meta_phase") + " *", phases, tr("ui_ph_phase"))
        _choices(
            key,
            errors,
            disabled,
            "member_states",
            tr("ui_meta_member_states"),
            states,
            tr("ui_ph_member_states"),
            help=tr("ui_help_member_states"),
        )
    with right:
        _text(key, errors, disabled, "case_number", tr("ui_meta_case_number"), tr("ui_ph_case"), max_chars=300)
        _text(
            key,
            errors,
            disabled,
            "dossier",
            tr("phases_dossier"),
            tr("phases_dossier_placeholder"),
            max_chars=200,
            help=tr("phases_dossier_help"),
        )
        _text(key, errors, disabled, "ministry", tr("ui_meta_ministry"), tr("ui_ph_ministry"), max_chars=300)
        _text(key, errors, disabled, "department", tr("ui_meta_department"), tr("ui_ph_department"), max_chars=300)
        st.number_input(  # no min/max: Streamlit's range error is English; Meta checks the range, in Dutch
            tr("ui_meta_budget"),
            step=1_000_000,
            value=shown_number(key("national_budget_eur")),
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
        _text(key, errors, disabled, "author", tr("ui_meta_author") + " *", tr("ui_ph_author"), max_chars=120)
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
        _choice(
            key,
            errors,
            disabled,
            "coordinator",
            tr("format_meta_coordinator"),
            states,
            tr("format_ph_coordinator"),
            help=tr("format_help_coordinator"),
        )
        st.text_area(
            tr("format_meta_few_member_states_reason"),
            value=shown_text(key("few_member_states_reason")),
            key=key("few_member_states_reason"),
            disabled=disabled,
            max_chars=2000,
            height=100,
            placeholder=tr("ui_ph_text"),
            help=tr("format_help_few_member_states_reason"),
        )
        _error(errors, "few_member_states_reason")
        _choices(
            key,
            errors,
            disabled,
            "secondary_ecosystems",
            tr("format_meta_secondary_ecosystems"),
            ecosystems,
            tr("format_ph_secondary_ecosystems"),
        )
    with right:
        st.date_input(
            tr("format_meta_reference_date"),
            value=shown(key("reference_date")),
            key=key("reference_date"),
            disabled=disabled,
            format="DD-MM-YYYY",
            help=tr("format_help_reference_date"),
        )
        _error(errors, "reference_date")
        _text(
            key,
            errors,
            disabled,
            "national_budget_unknown",
            tr("format_meta_budget_unknown"),
            tr("ui_ph_text"),
            max_chars=500,
            help=tr("format_unknown_reason_help"),
        )


def _text(
    key: Callable[[str], str],
    errors: dict[str, str],
    disabled: bool,
    name: str,
    label: str,
    placeholder: str,
    *,
    max_chars: int,
    help: str | None = None,
) -> None:
    """One text field of the metadata, with its message below it."""
    st.text_input(
        label,
        value=shown_text(key(name)),
        key=key(name),
        disabled=disabled,
        max_chars=max_chars,
        placeholder=placeholder,
        help=help,
    )
    _error(errors, name)


def _choice(
    key: Callable[[str], str],
    errors: dict[str, str],
    disabled: bool,
    name: str,
    label: str,
    options: dict[str, str],
    placeholder: str,
    *,
    help: str | None = None,
    several: bool = False,
) -> None:
    """A choice of the metadata (id to label; none chosen at first), or ``several`` of them, with its message below."""
    common = {"key": key(name), "disabled": disabled, "format_func": options.__getitem__, "placeholder": placeholder}
    if several:  # Streamlit's «Select all» is English only
        chosen = shown_list(list(options), key(name))
        st.multiselect(label, list(options), default=chosen, help=help, select_all=False, **common)
    else:
        st.selectbox(label, list(options), index=shown_index(list(options), key(name)), help=help, **common)
    _error(errors, name)


def _choices(*args: Any, **kwargs: Any) -> None:
    """Several choices of the metadata (see :func:`_choice`)."""
    _choice(*args, several=True, **kwargs)


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
