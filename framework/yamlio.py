"""Reading untrusted YAML and JSON: safe, strict, bounded, and with line numbers; and writing YAML back.

Every file that comes from outside is read here: :func:`read_file` (a path) or :func:`parse_bytes` (an upload).
Both refuse a file over :data:`MAX_BYTES`, one that is not UTF-8 or has a NUL byte, then read it as JSON
(:mod:`framework.json_reader`) or YAML (:mod:`framework.yaml_reader`: the safe loader narrowed further, with the
line of every value). Every failure is an :class:`~framework.errors.InputError` that names the file and the line.
:func:`dump_yaml` writes YAML that the reader reads back to the same value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from framework.errors import InputError
from framework.json_reader import parse_json
from framework.yaml_reader import MAX_DEPTH, MAX_NODES, LineMap, Path_, dotted, line_of, nl_message, parse_yaml

MAX_BYTES = 5 * 1024 * 1024


def _too_large(source: str, size: int) -> InputError:
    return InputError.single(source, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes".replace(",", "."))


def _read_bytes(data: bytes, source: str) -> str:
    if len(data) > MAX_BYTES:
        raise _too_large(source, len(data))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError.single(
            source, "contains a NUL byte; a text file was expected", line=line, nl=nl_message("nul")
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.single(
            source, f"not valid UTF-8 (byte {exc.start}: {exc.reason})", line=line, nl=nl_message("utf8")
        ) from None
    return text.removeprefix("\ufeff")


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
            raise _too_large(source, size)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError.single(source, "no such file") from None
    except IsADirectoryError:
        raise InputError.single(source, "is a folder, not a file") from None
    except PermissionError:
        raise InputError.single(source, "cannot be read (permission denied)") from None
    return parse_bytes(data, source)


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value that occurs twice in full both times: this module refuses anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    """Write data as YAML that this module reads back to the same value."""
    return yaml.dump(
        data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )


__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "LineMap",
    "Path_",
    "dotted",
    "dump_yaml",
    "line_of",
    "parse_bytes",
    "parse_json",
    "parse_yaml",
    "read_file",
]
