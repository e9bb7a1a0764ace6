"""Reading untrusted YAML and JSON: safe, strict, bounded, and with line numbers.

The loader is PyYAML's safe loader narrowed further:

* no anchors or aliases (so no alias bombs), no tags other than the plain ones, no duplicate keys;
* YAML 1.2-like scalars: only ``true``/``false`` are booleans, only ``null``/``~`` is null, integers are
  plain decimals without a leading zero, dates stay strings. So ``no``, ``on``, ``010`` or ``2022-07`` are
  read as the text they are and a typed field refuses them, instead of a silent change of meaning;
* a size limit, a nesting limit, UTF-8 only, no NUL bytes.

Every value's line is kept in a map from its path (a tuple of keys and list indexes) to its 1-based line, so
that a validation error can say where in the file it is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from framework.errors import InputError

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]
LineMap = dict[Path_, int]


class _StrictResolver(BaseResolver):
    """Resolves plain scalars the YAML 1.2 core way, minus floats with exponents and dates."""


_StrictResolver.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*))$"), list("-+0123456789")
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)\.[0-9]+)$"),
    list("-+0123456789"),
)
_StrictResolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|)$"), ["~", "n", ""])

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _StrictComposer(Composer):
    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "anchors and aliases (*name) are not allowed", event.start_mark
            )
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.MarkedYAMLError(
                None, None, "anchors and aliases (&name) are not allowed", event.start_mark
            )
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    None, None, f"nesting deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _StrictLoader(Reader, Scanner, Parser, _StrictComposer, SafeConstructor, _StrictResolver):
    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        SafeConstructor.__init__(self)
        _StrictResolver.__init__(self)


def _read_bytes(data: bytes, source: str) -> str:
    if len(data) > MAX_BYTES:
        raise InputError.single(
            source, f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes".replace(",", ".")
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError.single(source, "contains a NUL byte; a text file was expected", line=line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.single(
            source, f"not valid UTF-8 (byte {exc.start}: {exc.reason})", line=line
        ) from None
    return text.removeprefix("\ufeff")


def _scalar_value(node: ScalarNode, source: str) -> Any:
    tag = node.tag
    line = node.start_mark.line + 1
    if tag not in _ALLOWED_TAGS:
        raise InputError.single(source, f"the tag {tag!r} is not allowed", line=line)
    value = node.value
    if tag == "tag:yaml.org,2002:str":
        return value
    if tag == "tag:yaml.org,2002:bool":
        if value not in ("true", "false"):
            raise InputError.single(source, f"{value!r} is not a boolean (use true or false)", line=line)
        return value == "true"
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:int":
        if not re.fullmatch(r"[-+]?(0|[1-9][0-9]*)", value) or len(value) > 30:
            raise InputError.single(source, f"{value!r} is not a plain decimal number", line=line)
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        try:
            return float(value)
        except ValueError:
            raise InputError.single(source, f"{value!r} is not a number", line=line) from None
    raise InputError.single(source, f"the tag {tag!r} is not allowed", line=line)  # pragma: no cover


def _build(node: Node, path: Path_, lines: LineMap, source: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, ScalarNode):
        return _scalar_value(node, source)
    if node.tag not in _ALLOWED_TAGS:
        raise InputError.single(source, f"the tag {node.tag!r} is not allowed", line=node.start_mark.line + 1)
    if isinstance(node, SequenceNode):
        return [_build(child, (*path, i), lines, source) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError.single(source, "keys must be plain text (no merge keys)", line=line)
            key = key_node.value
            if key_node.tag != "tag:yaml.org,2002:str":
                key = str(_scalar_value(key_node, source))
            if key in result:
                raise InputError.single(
                    source, f"the key {key!r} appears twice", line=line, field=dotted((*path, key))
                )
            result[key] = _build(value_node, (*path, key), lines, source)
            lines[(*path, key)] = line
        return result
    raise InputError.single(source, "unexpected YAML node", line=node.start_mark.line + 1)  # pragma: no cover


def parse_yaml(text: str, source: str = "<text>") -> tuple[Any, LineMap]:
    """Parse one YAML document strictly; return the data and its line map."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "not valid YAML"
        raise InputError.single(source, f"not valid YAML: {message}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError.single(source, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise InputError.single(source, f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    if node is None:
        raise InputError.single(source, "the file is empty")
    lines: LineMap = {}
    return _build(node, (), lines, source), lines


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


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
        raise InputError.single(source, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except ValueError as exc:
        raise InputError.single(source, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError.single(source, f"nesting deeper than {MAX_DEPTH} levels") from None
    if _depth(data) > MAX_DEPTH:
        raise InputError.single(source, f"nesting deeper than {MAX_DEPTH} levels")
    try:
        _, lines = parse_yaml(text, source)
    except InputError:
        lines = {}
    return data, lines


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def parse_bytes(data: bytes, source: str) -> tuple[Any, LineMap]:
    """Parse a YAML or JSON document given as bytes; JSON when the name ends in .json or it starts with '{'."""
    text = _read_bytes(data, source)
    if source.lower().endswith(".json") or text.lstrip().startswith("{"):
        return parse_json(text, source)
    return parse_yaml(text, source)


def read_file(path: str | Path) -> tuple[Any, LineMap]:
    """Read a YAML or JSON file with the limits above; every failure is an InputError naming the file."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError.single(
                source, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes".replace(",", ".")
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError.single(source, "no such file") from None
    except IsADirectoryError:
        raise InputError.single(source, "is a folder, not a file") from None
    except PermissionError:
        raise InputError.single(source, "cannot be read (permission denied)") from None
    return parse_bytes(data, source)


def dotted(path: Path_) -> str:
    """``("answers", "q2", "sources", 0, "title")`` -> ``answers.q2.sources[0].title``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def line_of(lines: LineMap, path: Path_) -> int | None:
    """The line of the deepest known part of ``path``."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def dump_yaml(data: Any) -> str:
    """Write data as YAML that this module reads back to the same value."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
