"""The strict YAML reader, with line numbers: PyYAML's safe loader narrowed further.

* no anchors or aliases (so no alias bombs), no tags other than the plain ones, no duplicate keys;
* YAML 1.2-like scalars: only ``true``/``false`` are booleans, only ``null``/``~`` is null, integers are
  plain decimals without a leading zero, dates stay strings. So ``no``, ``on``, ``010`` or ``2022-07`` are
  read as the text they are and a typed field refuses them, instead of a silent change of meaning;
* a nesting limit and a limit on the number of values;
* the document is built from the parser's events as they come (libyaml's C parser where available), so a
  hostile file is refused at its first problem instead of after the whole of it has been read.

Every value's line is kept in a map from its path (a tuple of keys and list indexes) to its 1-based line, so
that a validation error can say where in the file it is (:func:`line_of`, :func:`dotted`). Files and bytes come
in through :mod:`framework.yamlio`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode
from yaml.resolver import BaseResolver

from framework.errors import InputError

MAX_DEPTH = 40
MAX_NODES = 50_000  # values (scalars, lists, mappings, keys); questions.yaml has about 4.000

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


# The parser only: resolution of scalars and building of the data happen below, from its events.
_EventLoader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_RESOLVER = _StrictResolver()
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_NOTHING = object()


class _Refused(Exception):
    """A problem found while building the document; becomes an InputError with the file's name."""

    def __init__(self, message: str, line: int | None, field: str = ""):
        super().__init__(message)
        self.message, self.line, self.field = message, line, field


_TRANSLATING = False


def nl_message(key: str, **params: object) -> str:
    """A reader's message in Dutch (``robust_err_<key>``); '' while the catalog itself is being read."""
    global _TRANSLATING
    if _TRANSLATING:  # the catalog is read by this module: a broken catalog file must not recurse
        return ""
    _TRANSLATING = True
    try:
        from framework.i18n import t  # framework.i18n reads its catalog with this module

        return t(f"robust_err_{key}", "nl", **params)
    except (KeyError, InputError):
        return ""
    finally:
        _TRANSLATING = False


def _scalar_value(tag: str, value: str, line: int) -> Any:
    if tag not in _ALLOWED_TAGS:
        raise _Refused(f"the tag {tag!r} is not allowed", line)
    if tag == _STR:
        return value
    if tag == "tag:yaml.org,2002:bool":
        if value not in ("true", "false"):
            raise _Refused(f"{value!r} is not a boolean (use true or false)", line)
        return value == "true"
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:int":
        if not re.fullmatch(r"[-+]?(0|[1-9][0-9]*)", value) or len(value) > 30:
            raise _Refused(f"{value!r} is not a plain decimal number", line)
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        try:
            return float(value)
        except ValueError:
            raise _Refused(f"{value!r} is not a number", line) from None
    raise _Refused(f"the tag {tag!r} is not allowed", line)  # pragma: no cover


def _scalar_tag(event: yaml.ScalarEvent) -> str:
    if event.tag is None or event.tag == "!":
        return _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
    return event.tag


class _Frame:
    """A list or mapping whose events are still coming in."""

    __slots__ = ("key", "key_line", "path", "value")

    def __init__(self, value: list | dict, path: Path_):
        self.value, self.path = value, path
        self.key: str | None = None
        self.key_line = 0

    @property
    def expects_key(self) -> bool:
        return isinstance(self.value, dict) and self.key is None

    def take_key(self, event: Any, line: int) -> None:
        if not isinstance(event, yaml.ScalarEvent):
            raise _Refused("keys must be plain text (no merge keys)", line)
        tag = _scalar_tag(event)
        if tag != _STR:
            _scalar_value(tag, event.value, line)  # refuses a tag that is not allowed; the key stays text
        if event.value in self.value:
            raise _Refused(f"the key {event.value!r} appears twice", line, dotted((*self.path, event.value)))
        self.key, self.key_line = event.value, line

    def child_path(self) -> Path_:
        return (*self.path, self.key if isinstance(self.value, dict) else len(self.value))  # type: ignore[misc]

    def add(self, value: Any, lines: LineMap) -> None:
        if isinstance(self.value, dict):
            self.value[self.key] = value
            lines[(*self.path, self.key)] = self.key_line  # type: ignore[misc]
            self.key = None
        else:
            self.value.append(value)


def _collection(event: Any, line: int) -> list | dict:
    wanted = _SEQ if isinstance(event, yaml.SequenceStartEvent) else _MAP
    tag = wanted if event.tag in (None, "!") else event.tag
    if tag != wanted:
        raise _Refused(f"the tag {tag!r} is not allowed", line)
    return [] if wanted == _SEQ else {}


def _build(loader: Any, lines: LineMap) -> Any:
    """Build one document from the parser's events, refusing at the first thing outside the safe subset."""
    stack: list[_Frame] = []
    root: Any = _NOTHING
    documents = nodes = 0
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(
                    "not valid YAML: expected a single document in the stream but found another document",
                    event.start_mark.line + 1,
                )
            continue
        if not isinstance(event, yaml.events.NodeEvent | yaml.events.CollectionEndEvent):
            continue  # the start and end of the stream, the end of the document
        line = event.start_mark.line + 1
        if isinstance(event, yaml.events.CollectionEndEvent):
            value = stack.pop().value
        else:
            if isinstance(event, yaml.AliasEvent):
                raise _Refused("not valid YAML: anchors and aliases (*name) are not allowed", line)
            if event.anchor is not None:
                raise _Refused("not valid YAML: anchors and aliases (&name) are not allowed", line)
            if len(stack) >= MAX_DEPTH:
                raise _Refused(f"not valid YAML: nesting deeper than {MAX_DEPTH} levels", line)
            nodes += 1
            if nodes > MAX_NODES:
                raise _Refused(f"more than {MAX_NODES:,} values; the file is too large".replace(",", "."), line)
            parent = stack[-1] if stack else None
            if parent is not None and parent.expects_key:
                parent.take_key(event, line)
                continue
            path = parent.child_path() if parent else ()
            lines[path] = line
            if not isinstance(event, yaml.ScalarEvent):
                stack.append(_Frame(_collection(event, line), path))
                continue
            value = _scalar_value(_scalar_tag(event), event.value, line)
        if stack:
            stack[-1].add(value, lines)
        else:
            root = value
    if root is _NOTHING:
        raise _Refused("the file is empty", None)
    return root


def parse_yaml(text: str, source: str = "<text>") -> tuple[Any, LineMap]:
    """Parse one YAML document strictly; return the data and its line map."""
    lines: LineMap = {}
    try:
        loader = _EventLoader(text)
        try:
            data = _build(loader, lines)
        finally:
            loader.dispose()
    except _Refused as exc:
        raise InputError.single(source, exc.message, line=exc.line, field=exc.field) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "not valid YAML"
        raise InputError.single(
            source, f"not valid YAML: {message}", line=line, nl=nl_message("yaml", detail=message)
        ) from None
    except yaml.reader.ReaderError as exc:  # a control character
        line = text[: exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
        raise InputError.single(source, f"not valid YAML: {exc.reason}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError.single(source, f"not valid YAML: {exc}") from None
    return data, lines


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
