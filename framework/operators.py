"""The operators of a rule's field test: which fit which field type, and how each is evaluated.

One place for both halves, so that the validator (``Framework`` refuses an operator that does not fit the
field's type and lists the allowed ones) and the interpreter (``framework.rules.holds``) cannot drift apart.
A comparison (``lt``, ``lte``, ``gt``, ``gte``, ``between``) compares a number, integer, amount or date field
with a constant (a number, or an ISO date ``YYYY-MM-DD``) or with another field of a comparable type:

.. code-block:: yaml

    when: {field: q9.aid_requested_eur, gt: {field: q9.funding_gap_eur}}

This module knows field types only by name, so that ``framework.models`` can import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

COMPARISONS = ("lt", "lte", "gt", "gte", "between")
NUMERIC = frozenset({"amount", "number", "integer"})
ORDERED = NUMERIC | {"date"}
# The operators each field type allows (the YAML names: ``in``, not the attribute ``in_``).
ALLOWED: dict[str, tuple[str, ...]] = {
    "text": ("equals", "in", "not_in", "empty"),
    "choice": ("equals", "in", "not_in", "empty"),
    "scale": ("equals", "in", "not_in", "empty"),
    "multichoice": ("contains", "count_lt", "count_gte", "empty"),
    "list": ("contains", "count_lt", "count_gte", "empty"),
    "sources": ("count_lt", "count_gte", "empty"),
    "amount": ("equals", "empty", *COMPARISONS),
    "number": ("equals", "empty", *COMPARISONS),
    "integer": ("equals", "empty", *COMPARISONS),
    "date": ("equals", "empty", *COMPARISONS),
}
_ATTRIBUTES = {"in": "in_"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Lookup = Callable[[str], Any]


def operator_of(condition: Any) -> str:
    """The YAML name of the one operator of a field test."""
    for name in ("equals", "in", "not_in", "contains", "empty", "count_lt", "count_gte", *COMPARISONS):
        if getattr(condition, _ATTRIBUTES.get(name, name)) is not None:
            return name
    raise AssertionError("a field test has an operator")  # pragma: no cover - the model ensures one


def iso_date(value: Any) -> date | None:
    """A real calendar date from ``YYYY-MM-DD`` (or a date); None for anything else (``ooit``, 2026-02-31)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _operands(condition: Any, name: str) -> list[tuple[tuple, Any]]:
    value = getattr(condition, name)
    if name == "between":
        return [((name, 0), value[0]), ((name, 1), value[1])]
    return [((name,), value)]


def problem(condition: Any, kind: str, kind_of: Callable[[str, tuple], str]) -> tuple[tuple, str] | None:
    """Why a field test does not fit a field of type ``kind``, as (path below the condition, message); or None.

    Args:
        condition: the field test (a ``framework.models.Condition``).
        kind: the type of the tested field (``amount``, ``date`` ...).
        kind_of: the type of another field a comparison names, ``(ref, path) -> type`` (raises if unknown).
    """
    name = operator_of(condition)
    allowed = ALLOWED.get(kind, ())
    if name not in allowed:
        return (name,), (
            f"the operator {name!r} does not fit {condition.field}, {_a(kind)} field; allowed: {', '.join(allowed)}"
        )
    if name == "equals" and kind in ORDERED:
        value = condition.equals
        if (kind in NUMERIC and not _is_number(value)) or (kind == "date" and iso_date(value) is None):
            wanted = "a number" if kind in NUMERIC else "a date as YYYY-MM-DD"
            return (name,), f"{condition.field} is {_a(kind)} field: compare it with {wanted}, not {value!r}"
    if name not in COMPARISONS:
        return None
    constants = []
    for path, operand in _operands(condition, name):
        if hasattr(operand, "field"):
            other = kind_of(operand.field, (*path, "field"))
            if (kind in NUMERIC) != (other in NUMERIC) or other not in ORDERED:
                return (*path, "field"), (
                    f"{condition.field} ({kind}) cannot be compared with {operand.field} ({other})"
                )
        elif kind in NUMERIC and not _is_number(operand):
            return path, f"{condition.field} is {_a(kind)} field: compare it with a number, not {operand!r}"
        elif kind == "date" and iso_date(operand) is None:
            return path, f"{operand!r} is not a date that exists (write it as YYYY-MM-DD)"
        else:
            constants.append(operand if kind in NUMERIC else iso_date(operand))
    if name == "between" and len(constants) == 2 and constants[0] > constants[1]:
        return (
            name,
        ), f"between needs the lower bound first, not {condition.between[0]!r} before {condition.between[1]!r}"
    return None


def _comparable(value: Any) -> Any:
    if _is_number(value):
        return value
    return iso_date(value)


def compare(condition: Any, value: Any, lookup: Lookup) -> bool | None:
    """The outcome of a comparison on a non-empty value; None when the condition is not a comparison.

    A comparison with another field that is not answered does not hold (like a test on an unanswered field).
    """
    name = next((n for n in COMPARISONS if getattr(condition, n) is not None), None)
    if name is None:
        return None
    left = _comparable(value)
    rights = [_comparable(lookup(o.field) if hasattr(o, "field") else o) for _, o in _operands(condition, name)]
    if (
        left is None
        or any(r is None for r in rights)
        or any(isinstance(r, date) != isinstance(left, date) for r in rights)
    ):
        return False
    match name:
        case "lt":
            return left < rights[0]
        case "lte":
            return left <= rights[0]
        case "gt":
            return left > rights[0]
        case "gte":
            return left >= rights[0]
    return rights[0] <= left <= rights[1]
