"""The pieces a comparison is made of: a cell per assessment, a row per field, and when values count as equal.

Text is equal when it is equal after white space is normalised; a multiple choice or a set of member states is
equal regardless of order. ``framework.compare.sides`` builds the questions and the metadata from these,
``framework.compare.sections`` the key figures and the evidence register.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from framework.assessment import is_empty
from framework.models import FieldType

PREVIEW_LINES, PREVIEW_CHARS = 3, 280


class RowStatus(StrEnum):
    SAME = "same"  # every assessment has the field, with equal values
    DIFFERENT = "different"  # every assessment has the field; the values are not all equal
    NOT_APPLICABLE = "not_applicable"  # the framework of at least one assessment lacks the question or field

    def marker(self) -> str:
        """A sign that reads without colour: ``=`` equal, ``≠`` different, ``–`` not in every framework."""
        return {"same": "=", "different": "≠", "not_applicable": "–"}[self.value]


@dataclass(frozen=True)
class Cell:
    """The value of one field in one assessment, as a label or text, and as stored."""

    applicable: bool
    empty: bool
    raw: Any
    text: str  # option labels, the whole text, list items one per line; '' when empty or not applicable
    preview: str  # the first lines of ``text``
    deviation: str = ""  # a concluding answer that differs from its suggestion: the suggestion and its reason
    qualifier: str = ""  # format /2: the toelichting beside a choice or scale (also in ``text``)

    @property
    def folded(self) -> bool:
        return self.preview != self.text


@dataclass(frozen=True)
class Row:
    """One field (or metadata item, or register entry) across the assessments."""

    question_id: str  # a question id, or "meta", "key_figures", "evidence"
    field_id: str
    label: str
    kind: str  # the field type (text, choice, ...), or "meta", "key_figures", "evidence", "citations"
    cells: tuple[Cell, ...]
    status: RowStatus

    @property
    def differs(self) -> bool:
        return self.status != RowStatus.SAME

    @property
    def key(self) -> str:
        return f"{self.question_id}.{self.field_id}"


def merged_order(sequences: Iterable[Sequence[str]]) -> list[str]:
    """The union of id sequences: the first one's order, each later id placed after its predecessor."""
    result: list[str] = []
    for sequence in sequences:
        previous: str | None = None
        for item in sequence:
            if item not in result:
                result.insert(result.index(previous) + 1 if previous is not None else 0, item)
            previous = item
    return result


def normalised(value: Any, kind: str) -> Any:
    """A hashable key that is equal for values that mean the same."""
    if is_empty(value):
        return None
    if isinstance(value, str):
        return " ".join(value.split())
    if kind in (FieldType.MULTICHOICE, "member_states"):
        return frozenset(value)
    if isinstance(value, list):
        return tuple(normalised(v, "") if not isinstance(v, dict) else _norm_dict(v) for v in value)
    if isinstance(value, dict):
        return _norm_dict(value)
    return value


def _norm_dict(value: dict[str, Any]) -> tuple:
    return tuple(sorted((k, normalised(v, "")) for k, v in value.items() if not is_empty(v)))


def preview(text: str, lines: int = PREVIEW_LINES, chars: int = PREVIEW_CHARS) -> str:
    """The first non-empty lines of a text, cut at a word within ``chars``; the text itself when short."""
    kept = [line for line in text.splitlines() if line.strip()][:lines]
    shown = "\n".join(kept)
    if len(shown) > chars:
        shown = shown[:chars].rsplit(" ", 1)[0].rstrip(",;:.") + " …"
    elif shown != text.strip():
        shown += " …"
    return text if shown == text else shown


NOT_APPLICABLE = Cell(applicable=False, empty=True, raw=None, text="", preview="")


def cell(text: str, raw: Any) -> Cell:
    """A cell of an applicable field: empty when ``raw`` is."""
    if is_empty(raw):
        return Cell(applicable=True, empty=True, raw=None, text="", preview="")
    return Cell(applicable=True, empty=False, raw=raw, text=text, preview=preview(text))


def row(question_id: str, field_id: str, label: str, kind: str, cells: list[Cell], keys: list[Any]) -> Row:
    """A row whose status follows from the cells (all applicable?) and the keys (all equal?)."""
    if not all(c.applicable for c in cells):
        status = RowStatus.NOT_APPLICABLE
    else:
        status = RowStatus.SAME if len(set(keys)) <= 1 else RowStatus.DIFFERENT
    return Row(question_id, field_id, label, kind, tuple(cells), status)
