"""What the numbered migrations share: append-only triggers on either database, and the latest document of every
assessment in batches (for a back-fill that never holds all documents in memory)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.engine import Connection

_SQLITE_APPEND_ONLY = """
CREATE TRIGGER {table}_append_only_{event} BEFORE {event} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be changed or removed'); END
"""
PG_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION ipcei_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: rows cannot be changed or removed';
END $$
"""


def append_only(conn: Connection, table: str, *, truncate: bool = False) -> None:
    """A table whose rows are never updated or deleted (a trigger refuses it, on either database).

    ``truncate``: on PostgreSQL a second trigger refuses ``TRUNCATE`` too (migration 2 gave the revisions and the
    audit log one; SQLite has no ``TRUNCATE``).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ipcei_append_only()"
            )
        )
        if truncate:
            conn.execute(
                text(
                    f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION ipcei_append_only()"
                )
            )
    else:
        for event in ("UPDATE", "DELETE"):
            conn.execute(text(_SQLITE_APPEND_ONLY.format(table=table, event=event)))


def latest_documents(conn: Connection, size: int = 500) -> Iterator[list[tuple[str, str]]]:
    """The id and latest document of every assessment, in batches of ``size`` (never all documents in memory)."""
    heads = text(
        "SELECT a.id, r.document FROM assessments a "
        "JOIN revisions r ON r.assessment_id = a.id AND r.number = a.revision "
        "WHERE a.id > :last ORDER BY a.id LIMIT :size"
    )
    last = ""
    while batch := [tuple(row) for row in conn.execute(heads, {"last": last, "size": size}).all()]:
        yield batch
        last = batch[-1][0]
