"""The strict JSON reader: no duplicate keys, no ``NaN`` or ``Infinity``, no half surrogate pairs, the nesting
limit of the YAML reader; lines come from a YAML reading of the same text (:mod:`framework.yaml_reader`)."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from framework.errors import InputError
from framework.yaml_reader import MAX_DEPTH, LineMap, Path_, dotted, line_of, nl_message, parse_yaml


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


_JSON_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _constant_line(text: str) -> int | None:
    """The line of the first ``NaN``/``Infinity`` outside a string (which JSON does not allow)."""
    for found in _JSON_CONSTANT.finditer(text):
        if found.group(1):
            return text.count("\n", 0, found.start()) + 1
    return None


def parse_json(text: str, source: str = "<text>") -> tuple[Any, LineMap]:
    """Parse JSON strictly (no duplicate keys, no NaN); lines come from a YAML reading where possible."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise ValueError(f"the key {key!r} appears twice")
            result[key] = value
        return result

    if len(text) and text.count("[") + text.count("{") > 200_000:
        raise InputError.single(source, "too many nested structures")
    try:
        data = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError.single(
            source, f"not valid JSON: {exc.msg}", line=exc.lineno, nl=nl_message("json", detail=exc.msg)
        ) from None
    except ValueError as exc:
        line = _constant_line(text) if "is not allowed in JSON" in str(exc) else None
        raise InputError.single(source, f"not valid JSON: {exc}", line=line or _yaml_line(text, source)) from None
    except RecursionError:
        raise InputError.single(source, f"nesting deeper than {MAX_DEPTH} levels") from None
    if _depth(data) > MAX_DEPTH:
        raise InputError.single(source, f"nesting deeper than {MAX_DEPTH} levels", line=_yaml_line(text, source))
    forbidden = _forbidden_text(data, ())
    yaml_line = None
    try:
        _, lines = parse_yaml(_for_yaml(text), source)
    except InputError as exc:
        lines, yaml_line = {}, exc.problems[0].line
    if forbidden:
        path, message = forbidden
        line = line_of(lines, path) if lines else yaml_line
        raise InputError.single(source, message, line=line, field=dotted(path))
    return data, lines


_SURROGATE_PAIR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_NOT_FOR_YAML = re.compile("[\x85\u2028\u2029]|" + yaml.reader.Reader.NON_PRINTABLE.pattern)


def _for_yaml(text: str) -> str:
    """JSON text that the YAML reader reads with the same lines: what JSON allows and YAML does not, blanked.

    That is a surrogate pair (as ``json.dumps`` writes a character beyond U+FFFF), a control character such as
    DEL inside a string, and the characters YAML 1.1 counts as line breaks (U+0085, U+2028, U+2029).
    """
    return _NOT_FOR_YAML.sub(" ", _SURROGATE_PAIR.sub("xx", text))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _forbidden_text(value: Any, path: Path_) -> tuple[Path_, str] | None:
    """The first text (value or key) with half a surrogate pair (``"\\ud800"`` alone), which is no character."""
    texts: list[tuple[Path_, str]] = []
    if isinstance(value, str):
        texts = [(path, value)]
    elif isinstance(value, dict):
        texts = [(path, key) for key in value]
    for where, text in texts:
        if found := _LONE_SURROGATE.search(text):
            return where, f"contains U+{ord(found.group()):04X}, half of a surrogate pair, which is not a character"
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found = _forbidden_text(child, (*path, key))
        if found:
            return found
    return None


def _yaml_line(text: str, source: str) -> int | None:
    """The line of a problem that JSON's reader finds without one (a duplicate key, deep nesting)."""
    try:
        parse_yaml(_for_yaml(text), source)
    except InputError as exc:
        return exc.problems[0].line
    return None


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level
