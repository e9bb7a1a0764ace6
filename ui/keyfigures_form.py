"""The key figures in the app: a form on the wizard's general step, and a read-only block on the review page.

The form hands its values to :func:`framework.keyfigures.from_form`, which checks the ranges and says per field
what is wrong (in the user's language); only a valid block is put in the draft and saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from framework import keyfigures
from ui import state
from ui.i18n import lang, tr
from ui.text import plain

ERRORS = "kf|errors|{id}"


def _key(d: dict[str, Any], name: str) -> str:
    return f"kf|{d['id']}|{d['gen']}|{name}"


def _current(d: dict[str, Any]) -> dict[str, Any]:
    figures = d["data"].get("key_figures") or {}
    return {name: figures.get(name) for name in keyfigures.NAMES}


def _input(d: dict[str, Any], name: str, value: Any, disabled: bool) -> None:
    label, key = keyfigures.label(name, lang()), _key(d, name)
    if name in keyfigures.DATES:
        shown = date.fromisoformat(value) if isinstance(value, str) and value else None
        st.date_input(
            label,
            value=shown,
            min_value=keyfigures.FIRST_DAY,
            max_value=keyfigures.LAST_DAY,
            format="DD-MM-YYYY",
            key=key,
            disabled=disabled,
        )
    elif name in keyfigures.PERCENTAGES:
        shown = float(value) if value is not None else None
        st.number_input(
            label, value=shown, min_value=0.0, max_value=100.0, step=1.0, format="%g", key=key, disabled=disabled
        )
    else:
        high = keyfigures.MAX_AMOUNT if name in keyfigures.AMOUNTS else keyfigures.MAX_COUNT
        st.number_input(label, value=value, min_value=0, max_value=high, step=1, key=key, disabled=disabled)


def form(d: dict[str, Any], disabled: bool) -> None:
    """The key figures of the open draft, saved with their own button (nothing invalid is stored)."""
    values = _current(d)
    errors: dict[str, str] = st.session_state.get(ERRORS.format(id=d["id"]), {})
    st.subheader(tr("phases_kf_title"))
    st.caption(tr("phases_kf_intro"))
    if errors:
        st.error(tr("phases_kf_has_errors", count=len(errors)), icon=":material/error:")
    with st.form(f"key_figures|{d['id']}", border=True, enter_to_submit=False):
        left, right = st.columns(2)
        for index, name in enumerate(keyfigures.NAMES):
            with left if index % 2 == 0 else right:
                _input(d, name, values[name], disabled)
                if name in errors:
                    st.markdown(f":red[{plain(errors[name])}]")
        saved = st.form_submit_button(tr("phases_kf_save"), icon=":material/save:", disabled=disabled)
    if saved:
        submit(d)


def submit(d: dict[str, Any]) -> None:
    """Check the form's values; a valid block goes into the draft and is saved, else the messages are kept."""
    raw = {name: st.session_state.get(_key(d, name)) for name in keyfigures.NAMES}
    figures, errors = keyfigures.from_form(raw, lang())
    key = ERRORS.format(id=d["id"])
    if figures is None:
        st.session_state[key] = errors
        st.rerun()
    st.session_state.pop(key, None)
    data = None if figures.empty else figures.model_dump(mode="json")
    if d["data"].get("key_figures") != data:
        d["data"]["key_figures"] = data
        d["dirty"] = True
    if state.save() in ("saved", "unchanged"):
        st.toast(tr("phases_kf_saved"), icon=":material/check:")
    st.rerun()


def show(assessment: Any) -> None:
    """The key figures given, on the review page (nothing when none is given)."""
    rows = keyfigures.rows(assessment.key_figures, lang())
    with st.container(border=True, key="key_figures"):
        st.markdown(f"**{tr('phases_kf_title')}**")
        if not rows:
            st.caption(tr("phases_kf_none"))
        for _name, label, value in rows:
            st.markdown(f"{plain(label)}: {plain(value)}")
