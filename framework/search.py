"""Full-text search over everything written in an assessment: what is indexed, how words are folded, snippets.

The store keeps one search row per part of an assessment (``meta`` and each question id, plus ``other`` for
anything the format adds at the top level) and asks the database's own full-text index for matches (SQLite FTS5,
PostgreSQL ``tsvector`` with a GIN index). Both the indexed text and the query are folded here, the same way on
both backends, so that case, diacritics and the ĳ ligature do not matter: «wezenlijk» finds «wezenlĳk» and
«technologieen» finds «technologieën». Words of a query are combined with AND across the whole assessment, each
word of three characters or more matching anywhere inside a word (Dutch compounds: «technologieen» finds
«communicatietechnologieën», «waterstof» finds «waterstofnetwerk»); a shorter word matches a whole word only
(«eu», «2»: «2» does not find «2024»).

A query is reduced to its words: operators of the full-text syntax (``"``, ``*``, ``NEAR``, ``-``, ``OR``) are
plain words or nothing, so no input can make the database raise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_TERMS = 12  # words of a query that are used; the rest is ignored (and said so by the views)
MAX_TERM_LENGTH = 40
SNIPPET_WIDTH = 160
META_PART = "meta"
OTHER_PART = "other"
_PER_QUESTION = ("qualifiers", "unknown")
_SKIP_TOP = frozenset({"framework", "format", "meta", "answers", *_PER_QUESTION})
_WORD = re.compile(r"[^\W_]+")
# One character at a time, so that a position in the folded text maps back to the original.
_SPECIAL = {"ĳ": "ij", "Ĳ": "ij", "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o"}


def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch.isascii():
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold()


_FOLDED: dict[str, str] = {"\x00": ""}  # non-ASCII character (after lower()) -> its folded form
_WIDENS: set[str] = set()  # characters that fold to more or fewer than one character (ĳ, ß, a lone accent)
_NON_ASCII = re.compile(r"[^\x01-\x7f]")


def _folded(match: re.Match[str]) -> str:
    ch = match.group()
    found = _FOLDED.get(ch)
    if found is None:
        found = _FOLDED[ch] = _fold_char(ch)
        if len(found) != 1:
            _WIDENS.add(ch)
    return found


def fold(text: str) -> str:
    """``text`` in lower case without diacritics, ligatures spelled out (the form that is indexed)."""
    lowered = text.lower()
    return lowered if lowered.isascii() and "\x00" not in lowered else _NON_ASCII.sub(_folded, lowered)


def _fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, where lengths differ, per folded character the index of its original character."""
    folded = fold(text)
    if len(folded) == len(text) and (text.isascii() or not any(ch in text.lower() for ch in _WIDENS)):
        return folded, None  # one character for one: positions are the same
    origin: list[int] = []
    for index, ch in enumerate(text):
        origin.extend([index] * len(fold(ch)))
    return folded, origin


def terms(query: str | None) -> list[str]:
    """The folded words of a search query, at most :data:`MAX_TERMS`, each at most :data:`MAX_TERM_LENGTH`."""
    if not query:
        return []
    found: list[str] = []
    for word in _WORD.findall(fold(query[: MAX_TERMS * (MAX_TERM_LENGTH + 1) * 4])):
        word = word[:MAX_TERM_LENGTH]
        if word not in found:
            found.append(word)
        if len(found) == MAX_TERMS:
            break
    return found


def feedback(query: str | None) -> str | None:
    """The catalog key of what a user should hear about a query: no words in it, or words left out."""
    if not query or not query.strip():
        return None
    words = _WORD.findall(fold(query[: MAX_TERMS * (MAX_TERM_LENGTH + 1) * 4]))
    if not words:
        return "search_no_words"
    if len(set(words)) > MAX_TERMS:
        return "search_too_many_words"
    return None


def part_label(part: str, framework: Any, lang: str) -> str:
    """The name of the part a hit is in: the question's number and title, «Gegevens» or «Overig»."""
    from framework.i18n import t

    if part == META_PART:
        return t("search_part_meta", lang)
    question = framework.question(part) if framework is not None else None
    if question is None:
        return t("search_part_other", lang) if part == OTHER_PART else part
    title = question.title(lang)
    return title if title.startswith(f"{question.number}.") else f"{question.number}. {title}"


def terms_all(text: str) -> list[str]:
    """Every folded word of ``text``, in order (what the full-text index is given)."""
    return _WORD.findall(fold(text))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.strip():
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def parts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The searchable text of an assessment (its JSON data), one ``(part, text)`` per part that has text.

    Every string is taken, so that what a later format adds (qualifiers, evidence) is found without a change
    here; option ids are taken too, which lets «deels» find an assessment that answered «deels».
    """
    result: list[tuple[str, str]] = []
    meta = "\n".join(_strings(data.get("meta") or {}))
    if meta:
        result.append((META_PART, meta))
    # format /2: a qualifier or a reason for «onbekend» is found in the question it belongs to
    by_question: dict[str, list[str]] = {}
    for name in _PER_QUESTION:
        for question_id, marks in (data.get(name) or {}).items():
            by_question.setdefault(str(question_id), []).extend(_strings(marks))
    for question_id, answer in (data.get("answers") or {}).items():
        text = "\n".join([*_strings(answer), *by_question.pop(str(question_id), [])])
        if text:
            result.append((str(question_id), text))
    result += [(question_id, "\n".join(texts)) for question_id, texts in by_question.items() if texts]
    other = "\n".join(s for key, value in data.items() if key not in _SKIP_TOP for s in _strings(value))
    if other:
        result.append((OTHER_PART, other))
    return [(part, text.replace("\x00", "")) for part, text in result]


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a search matched in one assessment: the part (``meta``, a question id, ``other``) and a snippet."""

    part: str
    snippet: str


def snippet(text: str, words: list[str], width: int = SNIPPET_WIDTH) -> str | None:
    """A piece of ``text`` around the first word that starts with one of ``words`` (folded); None if none does."""
    folded, origin = _fold_with_map(text)
    best: int | None = None
    for word in words:
        pattern = re.escape(word) if len(word) >= 3 else r"(?<![^\W_])" + re.escape(word) + r"(?![^\W_])"
        match = re.search(pattern, folded)
        if match and (best is None or match.start() < best):
            best = match.start()
    if best is None:
        return None
    centre = best if origin is None else (origin[best] if best < len(origin) else 0)
    start = max(0, centre - width // 3)
    end = min(len(text), start + width)
    piece = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def hits(found: list[tuple[str, str]], words: list[str], limit: int = 3) -> list[Hit]:
    """Snippets for the parts of one assessment that matched (meta first, then in framework order)."""
    result: list[Hit] = []
    for part, text in found:
        piece = snippet(text, words)
        if piece is not None:
            result.append(Hit(part, piece))
        if len(result) == limit:
            break
    return result
