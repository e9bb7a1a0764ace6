"""Three-way merge of two edits of one assessment that started from the same revision.

When two people edit the same assessment from the same revision and the second save is refused (a revision
conflict), each field is judged against the common base, the revision both started from:

- changed by one side only: that side's value is taken without asking;
- changed by both to the same value: nothing to choose;
- changed by both to different values: the user chooses, field by field (``take_mine``); never decided silently.

The result starts from their version (what is stored now), so nothing a colleague saved disappears unless the
user chose so for that very field. Nothing here imports Streamlit.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from framework import keyfigures, marks
from framework.assessment import is_empty
from framework.draft import META_FORM_FIELDS, set_answer
from framework.models import Framework

META_FIELDS = (*META_FORM_FIELDS, "note")
REGISTER, CITATIONS = "evidence", "citations"  # pseudo questions of the evidence register (format /2)
FIGURES = "key_figures"  # pseudo question of the key figures (format /2), one field per figure


class Side(StrEnum):
    MINE = "mine"  # only I changed it: mine is taken
    THEIRS = "theirs"  # only they changed it: theirs is kept
    BOTH = "both"  # both changed it differently: the user chooses


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs between my version and theirs, with its value in the common base."""

    question: str  # question id, or "meta"
    field: str
    base: Any
    mine: Any
    theirs: Any

    @property
    def key(self) -> str:
        return f"{self.question}.{self.field}"

    @property
    def side(self) -> Side:
        if _norm(self.mine) == _norm(self.base):
            return Side.THEIRS
        if _norm(self.theirs) == _norm(self.base):
            return Side.MINE
        return Side.BOTH


def _norm(value: Any) -> Any:
    return None if is_empty(value) else value


def _value(data: dict[str, Any], question: str, field: str) -> Any:
    if question == "meta":
        return (data.get("meta") or {}).get(field)
    if question == REGISTER:  # format /2: the evidence register as one value, the citations per question
        return copy.deepcopy(data.get("evidence")) or None
    if question == CITATIONS:
        return copy.deepcopy((data.get("citations") or {}).get(field)) or None
    if question == FIGURES:
        return (data.get("key_figures") or {}).get(field)
    if "|" in field:  # a format /2 mark beside an answer: «field|kind» (qualifier, «onbekend», «geen»)
        field_id, kind = field.split("|", 1)
        return marks.mark_of(data, kind, question, field_id) or None
    return (data.get("answers") or {}).get(question, {}).get(field)


def _fields(framework: Framework, *versions: dict[str, Any]) -> list[tuple[str, str]]:
    """Metadata first, then every answer field of the framework in order, then answers it does not know."""
    found = [("meta", name) for name in META_FIELDS]
    known = {(q.id, f.id) for q in framework.questions() for f in q.fields}
    for question in framework.questions():
        for answer_field in question.fields:
            found.append((question.id, answer_field.id))
            found += [(question.id, f"{answer_field.id}|{kind}") for kind in marks.kinds_for(answer_field)]
    found.append((REGISTER, "entries"))
    found += [(CITATIONS, q.id) for q in framework.questions()]
    found += [(FIGURES, name) for name in keyfigures.NAMES]
    extra = {
        (question, field)
        for data in versions
        for question, fields in (data.get("answers") or {}).items()
        for field in fields
        if (question, field) not in known
    }
    return found + sorted(extra)


def changes(
    framework: Framework, base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> list[FieldChange]:
    """Every field where my version and theirs differ, each with the base value (fields both agree on are left out)."""
    found = []
    for question, field in _fields(framework, base, mine, theirs):
        a, b = _value(mine, question, field), _value(theirs, question, field)
        if _norm(a) != _norm(b):
            found.append(FieldChange(question, field, _value(base, question, field), a, b))
    return found


def to_choose(found: list[FieldChange]) -> list[FieldChange]:
    """The fields both sides changed differently: only these are asked (and «all mine» applies only to these)."""
    return [c for c in found if c.side is Side.BOTH]


def merge(theirs: dict[str, Any], found: list[FieldChange], take_mine: set[str]) -> dict[str, Any]:
    """Their version, with my value where only I changed a field, and where both did and the user chose mine."""
    merged = copy.deepcopy(theirs)
    for change in found:
        if change.side is Side.THEIRS:
            continue
        if change.side is Side.BOTH and change.key not in take_mine:
            continue
        if change.question == "meta":
            merged.setdefault("meta", {})[change.field] = copy.deepcopy(change.mine)
        elif change.question == REGISTER:
            merged["evidence"] = copy.deepcopy(change.mine) or []
        elif change.question == CITATIONS:
            citations = merged.setdefault("citations", {})
            if change.mine:
                citations[change.field] = copy.deepcopy(change.mine)
            else:
                citations.pop(change.field, None)
        elif change.question == FIGURES:
            figures = {**(merged.get("key_figures") or {}), change.field: copy.deepcopy(change.mine)}
            merged["key_figures"] = figures if any(v is not None for v in figures.values()) else None
        elif "|" in change.field:
            field_id, kind = change.field.split("|", 1)
            marks.set_mark(merged, kind, change.question, field_id, change.mine)
        else:
            set_answer(merged, change.question, change.field, copy.deepcopy(change.mine))
    return merged


def resolve(
    framework: Framework,
    base: dict[str, Any],
    mine: dict[str, Any],
    theirs: dict[str, Any],
    choices: dict[str, str],
) -> dict[str, Any]:
    """The merged data for the user's choices (``{key: "mine" | "theirs"}``), one for every field both changed.

    Raises:
        ValueError: naming the fields both changed that have no choice yet (nothing is decided for the user).
    """
    found = changes(framework, base, mine, theirs)
    open_keys = [c.key for c in to_choose(found) if choices.get(c.key) not in (Side.MINE, Side.THEIRS)]
    if open_keys:
        raise ValueError("choose mine or theirs for: " + ", ".join(open_keys))
    return merge(theirs, found, {k for k, v in choices.items() if v == Side.MINE})
