"""Storage of assessments: SQLite by default, PostgreSQL for a ministry (see docs/storage.md).

from framework.store import open_store, ListQuery
store = open_store()                      # IPCEI_DATABASE_URL, else data/ipcei.db; migrates
record = store.create(assessment, by="A. de Vries")
record = store.save(record.id, edited, by="A. de Vries", based_on=record.revision)
page = store.list(ListQuery(status="concept", limit=50))
"""

from __future__ import annotations

from framework.errors import ConflictError, StoreError
from framework.store.engine import busy_timeout_ms, database_url, describe, make_engine, parse_url
from framework.store.errors import (
    ArchivedError,
    DatabaseError,
    DuplicateImportError,
    FrozenError,
    NotFound,
    NotFoundError,
    RevisionConflict,
    StatusError,
    is_driver_error,
    translate,
)
from framework.store.migrations import LATEST as SCHEMA_VERSION
from framework.store.migrations import migrate, schema_version
from framework.store.records import (
    Action,
    AuditEntry,
    FrameworkInfo,
    ListQuery,
    Page,
    Record,
    RevisionInfo,
    Summary,
)
from framework.store.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "Action",
    "ArchivedError",
    "AuditEntry",
    "ConflictError",
    "DatabaseError",
    "DuplicateImportError",
    "FrameworkInfo",
    "FrozenError",
    "ListQuery",
    "NotFound",
    "NotFoundError",
    "Page",
    "Record",
    "RevisionConflict",
    "RevisionInfo",
    "StatusError",
    "Store",
    "StoreError",
    "Summary",
    "open_store",
]


def open_store(url: str | None = None, *, timeout_ms: int | None = None, upgrade: bool = True) -> Store:
    """Open the store and bring its schema up to date.

    Args:
        url: a SQLAlchemy URL; default ``IPCEI_DATABASE_URL``, else ``sqlite:///<IPCEI_DATA_DIR>/ipcei.db``
            (``IPCEI_DATA_DIR`` defaults to ``./data``).
        timeout_ms: how long a write waits for a lock (SQLite busy time-out, PostgreSQL lock time-out);
            default ``IPCEI_DB_TIMEOUT_MS`` or 5000.
        upgrade: run pending migrations (default); without it a database that is not up to date is refused.

    Raises:
        DatabaseError: the database cannot be reached or opened, or has a schema newer than this program.
    """
    parsed = parse_url(database_url(url))
    where = describe(parsed)
    engine = make_engine(parsed, timeout_ms=busy_timeout_ms(timeout_ms))
    try:
        if upgrade:
            migrate(engine)
        else:
            version = schema_version(engine)
            if version != SCHEMA_VERSION:
                raise DatabaseError(
                    f"{where}: schema version {version}, this program needs {SCHEMA_VERSION}", kind="schema"
                )
    except Exception as exc:
        engine.dispose()
        if is_driver_error(exc):
            raise translate(exc, operation="open the database", where=where) from exc
        raise
    return Store(engine, parsed, where)
