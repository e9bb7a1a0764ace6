"""The store's errors: all are :class:`~framework.errors.StoreError`, so a caller can catch one kind.

Every error raised while writing carries the caller's assessment in ``unsaved`` (``None`` when nothing was
being written), so that the app can keep the user's text on screen when the database fails.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc as sa_exc

from framework.errors import ConflictError, StoreError

if TYPE_CHECKING:
    from framework.assessment import Assessment
    from framework.store.records import Record


class NotFoundError(StoreError):
    """No assessment (or revision) with that id."""

    def __init__(self, message: str, *, unsaved: Assessment | None = None):
        super().__init__(message)
        self.unsaved = unsaved


NotFound = NotFoundError


class ArchivedError(StoreError):
    """The assessment is archived: restore it before changing it."""

    def __init__(self, message: str, *, unsaved: Assessment | None = None):
        super().__init__(message)
        self.unsaved = unsaved


class FrozenError(StoreError):
    """The assessment is signed off (vastgesteld) or archived after sign-off: its content can no longer change.

    A change is a new version (``framework.workflow.new_version``) that links to this one.
    """

    def __init__(self, message: str, *, unsaved: Assessment | None = None):
        super().__init__(message)
        self.unsaved = unsaved


class StatusError(StoreError):
    """A write that would set a status the store does not allow this way: a save that changes the status (only a
    workflow step does), or vastgesteld/gearchiveerd without the store's own sign-off record."""

    def __init__(self, message: str, *, unsaved: Assessment | None = None):
        super().__init__(message)
        self.unsaved = unsaved


class DuplicateImportError(StoreError):
    """The imported file (or an assessment with exactly the same content) is already in the store."""

    def __init__(self, message: str, *, existing_id: str):
        super().__init__(message)
        self.existing_id = existing_id
        self.unsaved = None


class RevisionConflict(ConflictError):
    """A save based on a revision that is no longer the latest; carries both versions for the UI.

    Attributes:
        mine: the assessment the caller tried to save (also in ``unsaved``).
        theirs: the record as it is now in the store.
        base_revision: the revision number the caller's edit started from.
    """

    def __init__(self, *, mine: Assessment, theirs: Record, base_revision: int):
        super().__init__(
            f"assessment {theirs.id} was changed by {theirs.updated_by} at {theirs.updated_at:%Y-%m-%d %H:%M} UTC "
            f"(now revision {theirs.revision}) after your edit began from revision {base_revision}; "
            "nothing was saved. Compare both versions and save again."
        )
        self.mine = mine
        self.theirs = theirs
        self.base_revision = base_revision
        self.unsaved = mine


class DatabaseError(StoreError):
    """The database could not be used: unreachable, read-only, locked, full or damaged.

    Attributes:
        kind: one of ``unreachable``, ``read_only``, ``locked``, ``full``, ``damaged``, ``cannot_open``,
            ``schema`` or ``other``.
        unsaved: the assessment that was being written, if any; nothing of it was committed.
    """

    def __init__(self, message: str, *, kind: str = "other", unsaved: Assessment | None = None):
        super().__init__(message)
        self.kind = kind
        self.unsaved = unsaved


def is_driver_error(exc: BaseException) -> bool:
    """Raised by SQLAlchemy or a database driver (which SQLAlchemy does not wrap in every case)."""
    if isinstance(exc, sa_exc.SQLAlchemyError | sqlite3.Error):
        return True
    psycopg = sys.modules.get("psycopg")  # loaded only when PostgreSQL is used
    return psycopg is not None and isinstance(exc, psycopg.Error)


# (kind, pattern in the driver's message, what to tell the user)
_KNOWN: list[tuple[str, str, str]] = [
    ("read_only", r"readonly database|read-only|read only", "the database is read-only (file or disk not writable)"),
    (
        "locked",
        r"database is locked|database table is locked|database is busy|lock timeout|could not obtain lock",
        "the database is locked by another process and stayed locked longer than the time-out; try again",
    ),
    (
        "full",
        r"database or disk is full|no space left|could not extend file|disk full|quota",
        "the disk holding the database is full",
    ),
    (
        "damaged",
        r"malformed|file is not a database|file is encrypted|corrupt",
        "the database file is damaged or not a database",
    ),
    ("io", r"disk i/o error", "the disk reported an input/output error (it may be full or failing)"),
    ("cannot_open", r"unable to open database file", "the database file cannot be opened (missing folder or access)"),
    (
        "unreachable",
        r"connection refused|could not connect|server closed the connection|terminating connection|"
        r"connection is closed|connection already closed|consuming input failed|no connection to the server|"
        r"connection timeout|timeout expired|the database system is (shutting down|starting up|in recovery)|"
        r"connection to server .* failed|ssl syscall error|eof detected|lost synchronization",
        "the database server cannot be reached or closed the connection",
    ),
]


def translate(exc: BaseException, *, operation: str, where: str, unsaved: Assessment | None = None) -> DatabaseError:
    """One clear :class:`DatabaseError` for a failure of the database driver.

    Args:
        exc: the SQLAlchemy (or driver) exception.
        operation: what the store was doing, e.g. ``"save assessment 3f2a…"``.
        where: the database, described without password.
        unsaved: the assessment being written, handed back to the caller.
    """
    original = getattr(exc, "orig", None) or exc
    detail = " ".join(str(original).split())[:300]
    lowered = detail.lower()
    kind, reason = "other", "the database reported an error"
    for candidate, pattern, text in _KNOWN:
        if re.search(pattern, lowered):
            kind, reason = candidate, text
            break
    else:
        if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
            kind, reason = "unreachable", "the connection to the database was lost"
    if kind == "other" and isinstance(exc.__context__, BaseException) and exc.__context__ is not exc:
        # A rollback that failed after the real fault (e.g. SQLAlchemy's «Please rollback() fully» once the server
        # went away mid-transaction): the fault before it says what happened.
        cause = exc.__context__
        if is_driver_error(cause):
            earlier = translate(cause, operation=operation, where=where, unsaved=unsaved)
            if earlier.kind != "other":
                return earlier
    outcome = "nothing was saved" if unsaved is not None else "nothing was changed"
    return DatabaseError(f"could not {operation}: {reason}; {outcome} ({where}: {detail})", kind=kind, unsaved=unsaved)


def with_unsaved(exc: StoreError, unsaved: Any) -> StoreError:
    """Attach the caller's assessment to a store error that has none yet."""
    if unsaved is not None and getattr(exc, "unsaved", None) is None:
        exc.unsaved = unsaved  # type: ignore[attr-defined]
    return exc
