"""What ``ipcei`` prints: control characters in user text made visible, so a title cannot drive the terminal.

:class:`SafeOutput` wraps ``sys.stdout`` and ``sys.stderr`` while a command runs: every C0 control but tab and
line feed, DEL and every C1 control (and the invisible format characters) is written as ``[U+001B]``. Titles and
names are printed through :func:`framework.assessment.terminal_text`, which shows a line feed too, so a title
cannot fake a line of its own. JSON output keeps its data: :func:`json_text` escapes those characters as
``\\u001b`` (valid JSON, the same strings), so the wrapper has nothing to change in it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from framework.assessment import HIDDEN_RANGES, reveal_hidden
from framework.errors import ReportError

_JSON_UNSAFE = re.compile(f"[{HIDDEN_RANGES}\\x7f-\\x9f]")


class SafeOutput:
    """A text stream that writes what it is given with the hidden and control characters made visible."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(reveal_hidden(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, buffer ...
        return getattr(self._stream, name)


@contextmanager
def safe_output() -> Iterator[None]:
    """Run a command with ``sys.stdout`` and ``sys.stderr`` wrapped in :class:`SafeOutput`."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeOutput(sys.stdout), SafeOutput(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def json_text(data: Any) -> str:
    """``data`` as indented JSON, with DEL, the C1 controls and the invisible format characters escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda found: json.dumps(found.group())[1:-1], text)


def write_file(path: str, data: bytes) -> None:
    """Write a command's output file; a file that cannot be written is a ReportError naming it and why."""
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write ({exc.strerror or exc})") from None
