"""The draft being edited in the wizard, as a domain without a user interface.

The wizard keeps an assessment as plain JSON-like data while it is being filled in. This module knows the
steps of the wizard (one per question of the framework, after the general data), the state of each step
(empty, started, complete, has findings), how a value typed into a form becomes a stored answer and back,
how metadata from a form is validated with messages per field in nl or en, and the file name of the advice PDF.
Two edits of one assessment are merged by :mod:`framework.merge`.

Nothing here imports Streamlit: the pages in ``views/`` draw what these functions return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from framework import fieldtypes
from framework.assessment import Assessment, FrameworkRef, Meta, is_empty, meta_problems
from framework.i18n import format_date, format_eur, t
from framework.models import AnswerField, FieldType, Framework, Severity, Text
from framework.rules import Check

META_STEP = "meta"

# --- steps -----------------------------------------------------------------------------------------------


class StepState(StrEnum):
    EMPTY = "empty"
    STARTED = "started"
    COMPLETE = "complete"
    FINDINGS = "findings"


@dataclass(frozen=True)
class Step:
    """One step of the wizard: the general data, or one question of the framework."""

    id: str
    group: str  # the part code (A.1 ...), or "" for the general data
    group_title: Text | None
    number: str
    title: Text | None  # None for the general data step (its title is a fixed UI text)

    def label(self, lang: str) -> str:
        if self.title is None:
            return t("ui_step_meta", lang)
        return f"{self.number}. {self.title(lang)}"


def steps(framework: Framework) -> list[Step]:
    """The general data step, then one step per question in the framework's order."""
    found = [Step(META_STEP, "", None, "", None)]
    for part in framework.parts:
        title = part.title
        if part.name is not None:  # a named part: «Economische veiligheid: Is de keten weerbaar?»
            title = Text(nl=f"{part.name.nl}: {part.title.nl}", en=f"{part.name.en}: {part.title.en}")
        for question in part.questions:
            found.append(Step(question.id, part.code, title, question.number, question.title))
    return found


def step_states(framework: Framework, assessment: Assessment, check: Check) -> dict[str, StepState]:
    """The state of every step: findings win over completeness; an untouched question is empty.

    A criterion of the Commission that is not covered is about answers not yet given: like completeness, it does not
    make a question «has findings» (nor an untouched one done).
    """
    from framework.criteria.coverage import is_criterion_finding

    states: dict[str, StepState] = {}
    consistency = {q for f in check.consistency if not is_criterion_finding(f) for q in f.questions}
    incomplete = {q for f in check.completeness for q in f.questions}
    meta_problem = bool(meta_problems(framework, assessment.meta))
    states[META_STEP] = StepState.FINDINGS if meta_problem else StepState.COMPLETE
    for question in framework.questions():
        answers = assessment.answers.get(question.id, {})
        if question.id in consistency:
            states[question.id] = StepState.FINDINGS
        elif all(is_empty(v) for v in answers.values()):
            states[question.id] = StepState.EMPTY
        elif question.id in incomplete:
            states[question.id] = StepState.STARTED
        else:
            states[question.id] = StepState.COMPLETE
    return states


def progress(states: dict[str, StepState]) -> tuple[int, int]:
    """(questions complete or with findings only, questions in all); the general data step does not count."""
    questions = {k: v for k, v in states.items() if k != META_STEP}
    done = sum(1 for v in questions.values() if v in (StepState.COMPLETE, StepState.FINDINGS))
    return done, len(questions)


def questions_with_blocking_findings(check: Check) -> set[str]:
    return {q for f in check.consistency if f.severity == Severity.ERROR for q in f.questions}


# --- values between a form and the assessment ------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_MY = re.compile(r"^(\d{1,2})-(\d{4})$")
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SOURCE_COLUMNS = ("title", "reference", "date")


def iso_partial_date(text: str) -> str | None:
    """A source date as typed (DD-MM-YYYY, MM-YYYY, YYYY or ISO) as the stored ISO form; None if unreadable."""
    text = (text or "").strip()
    if not text:
        return ""
    if _ISO.match(text):
        return text
    if m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    if m := _MY.match(text):
        month, year = int(m[1]), int(m[2])
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    return None


def display_partial_date(iso: str) -> str:
    """The stored ISO date of a source the Dutch way: DD-MM-YYYY, MM-YYYY or YYYY."""
    parts = (iso or "").split("-")
    return "-".join(reversed(parts)) if iso else ""


def to_form(answer_field: AnswerField, value: Any) -> Any:
    """A stored answer as the value its form widget shows."""
    if answer_field.type in fieldtypes.TYPES:
        return fieldtypes.to_form(answer_field, value)
    match answer_field.type:
        case FieldType.TEXT:
            return value or ""
        case FieldType.LIST:
            return "\n".join(value or [])
        case FieldType.MULTICHOICE:
            return list(value or [])
        case FieldType.SOURCES:
            return [
                {
                    "title": s.get("title", ""),
                    "reference": s.get("reference", ""),
                    "date": display_partial_date(s.get("date", "")),
                }
                for s in value or []
            ]
        case _:
            return value


LIST_ITEM_MAX = 1000
AMOUNT_MAX = 1_000_000_000_000  # whole euros


@dataclass(frozen=True)
class OverLimit:
    """A form value longer than its field allows: it is not taken (never cut), and the message names the limit."""

    length: float  # characters (text, or the longest item), items (list), or the value (amount, number)
    limit: float
    unit: str  # "chars", "items", "item_chars", "amount_min", "amount_max", "number_min" or "number_max"


def over_limit(answer_field: AnswerField, raw: Any) -> OverLimit | None:
    """Whether a form value exceeds the field's limit (text length, number of list items, length of an item)."""
    if answer_field.type == FieldType.TEXT:
        length = len(str(raw or ""))
        return OverLimit(length, answer_field.max_length, "chars") if length > answer_field.max_length else None
    if answer_field.type == FieldType.LIST:
        items = [line.strip() for line in str(raw or "").splitlines() if line.strip()]
        if len(items) > answer_field.max_items:
            return OverLimit(len(items), answer_field.max_items, "items")
        longest = max((len(i) for i in items), default=0)
        return OverLimit(longest, LIST_ITEM_MAX, "item_chars") if longest > LIST_ITEM_MAX else None
    if answer_field.type == FieldType.AMOUNT and raw is not None and raw != "":
        amount = int(raw)
        if amount < 0:
            return OverLimit(amount, 0, "amount_min")
        if amount > AMOUNT_MAX:
            return OverLimit(amount, AMOUNT_MAX, "amount_max")
    if answer_field.type in (FieldType.NUMBER, FieldType.INTEGER) and raw is not None and raw != "":
        value = float(raw)  # the widget has no range (Streamlit's range error is English): the bounds are here
        if answer_field.min is not None and value < answer_field.min:
            return OverLimit(value, answer_field.min, "number_min")
        if answer_field.max is not None and value > answer_field.max:
            return OverLimit(value, answer_field.max, "number_max")
    return None


def from_form(answer_field: AnswerField, raw: Any) -> Any:
    """A form widget's value as a stored answer; None where nothing was given."""
    if answer_field.type in fieldtypes.TYPES:
        return fieldtypes.from_form(answer_field, raw)
    match answer_field.type:
        case FieldType.TEXT:
            text = "" if raw is None else str(raw)[: answer_field.max_length]
            return text if text.strip() else None
        case FieldType.LIST:
            items = [line.strip() for line in str(raw or "").splitlines() if line.strip()]
            return [i[:LIST_ITEM_MAX] for i in items[: answer_field.max_items]] or None
        case FieldType.MULTICHOICE:
            known = [o.id for o in answer_field.options]
            return [o for o in known if o in (raw or [])] or None
        case FieldType.CHOICE | FieldType.SCALE:
            return raw if answer_field.option(str(raw)) else None
        case FieldType.AMOUNT:
            if raw is None or raw == "":
                return None
            return int(raw)  # the range is checked by over_limit first: never clamped silently
        case FieldType.SOURCES:
            return sources_from_rows(raw or [])[: answer_field.max_items] or None
    return raw  # pragma: no cover


def sources_from_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Rows of the sources table as stored sources; a row without a title takes its reference as title."""
    found = []
    for row in rows:
        cells = {c: str(row.get(c) or "").strip() for c in SOURCE_COLUMNS}
        if not any(cells.values()):
            continue
        title = cells["title"] or cells["reference"] or cells["date"]
        iso = iso_partial_date(cells["date"])
        found.append({"title": title[:500], "reference": cells["reference"][:500], "date": iso or ""})
    return found


def unreadable_source_dates(rows: list[dict[str, Any]]) -> list[str]:
    return [str(r.get("date")) for r in rows if r.get("date") and iso_partial_date(str(r.get("date"))) is None]


def set_answer(data: dict[str, Any], question_id: str, field_id: str, value: Any) -> bool:
    """Put one answer into assessment data (a dict); an empty value removes it. Returns whether it changed."""
    answers = data.setdefault("answers", {})
    current = answers.get(question_id, {}).get(field_id)
    if is_empty(value):
        value = None
    if current == value:
        return False
    if value is None:
        answers.get(question_id, {}).pop(field_id, None)
        if question_id in answers and not answers[question_id]:
            del answers[question_id]
    else:
        answers.setdefault(question_id, {})[field_id] = value
    return True


# --- metadata from a form --------------------------------------------------------------------------------

META_FORM_FIELDS = (
    "title",
    "ipcei",
    "ecosystem",
    "phase",
    "case_number",
    "ministry",
    "department",
    "member_states",
    "national_budget_eur",
    "author",
    # format /2
    "national_budget_unknown",
    "coordinator",
    "few_member_states_reason",
    "reference_date",
    "secondary_ecosystems",
    "dossier",
)

_ERROR_TEXTS = {
    "missing": "ui_err_required",
    "string_too_short": "ui_err_too_short",
    "string_too_long": "ui_err_too_long",
    "too_long": "ui_err_too_many",
    "greater_than_equal": "ui_err_negative",
    "less_than_equal": "ui_err_too_large",
    "int_type": "ui_err_whole_number",
    "int_parsing": "ui_err_whole_number",
}


def meta_from_form(
    values: dict[str, Any], framework: Framework, lang: str, base: Meta | None = None
) -> tuple[Meta | None, dict[str, str]]:
    """Validate the metadata form; returns the metadata or, per form field, a message in ``lang``.

    Args:
        values: the form's values by field name (see ``META_FORM_FIELDS``).
        framework: gives the lists that ecosystem, phase and member states must come from.
        lang: the language of the messages.
        base: the metadata being edited (keeps creation date, status and the rest); new when omitted.
    """
    data = base.model_dump() if base else {"created": date.today(), "language": lang}
    for name in META_FORM_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = value.strip()
        if name in ("ecosystem", "phase") and value is None:
            value = ""
        if name in ("member_states", "secondary_ecosystems"):
            value = list(value or [])
        if name == "coordinator" and value is None:
            value = ""
        data[name] = value
    errors: dict[str, str] = {}
    for name in ("title", "ipcei", "author"):
        if not data.get(name):
            errors[name] = t("ui_err_required", lang)
    for name in ("ecosystem", "phase"):
        if not data.get(name):
            errors[name] = t("ui_err_choose", lang)
    try:
        meta = Meta.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            if not error["loc"]:  # the one check across two fields: an amount and «onbekend» both given
                errors.setdefault("national_budget_unknown", t("format_err_budget_both", lang))
                continue
            name = str(error["loc"][0])
            if name in errors:
                continue
            key = _ERROR_TEXTS.get(error["type"])
            ctx = error.get("ctx") or {}
            if key:
                params = {k: ctx[k] for k in ("min_length", "max_length", "le") if k in ctx}
                errors[name] = t(key, lang, **{k: _number(v, lang) for k, v in params.items()})
            else:
                errors[name] = t("ui_err_invalid", lang, detail=error["msg"])
        return None, errors
    for path, _message in meta_problems(framework, meta):
        name = str(path[1])
        errors.setdefault(name, t("format_err_coordinator" if name == "coordinator" else "ui_err_not_in_list", lang))
    if errors:
        return None, errors
    return meta, {}


def _number(value: Any, lang: str) -> str:
    return format_eur(value, lang).lstrip("€ ") if isinstance(value, int) else str(value)


def new_assessment(framework: Framework, meta: Meta) -> Assessment:
    return Assessment(framework=FrameworkRef(id=framework.id, version=framework.version), meta=meta, answers={})


def assessment_from_data(data: dict[str, Any]) -> Assessment:
    """The draft data as an assessment (the data was built by this module, so it validates)."""
    return Assessment.model_validate(data)


# --- showing values as text ------------------------------------------------------------------------------


def display_value(answer_field: AnswerField | None, value: Any, lang: str) -> str:
    """An answer as plain text for reading (review page, conflicts); '' for nothing."""
    if is_empty(value):
        return ""
    if answer_field is None:
        return str(value)
    if answer_field.type in fieldtypes.TYPES:
        return fieldtypes.show(answer_field, value, lang)
    match answer_field.type:
        case FieldType.CHOICE | FieldType.SCALE:
            option = answer_field.option(str(value))
            return option.label(lang) if option else str(value)
        case FieldType.MULTICHOICE:
            labels = []
            for v in value:
                option = answer_field.option(v)
                labels.append(option.label(lang) if option else str(v))
            return ", ".join(labels)
        case FieldType.LIST:
            return "\n".join(f"• {item}" for item in value)
        case FieldType.SOURCES:
            lines = []
            for s in value:
                extra = ", ".join(x for x in (s.get("reference", ""), display_partial_date(s.get("date", ""))) if x)
                lines.append(f"• {s.get('title', '')}" + (f" ({extra})" if extra else ""))
            return "\n".join(lines)
        case FieldType.AMOUNT:
            return format_eur(value, lang)
    return str(value)


def display_meta(framework: Framework, name: str, value: Any, lang: str) -> str:
    if is_empty(value):
        return ""
    if name == "ecosystem":
        return framework.label("ecosystems", value, lang)
    if name == "phase":
        return framework.label("phases", value, lang)
    if name == "member_states":
        return ", ".join(framework.label("member_states", v, lang) for v in value)
    if name == "coordinator":
        return framework.label("member_states", value, lang)
    if name == "secondary_ecosystems":
        return ", ".join(framework.label("ecosystems", v, lang) for v in value)
    if name == "reference_date":
        return format_date(value, lang)
    if name == "national_budget_eur":
        return format_eur(value, lang)
    if name in ("created", "updated"):
        return format_date(value, lang)
    return str(value)


# --- the advice file -------------------------------------------------------------------------------------
