"""The number, integer and date answer fields: how they are checked, typed into a form and shown.

* ``number``: decimals (a percentage, a ratio), optional ``min``, ``max``, ``step`` and ``unit`` («%», «fte»);
  shown the Dutch way (``62,5%``, ``1.250,75 fte``) or the English way (``62.5%``).
* ``integer``: a whole number with the same options.
* ``date``: a calendar date, ISO (``2026-03-31``) in the file, ``31-03-2026`` on screen and in the PDF; a date
  that does not exist (``31-02-2026``, ``ooit``) is refused.

An amount stays whole euros (``framework.i18n.format_eur``); a number never gets a euro sign.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, Strict, StrictInt, WithJsonSchema

from framework.models import AnswerField, FieldType
from framework.operators import iso_date

TYPES = frozenset({FieldType.NUMBER, FieldType.INTEGER, FieldType.DATE})
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2199, 12, 31)


def _real_date(value: Any) -> str:
    if isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"a date is written as YYYY-MM-DD, not {value!r}")
    found = iso_date(value)
    if found is None:
        raise ValueError(f"{value!r} is not a date that exists (write it as YYYY-MM-DD, e.g. 2026-03-31)")
    if not DATE_MIN <= found <= DATE_MAX:
        raise ValueError(f"{value} lies outside {DATE_MIN.year}-{DATE_MAX.year}")
    return value


DateText = Annotated[
    str,
    BeforeValidator(_real_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]


def annotation(answer_field: AnswerField) -> Any:
    """The pydantic type of an answer of this field (``framework.assessment.answer_model``)."""
    bounds = {"ge": answer_field.min, "le": answer_field.max}
    bounds = {k: v for k, v in bounds.items() if v is not None}
    match answer_field.type:
        case FieldType.NUMBER:
            return Annotated[float, Strict(), Field(allow_inf_nan=False, **bounds)]
        case FieldType.INTEGER:
            return Annotated[StrictInt, Field(**bounds)]
        case FieldType.DATE:
            return DateText
    raise AssertionError(answer_field.type)  # pragma: no cover


def format_number(value: float | int, lang: str, unit: str | None = None) -> str:
    """``1.250,5`` (nl) or ``1,250.5`` (en), no trailing zeros; ``%`` follows at once, another unit after a space."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    if lang != "en":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if unit:
        text += unit if unit == "%" else f" {unit}"
    return text


def format_day(value: str | date, lang: str = "nl") -> str:
    """DD-MM-YYYY (the ministry's convention in both languages)."""
    found = iso_date(value)
    return found.strftime("%d-%m-%Y") if found else str(value)


def show(answer_field: AnswerField, value: Any, lang: str) -> str:
    """An answer of a number, integer or date field as text for reading."""
    if answer_field.type == FieldType.DATE:
        return format_day(value, lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, lang, answer_field.unit)
    return str(value)


def to_form(answer_field: AnswerField, value: Any) -> Any:
    """The stored answer as the widget's value (a ``date`` for the date widget, a float for a number)."""
    if value is None or value == "":
        return None
    if answer_field.type == FieldType.DATE:
        return iso_date(value)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return int(value) if answer_field.type == FieldType.INTEGER else float(value)


def from_form(answer_field: AnswerField, raw: Any) -> Any:
    """The widget's value as a stored answer; None where nothing (or nothing valid) was given."""
    if raw is None or raw == "":
        return None
    if answer_field.type == FieldType.DATE:
        found = iso_date(raw)
        return found.isoformat() if found else None
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return None
    if answer_field.min is not None:
        number = max(number, answer_field.min)
    if answer_field.max is not None:
        number = min(number, answer_field.max)
    if answer_field.type == FieldType.INTEGER:
        return round(number)
    return number


def label(answer_field: AnswerField, lang: str) -> str:
    """The field's label with its unit: «Aandeel Nederlandse deelnemers (%)»."""
    text = answer_field.label(lang)
    return f"{text} ({answer_field.unit})" if answer_field.unit else text
