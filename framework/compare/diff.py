"""A word-level diff of two texts: what stayed, what was inserted and what was deleted.

Texts are split into words and punctuation marks, each with the white space that follows it. The tokens are
compared without that white space, so re-wrapping a paragraph or doubling a space is no change; the segments
returned carry the original text, so joining the ``equal`` and ``delete`` segments gives the old text back and
joining the ``equal`` and ``insert`` segments gives the new one (up to white space inside unchanged runs).

>>> [(s.op.value, s.text) for s in word_diff("de kat slaapt", "de hond slaapt")]
[('equal', 'de '), ('delete', 'kat '), ('insert', 'hond '), ('equal', 'slaapt')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

# Beyond this many tokens on either side the diff works per line instead (difflib is quadratic at worst).
MAX_TOKENS = 20_000
_TOKEN = re.compile(r"(\w+|[^\w\s])(\s*)")


class Op(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text that is in both versions (equal), only in the new one (insert) or only in the old one."""

    op: Op
    text: str


def tokens(text: str) -> list[tuple[str, str]]:
    """``(word, word with its trailing white space)`` pairs; leading white space goes with the first token."""
    found = [(m.group(1), m.group(0)) for m in _TOKEN.finditer(text)]
    lead = text[: len(text) - len(text.lstrip())]
    if found and lead:
        found[0] = (found[0][0], lead + found[0][1])
    return found


def _append(out: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if out and out[-1].op == op:
        out[-1] = Segment(op, out[-1].text + text)
    else:
        out.append(Segment(op, text))


def _diff(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[Segment]:
    out: list[Segment] = []
    matcher = SequenceMatcher(None, [w for w, _ in old], [w for w, _ in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(out, Op.EQUAL, "".join(t for _, t in new[j1:j2]))
            continue
        _append(out, Op.DELETE, "".join(t for _, t in old[i1:i2]))
        _append(out, Op.INSERT, "".join(t for _, t in new[j1:j2]))
    return out


def word_diff(old: str | None, new: str | None) -> list[Segment]:
    """The segments that turn ``old`` into ``new``, word by word (``None`` counts as no text)."""
    old, new = old or "", new or ""
    old_tokens, new_tokens = tokens(old), tokens(new)
    if len(old_tokens) <= MAX_TOKENS and len(new_tokens) <= MAX_TOKENS:
        return _diff(old_tokens, new_tokens)
    # Very long texts: compare whole lines (each line one token), still returning the original text.
    old_lines = [(line.strip(), line) for line in old.splitlines(keepends=True)]
    new_lines = [(line.strip(), line) for line in new.splitlines(keepends=True)]
    return _diff(old_lines, new_lines)


def changed(segments: list[Segment]) -> bool:
    """Whether any segment is an insertion or a deletion."""
    return any(s.op != Op.EQUAL for s in segments)


def counts(segments: list[Segment]) -> dict[str, int]:
    """Words inserted and deleted (punctuation marks count as words)."""
    result = {Op.INSERT.value: 0, Op.DELETE.value: 0}
    for segment in segments:
        if segment.op != Op.EQUAL:
            result[segment.op.value] += len(_TOKEN.findall(segment.text))
    return result
