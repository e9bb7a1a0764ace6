"""Between assessments and rows: the indexed columns of a document, and records built from rows."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select

from framework.assessment import Assessment, Status
from framework.dossier import dossier_key
from framework.errors import InputError
from framework.search import fold, terms
from framework.store import fulltext
from framework.store.records import ListQuery, Record, Summary
from framework.store.tables import assessments, revisions

ADVICE_FIELD = ("q14", "advice")  # the concluding advice, shown and filtered in lists
MAX_NAME = 120


def _clean(value: Any) -> str:
    return str(value or "").replace("\x00", "")  # PostgreSQL text cannot hold NUL


def searchable(*parts: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", _clean(p)).casefold() for p in parts if p)


def columns_from_data(data: dict[str, Any]) -> dict[str, Any]:
    """The list columns of an assessment, from its JSON data (the same on save and in ``verify``)."""
    meta = data.get("meta") or {}
    answers = data.get("answers") or {}
    advice = (answers.get(ADVICE_FIELD[0]) or {}).get(ADVICE_FIELD[1])
    created = str(meta.get("created") or "")
    title, ipcei = _clean(meta.get("title")), _clean(meta.get("ipcei"))
    return {
        "status": str(meta.get("status") or Status.CONCEPT.value),
        "title": title,
        "ipcei": ipcei,
        "ecosystem": _clean(meta.get("ecosystem")),
        "phase": _clean(meta.get("phase")),
        "advice": _clean(advice) if isinstance(advice, str) and advice else None,
        "author": _clean(meta.get("author")),
        "year": int(created[:4]) if created[:4].isdigit() else None,
        "created_on": _day(created),
        "search": searchable(title, ipcei, _clean(meta.get("case_number"))),
        "author_key": fold(_clean(meta.get("author"))),
        "dossier": dossier_key(meta),
        **portfolio_figures(data),
    }


def _day(created: str) -> date | None:
    """``meta.created`` as a date (the assessment's own date), None when it is not one."""
    try:
        return date.fromisoformat(created[:10])
    except ValueError:
        return None


MAX_AMOUNT = 2**63 - 1  # BIGINT


def _amount(value: Any) -> int | None:
    """A whole amount in euros, else None (a missing block, another type, «onbekend»: no figure)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        return None
    return value


def portfolio_figures(data: dict[str, Any]) -> dict[str, int | None]:
    """The amounts the portfolio sums: the national budget (``meta``) and the aid requested (``key_figures``).

    Read defensively: a document without a ``key_figures`` block (format /1) gives None for the aid requested.
    """
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    figures = data.get("key_figures") if isinstance(data.get("key_figures"), dict) else {}
    return {
        "national_budget_eur": _amount(meta.get("national_budget_eur")),
        "aid_requested_eur": _amount(figures.get("aid_requested_eur")),
    }


def check_by(by: Any) -> str:
    """The name of the person acting: required, at most 120 characters, no control characters."""
    if not isinstance(by, str) or not by.strip():
        raise InputError.single("by", "the name of the person acting is required")
    by = by.strip()
    if len(by) > MAX_NAME or any(unicodedata.category(ch).startswith("C") for ch in by):
        raise InputError.single("by", f"a name is at most {MAX_NAME} characters, without control characters")
    return by


def record_query() -> Select:
    return select(assessments, revisions.c.document).join(
        revisions,
        and_(revisions.c.assessment_id == assessments.c.id, revisions.c.number == assessments.c.revision),
    )


def record_from_row(row: Any) -> Record:
    return Record(
        id=row.id,
        revision=row.revision,
        assessment=Assessment.model_validate_json(row.document),
        framework_key=row.framework_key,
        status=Status(row.status),
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        archived=bool(row.archived),
        content_hash=row.content_hash,
        framework_sha256=row.framework_sha256,
    )


SUMMARY_COLUMNS = [
    assessments.c[name]
    for name in (
        "id",
        "revision",
        "framework_key",
        "status",
        "title",
        "ipcei",
        "ecosystem",
        "phase",
        "advice",
        "author",
        "year",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "archived",
        "content_hash",
    )
]

_SORT = {
    "updated": assessments.c.updated_at,
    "created": assessments.c.created_at,
    "title": func.lower(assessments.c.title),
    "ipcei": func.lower(assessments.c.ipcei),
    "status": assessments.c.status,
    "ecosystem": assessments.c.ecosystem,
    "phase": assessments.c.phase,
    "advice": assessments.c.advice,
    "author": assessments.c.author,
    "year": assessments.c.year,
}


_NULLABLE = {"advice", "year"}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_conditions(query: ListQuery, dialect: str) -> list[Any]:
    conditions: list[Any] = []
    searching = bool(query.text and query.text.strip())
    archived: Any = assessments.c.archived
    if searching and dialect == "sqlite":
        # The full-text match must drive the query (a few ids, each looked up by key). Left indexable, the
        # archived flag lures SQLite's planner, which has no statistics, into walking every assessment newest
        # first and testing each against the matches: 10 ms for a word that is nowhere, at 10,000.
        archived = func.coalesce(archived, False)
    if query.archived_only:
        conditions.append(archived.is_(True))
    elif not query.include_archived:
        conditions.append(archived.is_(False))
    for name in ("ecosystem", "phase", "advice", "year"):
        value = getattr(query, name)
        if value is not None and value != "":
            conditions.append(assessments.c[name] == value)
    if query.author and query.author.strip():  # part of the name, whatever the case or accents
        pattern = f"%{_escape_like(fold(query.author.strip()))}%"
        conditions.append(assessments.c.author_key.like(pattern, escape="\\"))
    if query.status is not None:
        conditions.append(assessments.c.status == Status(query.status).value)
    if searching:
        words = terms(query.text)
        conditions += fulltext.conditions(dialect, words) if words else [false()]  # no word: nothing matches
    if query.drafted_by:  # the database's lower() on both sides, so both backends compare alike
        name = func.lower(query.drafted_by.strip())
        conditions.append(or_(func.lower(assessments.c.author) == name, func.lower(assessments.c.created_by) == name))
    return conditions


def list_order(query: ListQuery) -> list[Any]:
    column = _SORT[query.sort]
    first = column.desc() if query.descending else column.asc()
    if query.sort in _NULLABLE:  # the same order on both backends; NOT NULL columns keep their index order
        first = first.nulls_last()
    tie = assessments.c.id.desc() if query.descending else assessments.c.id.asc()
    return [first, tie]


def summary_from_row(row: Any) -> Summary:
    """A summary from a row of :data:`SUMMARY_COLUMNS` (by position: attribute look-ups on rows are slow)."""
    (aid, revision, key, status, *text, archived, content_hash) = tuple(row)
    return Summary(aid, revision, key, Status(status), *text, bool(archived), content_hash)
