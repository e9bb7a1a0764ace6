"""A word diff as Markdown for the compare page: deleted words struck through in red, inserted words in bold green,
line breaks kept; all user text escaped (``ui.text.plain``)."""

from __future__ import annotations

from framework.compare.diff import Op, Segment
from ui.text import plain


def _wrap(text: str, before: str, after: str) -> str:
    """Markdown for inserted or deleted text, line by line, with the white space outside the markers."""
    out = []
    for index, line in enumerate(text.split("\n")):
        if index:
            out.append("  \n")
        core = line.strip()
        if core:
            lead, trail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()) :]
            out.append(f"{lead}{before}{plain(core)}{after}{trail}")
        elif line:
            out.append(" ")
    return "".join(out)


def diff_markdown(segments: tuple[Segment, ...]) -> str:
    parts = []
    for segment in segments:
        if segment.op == Op.EQUAL:
            parts.append(plain(segment.text))
        elif segment.op == Op.DELETE:
            parts.append(_wrap(segment.text, ":red[~~", "~~]"))
        else:
            parts.append(_wrap(segment.text, ":green[**", "**]"))
    return "".join(parts)
