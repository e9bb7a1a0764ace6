"""What format /2 keeps beside an answer: a qualifier (toelichting), «onbekend» with a reason, «geen».

The answers themselves stay as they were in format /1; these marks live in three maps of the assessment
(``qualifiers``, ``unknown``, ``none_stated``), so that a /1 file is a valid /2 file without them. This module
sets them in draft data (the wizard) and turns them into text (review page, PDF, compare); nothing here knows
a user interface.
"""

from __future__ import annotations

from typing import Any

from framework.assessment import QUALIFIER_MAX, Assessment, is_empty
from framework.i18n import t
from framework.models import AnswerField, FieldType

REASON_MAX = 500
# the kinds of mark, as the wizard's widget keys name them
QUALIFIER, UNKNOWN, NONE = "qualifier", "unknown", "none"
_MAPS = {QUALIFIER: "qualifiers", UNKNOWN: "unknown", NONE: "none_stated"}


def kinds_for(answer_field: AnswerField) -> tuple[str, ...]:
    """The marks a field can carry: a qualifier beside a choice or scale, «onbekend» an amount, «geen» a list."""
    match answer_field.type:
        case FieldType.CHOICE | FieldType.SCALE:
            return (QUALIFIER,)
        case FieldType.AMOUNT:
            return (UNKNOWN,)
        case FieldType.LIST:
            return (NONE,)
    return ()


def mark_of(data: dict[str, Any], kind: str, question_id: str, field_id: str) -> Any:
    """A mark in draft data: the qualifier or reason text ('' when none), or for «geen» a bool."""
    found = (data.get(_MAPS[kind]) or {}).get(question_id) or ({} if kind != NONE else [])
    if kind == NONE:
        return field_id in found
    return found.get(field_id, "")


def set_mark(data: dict[str, Any], kind: str, question_id: str, field_id: str, value: Any) -> bool:
    """Put a mark into draft data; '' or False removes it. Returns whether it changed.

    A qualifier is cut to its limit of 300 characters and a reason to 500, as the form's fields are.
    """
    name = _MAPS[kind]
    marks = data.setdefault(name, {})
    if kind == NONE:
        current = list(marks.get(question_id, []))
        wanted = [f for f in current if f != field_id] + ([field_id] if value else [])
        if sorted(wanted) == sorted(current):
            return False
        if wanted:
            marks[question_id] = wanted
        else:
            marks.pop(question_id, None)
    else:
        limit = QUALIFIER_MAX if kind == QUALIFIER else REASON_MAX
        text = str(value or "").strip()[:limit]
        current = marks.get(question_id, {}).get(field_id, "")
        if text == current:
            return False
        if text:
            marks.setdefault(question_id, {})[field_id] = text
        else:
            marks.get(question_id, {}).pop(field_id, None)
            if question_id in marks and not marks[question_id]:
                del marks[question_id]
    if not marks:
        del data[name]
    return True


def unknown_text(reason: str, lang: str) -> str:
    return t("format_unknown_with_reason", lang, reason=reason) if reason else t("format_unknown", lang)


def answered(assessment: Assessment, question_id: str, field_id: str) -> bool:
    """Whether a field holds an answer: a value, or an explicit «onbekend» or «geen»."""
    if not is_empty(assessment.value(question_id, field_id)):
        return True
    return assessment.unknown_reason(question_id, field_id) is not None or assessment.stated_none(question_id, field_id)


def mark_texts(assessment: Assessment, question_id: str, field_id: str, lang: str) -> list[str]:
    """The marks of one field as words to show beside (or instead of) its value."""
    texts = []
    if reason := assessment.unknown_reason(question_id, field_id):
        texts.append(unknown_text(reason, lang))
    if assessment.stated_none(question_id, field_id):
        texts.append(t("format_none", lang))
    if qualifier := assessment.qualifier(question_id, field_id):
        texts.append(qualifier)
    return texts
