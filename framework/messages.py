"""Validation errors in words a civil servant reads: what is wrong and the form that is expected.

pydantic's own messages name regular expressions and Python types («String should match pattern '^(\\d{4}...'»,
«Input should be a valid integer, unable to parse string as an integer»). :func:`readable` gives, per kind of
error, a sentence that says what the field expects, with an example; other messages are kept as they are.
"""

from __future__ import annotations

from typing import Any

DATE_FORM = "a date as YYYY-MM-DD, for example 2022-07-11 (shown in the app and the PDF as DD-MM-JJJJ, 11-07-2022)"
PARTIAL_DATE_FORM = "YYYY, YYYY-MM or YYYY-MM-DD, for example 2022, 2022-07 or 2022-07-08"
NUMBER_FORM = "write a number without quotes, a unit, % sign or thousands separators, for example 60 or 62.5"

# the fields whose pattern is an id: what the id may hold
_ID_FIELDS = {"id", "version", "coordinator"}


def readable(error: dict[str, Any]) -> str | None:
    """A plain message for one pydantic error, or None to keep pydantic's own."""
    kind = str(error.get("type", ""))
    loc = [p for p in error.get("loc", ()) if isinstance(p, str)]
    last = loc[-1] if loc else ""
    value = error.get("input")
    shown = f" ({value!r})" if isinstance(value, str | int | float) and len(repr(value)) <= 60 else ""
    if kind.startswith(("date_", "datetime_")):
        return f"not a valid date{shown}: write {DATE_FORM}"
    if kind == "string_pattern_mismatch":
        if last == "date":
            return f"not a valid date{shown}: write {PARTIAL_DATE_FORM}"
        if last in _ID_FIELDS:
            return f"not a valid {last}{shown}: use lowercase letters, digits and hyphens"
        return f"not a valid name{shown}: use lowercase letters, digits and _ (for example q9 or state_aid_necessary)"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"not a valid integer{shown}: write a whole number without dots, spaces or quotes, for example 35000000"
    if kind in ("float_parsing", "float_type", "finite_number"):  # a number with decimals: not pydantic's «Input …»
        return f"not a valid number{shown}: {NUMBER_FORM}"
    if kind in ("bool_parsing", "bool_type"):
        return f"not a valid boolean{shown}: write true or false"
    if kind == "list_type":
        return "not a valid list: write one item per line, each starting with «- »"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "not a valid group of fields: write the fields indented below this key"
    if kind == "string_type":
        return f"not a valid string{shown}: write text (put it in quotes if it looks like a number or a date)"
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        length = f" (this one has {len(value)})" if isinstance(value, str) else ""
        return f"too long: at most {limit} characters{length}"
    if kind == "string_too_short" and (error.get("ctx") or {}).get("min_length") == 1:
        return "empty: write something here, or leave the key out"
    if kind == "literal_error":
        expected = (error.get("ctx") or {}).get("expected", "")
        return f"not one of the allowed values{shown}; use one of: {expected}" if expected else None
    return None
