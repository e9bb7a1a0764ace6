"""What the store hands out: records, list summaries, revisions and audit entries (plain, frozen values)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, cast

from framework.assessment import Assessment, Status


class Action(StrEnum):
    """What the audit log records. Other modules may record further actions (lower-case words)."""

    CREATED = "created"
    IMPORTED = "imported"
    DUPLICATED = "duplicated"
    SAVED = "saved"
    STATUS_CHANGED = "status_changed"
    EXPORTED = "exported"
    SIGNED_OFF = "signed_off"
    ARCHIVED = "archived"
    RESTORED = "restored"
    UPGRADED = "upgraded"  # moved to another version of the framework (framework.upgrade)


# Actions that append a revision (the audit entry then names the revision and its hash).
REVISION_ACTIONS = frozenset(
    {Action.CREATED, Action.IMPORTED, Action.DUPLICATED, Action.SAVED, Action.STATUS_CHANGED, Action.UPGRADED}
)
ACTION_PATTERN = re.compile(r"^[a-z][a-z_]{1,39}$")


class Plain:
    """Base of a frozen record: ``as_dict`` gives each field, a time as ISO 8601 text and an enum as its value."""

    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(cast(Any, self))}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value.value if isinstance(value, Enum) else value


SORT_KEYS = ("updated", "created", "title", "ipcei", "status", "ecosystem", "phase", "advice", "author", "year")


@dataclass(frozen=True, slots=True)
class Summary(Plain):
    """One row of a list: the indexed columns of an assessment, without its document."""

    id: str
    revision: int
    framework_key: str
    status: Status
    title: str
    ipcei: str
    ecosystem: str
    phase: str
    advice: str | None
    author: str
    year: int | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    archived: bool
    content_hash: str


@dataclass(frozen=True, slots=True)
class Record:
    """An assessment as stored now: its latest revision and who made it when."""

    id: str
    revision: int
    assessment: Assessment
    framework_key: str
    status: Status
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    archived: bool
    content_hash: str
    framework_sha256: str = ""

    def as_dict(self, *, with_document: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "revision": self.revision,
            "framework_key": self.framework_key,
            "status": self.status.value,
            "title": self.assessment.meta.title,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
            "archived": self.archived,
            "content_hash": self.content_hash,
        }
        if with_document:
            data["assessment"] = self.assessment.model_dump(mode="json")
        return data


@dataclass(frozen=True, slots=True)
class RevisionInfo(Plain):
    """One revision in the history of an assessment; ``hash`` chains it to ``previous_hash``."""

    number: int
    by: str
    at: datetime
    kind: str
    status: Status
    content_hash: str
    hash: str
    previous_hash: str


@dataclass(frozen=True, slots=True)
class AuditEntry(Plain):
    """One entry of the append-only audit log."""

    seq: int
    action: str
    by: str
    at: datetime
    assessment_id: str | None
    revision: int | None
    detail: dict[str, Any]
    hash: str
    previous_hash: str


@dataclass(frozen=True, slots=True)
class FrameworkInfo:
    """A framework version the store has seen; its full text is kept so old assessments still open."""

    sha256: str
    key: str
    framework_id: str
    version: str
    first_seen_at: datetime


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Filters, sort and page of :meth:`Store.list`.

    ``text`` searches everything written (full text, words combined with AND, folded: see
    :mod:`framework.search`); ``author`` matches part of the author's name, whatever the case or accents.
    """

    status: Status | str | None = None
    ecosystem: str | None = None
    phase: str | None = None
    advice: str | None = None
    author: str | None = None
    year: int | None = None
    text: str | None = None
    include_archived: bool = False
    archived_only: bool = False
    sort: str = "updated"
    descending: bool = True
    offset: int = 0
    limit: int = 50
    drafted_by: str | None = None  # only what this person drafted: named as author, or created by them

    def __post_init__(self) -> None:
        if self.sort not in SORT_KEYS:
            raise ValueError(f"unknown sort key {self.sort!r}; use one of: {', '.join(SORT_KEYS)}")
        if not 1 <= self.limit <= 500:
            raise ValueError("limit must be between 1 and 500")
        if self.offset < 0:
            raise ValueError("offset cannot be negative")
        if self.status is not None:
            Status(self.status)  # raises ValueError for an unknown status


@dataclass(frozen=True, slots=True)
class Page:
    """One page of summaries and the number of all that match."""

    items: list[Summary]
    total: int
    offset: int = 0
    limit: int = 50

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total
