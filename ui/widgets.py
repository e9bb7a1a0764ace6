"""One widget per answer field, chosen by the field's type in the framework (never by its id).

Each widget has a stable key per assessment, question and field; its first value comes from the draft, and
:func:`ui.state.absorb` copies what the user does back into the draft. Every placeholder is ours, so that
Streamlit's English defaults never show.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from framework import draft as drafting
from framework import fieldtypes, marks
from framework.assessment import QUALIFIER_MAX
from framework.i18n import format_eur
from framework.models import AnswerField, FieldType, Question
from ui import state
from ui.i18n import lang, tr
from ui.text import plain

_SHORT_LABEL = 22  # options shorter than this, and few of them, are shown side by side


def shown(key: str) -> Any:
    """The value a keyed widget holds on the server, given to the widget as its default.

    Streamlit sends a seeded value (``st.session_state[key] = ...``) to the browser only with the run that seeds
    it. When that run is cut short by a newer one (a quick second action on a busy server), or the field was drawn
    read-only until a name and a role were stated, the browser can draw the widget afresh without it and show
    the element's default instead. With an empty default the answer looked erased, and the next run took the
    empty field for the user's edit and saved it: an answer lost without a word (found by the load test, one run
    in three on two cores). With the held value as the default, a widget drawn afresh shows what is stored.
    """
    return st.session_state.get(key)


def shown_text(key: str) -> str:
    """:func:`shown` for a text field: the held text, "" when none (a text widget given None returns None)."""
    value = st.session_state.get(key)
    return "" if value is None else str(value)


def shown_number(key: str, cast: type = int) -> Any:
    """:func:`shown` for a number field, as ``cast`` (Streamlit refuses a default of another type than the step)."""
    value = st.session_state.get(key)
    return None if value is None else cast(value)


def shown_index(options: list[Any], key: str) -> int | None:
    """:func:`shown` for a radio or a selectbox: the position of the held choice (None: none chosen)."""
    current = st.session_state.get(key)
    return options.index(current) if current in options else None


def shown_list(options: list[Any], key: str) -> list[Any]:
    """:func:`shown` for a multiselect: the held choices that are still options."""
    current = st.session_state.get(key)
    return [v for v in current if v in options] if isinstance(current, list) else []


def required_label(answer_field: AnswerField) -> str:
    label = answer_field.label(lang())
    return f"{label} *" if answer_field.required else label


def answer_field(d: dict[str, Any], question: Question, answer_field: AnswerField, *, disabled: bool = False) -> None:
    """Draw the widget of one answer field of the draft (read-only when ``disabled``, e.g. signed off).

    Below it, the field's format /2 mark: a qualifier, «onbekend» with a reason, or «geen» (``framework.marks``).
    """
    _answer_widget(d, question, answer_field, disabled=disabled)
    key = state.field_key(d, question.id, answer_field.id)
    for kind in marks.kinds_for(answer_field):
        _mark(d, key, question, answer_field, kind, disabled)


def _mark(
    d: dict[str, Any], key: str, question: Question, answer_field: AnswerField, kind: str, disabled: bool
) -> None:
    mark_key = state.mark_key(key, kind)
    if mark_key not in st.session_state:
        st.session_state[mark_key] = marks.mark_of(d["data"], kind, question.id, answer_field.id)
    if kind == marks.QUALIFIER:
        st.text_input(
            tr("format_qualifier"),
            value=shown_text(mark_key),
            key=mark_key,
            disabled=disabled,
            max_chars=QUALIFIER_MAX,
            help=tr("format_qualifier_help"),
            placeholder=tr("ui_ph_text"),
        )
    elif kind == marks.UNKNOWN:
        st.text_input(
            tr("format_unknown_reason"),
            value=shown_text(mark_key),
            key=mark_key,
            disabled=disabled,
            max_chars=marks.REASON_MAX,
            help=tr("format_unknown_reason_help"),
            placeholder=tr("ui_ph_text"),
        )
        if str(st.session_state.get(mark_key) or "").strip() and st.session_state.get(key) is not None:
            st.caption(f":material/warning: {tr('format_unknown_ignored')}")
    else:
        st.checkbox(
            tr("format_none_checkbox"),
            value=bool(shown(mark_key)),
            key=mark_key,
            disabled=disabled,
            help=tr("format_none_help"),
        )
        if st.session_state.get(mark_key) and str(st.session_state.get(key) or "").strip():
            st.caption(f":material/warning: {tr('format_none_ignored')}")


def _answer_widget(d: dict[str, Any], question: Question, answer_field: AnswerField, *, disabled: bool) -> None:
    key = state.field_key(d, question.id, answer_field.id)
    value = d["data"].get("answers", {}).get(question.id, {}).get(answer_field.id)
    if answer_field.type == FieldType.SOURCES:
        _sources(key, answer_field, value, disabled)
        return
    if key not in st.session_state:
        st.session_state[key] = drafting.to_form(answer_field, value)
    label = required_label(answer_field)
    help_text = answer_field.help(lang()) if answer_field.help else None
    match answer_field.type:
        case FieldType.TEXT:
            _text(key, label, help_text, answer_field, disabled)
            _over(d, question, answer_field)
        case FieldType.LIST:
            _area(key, label, help_text, disabled, tr("ui_ph_list"), 120)
            items = [line for line in str(st.session_state.get(key) or "").splitlines() if line.strip()]
            st.caption(
                tr("ui_list_hint", count=len(items))
                + " · "
                + tr("robust_list_limits", max=answer_field.max_items, item_max=_n(drafting.LIST_ITEM_MAX))
            )
            _over(d, question, answer_field)
        case FieldType.CHOICE | FieldType.SCALE:
            _choice(key, label, help_text, answer_field, disabled)
        case FieldType.MULTICHOICE:
            labels = {o.id: o.label(lang()) for o in answer_field.options}
            st.multiselect(
                label,
                list(labels),
                default=shown_list(list(labels), key),
                key=key,
                disabled=disabled,
                help=help_text,
                format_func=labels.__getitem__,
                placeholder=tr("ui_ph_multi"),
                select_all=False,  # Streamlit's «Select all» is English only
            )
        case FieldType.AMOUNT:
            st.number_input(  # no min/max: Streamlit's range error is English; checked below, in Dutch
                label,
                step=1_000_000,
                value=shown_number(key),
                key=key,
                disabled=disabled,
                help=help_text,
                placeholder=tr("ui_ph_amount"),
                format="%d",
            )
            amount = st.session_state.get(key)
            if amount is not None and drafting.over_limit(answer_field, amount) is None:
                st.caption(format_eur(int(amount), lang()))
            _over(d, question, answer_field)
        case FieldType.NUMBER | FieldType.INTEGER:
            _number(key, answer_field, help_text, disabled)
            _over(d, question, answer_field)
        case FieldType.DATE:
            st.date_input(
                label,
                value=shown(key),
                min_value=fieldtypes.DATE_MIN,
                max_value=fieldtypes.DATE_MAX,
                key=key,
                disabled=disabled,
                help=help_text,
                format="DD-MM-YYYY",
            )


def _number(key: str, answer_field: AnswerField, help_text: str | None, disabled: bool) -> None:
    """A number or integer: its bounds, step and unit from the framework; the value shown as it will print."""
    whole = answer_field.type == FieldType.INTEGER
    cast = int if whole else float
    step = answer_field.step
    st.number_input(  # no min/max: Streamlit's range error is English; the bounds are checked in Dutch (_over)
        fieldtypes.label(answer_field, lang()) + (" *" if answer_field.required else ""),
        step=cast(step) if step is not None else cast(1),
        value=shown_number(key, cast),
        key=key,
        disabled=disabled,
        help=help_text,
        placeholder=tr("versions_ph_number"),
        format="%d" if whole else "%g",
    )
    number = st.session_state.get(key)
    if number is not None and drafting.over_limit(answer_field, number) is None:
        st.caption(fieldtypes.show(answer_field, number, lang()))


def _area(key: str, label: str, help_text: str | None, disabled: bool, placeholder: str, height: int) -> None:
    """An answer's text area, showing what is held (:func:`shown_text`)."""
    st.text_area(
        label,
        value=shown_text(key),
        key=key,
        disabled=disabled,
        help=help_text,
        placeholder=placeholder,
        height=height,
        # no max_chars: Streamlit would cut or refuse a longer paste without a word; the limit is checked below
    )


def _text(key: str, label: str, help_text: str | None, answer_field: AnswerField, disabled: bool) -> None:
    recommended = answer_field.recommended_length
    height = 260 if (recommended or 0) >= 1000 else 140
    _area(key, label, help_text, disabled, tr("ui_ph_text"), height)
    length = len(str(st.session_state.get(key) or ""))
    counter = tr("robust_counter", length=_n(length), max=_n(answer_field.max_length))
    if recommended:
        over = len(str(st.session_state.get(key) or "").strip()) > recommended
        counter += " · " + tr("robust_recommended_over" if over else "robust_recommended", recommended=_n(recommended))
        counter = f":material/warning: {counter}" if over else counter
    st.caption(counter)


def _n(number: int) -> str:
    """A count the Dutch way (30.000), as the counters show it."""
    return format_eur(number, lang()).lstrip("€ ") if lang() == "nl" else f"{number:,}"


def _over(d: dict[str, Any], question: Question, answer_field: AnswerField) -> None:
    """The field's value exceeds its limit: it stays on screen, is not saved, and the message names the limit."""
    over = d.get("over", {}).get(f"{question.id}.{answer_field.id}")
    if over is not None:
        if over.unit.startswith("number_"):  # shown as the value prints: 150%, 12 fte
            shown = (fieldtypes.show(answer_field, v, lang()) for v in (over.length, over.limit))
        else:
            shown = (_n(int(v)) for v in (over.length, over.limit))
        length, limit = shown
        st.error(tr(f"robust_over_{over.unit}", length=length, max=limit), icon=":material/error:")


def _choice(key: str, label: str, help_text: str | None, answer_field: AnswerField, disabled: bool) -> None:
    labels = {o.id: o.label(lang()) for o in answer_field.options}
    captions = [o.description(lang()) if o.description else "" for o in answer_field.options]
    short = all(len(x) <= _SHORT_LABEL for x in labels.values())
    side_by_side = answer_field.type == FieldType.SCALE or (len(labels) <= 5 and short)
    common: dict[str, Any] = {
        "index": shown_index(list(labels), key),
        "key": key,
        "disabled": disabled,
        "help": help_text,
        "format_func": labels.__getitem__,
    }
    if len(labels) <= 5 or answer_field.type == FieldType.SCALE:
        st.radio(
            label,
            list(labels),
            horizontal=side_by_side and not any(captions),
            captions=captions if any(captions) else None,
            **common,
        )
    else:
        st.selectbox(label, list(labels), placeholder=tr("ui_ph_choice"), **common)


def _sources(key: str, answer_field: AnswerField, value: Any, disabled: bool) -> None:
    import pandas as pd

    base = state.base_key(key)
    if key not in st.session_state or base not in st.session_state:
        st.session_state[base] = drafting.to_form(answer_field, value)
    frame = pd.DataFrame(st.session_state[base], columns=list(drafting.SOURCE_COLUMNS))
    st.markdown(f"**{answer_field.label(lang())}**")
    if answer_field.help:
        st.caption(answer_field.help(lang()))
    st.data_editor(
        frame,
        key=key,
        disabled=disabled,
        num_rows="fixed" if disabled else "dynamic",
        hide_index=True,
        width="stretch",
        placeholder="",
        column_config={
            "title": st.column_config.TextColumn(tr("ui_src_title"), max_chars=500, width="large"),
            "reference": st.column_config.TextColumn(tr("ui_src_reference"), max_chars=500, width="medium"),
            "date": st.column_config.TextColumn(
                tr("ui_src_date"),
                help=tr("ui_src_date_help"),
                max_chars=10,
                width="small",
                validate=r"^\s*$|^\d{4}(-\d{2}(-\d{2})?)?$|^\d{1,2}-(\d{1,2}-)?\d{4}$",
            ),
        },
        alt=tr("ui_src_alt"),
    )
    rows = state.apply_editor_edits(st.session_state[base], st.session_state.get(key))
    bad = drafting.unreadable_source_dates(rows)
    if bad:
        st.caption(f":material/warning: {tr('ui_src_bad_date', dates=', '.join(plain(b) for b in bad))}")
    else:
        st.caption(tr("ui_src_hint"))
