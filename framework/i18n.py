"""Fixed texts in Dutch and English, and Dutch-style dates and amounts.

Texts live in ``framework/texts/*.yaml`` (one file per area: common, report, ui ...), each a mapping of a key
to ``{nl: ..., en: ...}``. Dutch is the default language; English is there on request.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import cache
from pathlib import Path

from framework.errors import InputError
from framework.yamlio import line_of, read_file

TEXTS_DIR = Path(__file__).resolve().parent / "texts"
LANGUAGES = ("nl", "en")


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All fixed texts; a key defined twice or lacking a language is an error naming file and line."""
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(TEXTS_DIR.glob("*.yaml")):
        data, lines = read_file(path)
        if not isinstance(data, dict):
            raise InputError.single(str(path), "expected a mapping of text keys")
        for key, value in data.items():
            line = line_of(lines, (key,))
            if key in texts:
                raise InputError.single(str(path), "text key defined in another file too", line=line, field=key)
            if not isinstance(value, dict) or set(value) != set(LANGUAGES):
                raise InputError.single(str(path), "needs exactly the keys nl and en", line=line, field=key)
            if not all(isinstance(v, str) and v for v in value.values()):
                raise InputError.single(str(path), "both texts must be non-empty strings", line=line, field=key)
            texts[key] = value
    return texts


def default_language() -> str:
    lang = os.environ.get("IPCEI_LANG", "nl")
    return lang if lang in LANGUAGES else "nl"


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The text for ``key`` in ``lang`` (default ``IPCEI_LANG`` or nl), with ``{name}`` placeholders filled."""
    entry = catalog()[key]
    text = entry[lang if lang in LANGUAGES else default_language()]
    return text.format(**params) if params else text


def format_date(value: date | datetime | str | None, lang: str = "nl") -> str:
    """DD-MM-YYYY in Dutch, and in English too (the ministry's convention); '' for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d-%m-%Y")


def format_datetime(value: datetime | None, lang: str = "nl") -> str:
    return value.strftime("%d-%m-%Y %H:%M") if value else ""


def format_eur(amount: int | None, lang: str = "nl") -> str:
    """``€ 230.000.000`` in Dutch, ``€230,000,000`` in English; '' for nothing."""
    if amount is None:
        return ""
    grouped = f"{amount:,}"
    if lang == "en":
        return f"€{grouped}"
    return "€ " + grouped.replace(",", ".")
