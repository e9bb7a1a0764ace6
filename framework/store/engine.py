"""Which database, and a SQLAlchemy engine set up for safe writes on it.

SQLite (the default, a file under ``IPCEI_DATA_DIR``): write-ahead log, ``synchronous=FULL`` (a committed
save survives a power cut), a busy time-out, foreign keys on, and transactions begun by us (``BEGIN
IMMEDIATE`` for writes, so that a writer waits for the lock up front instead of failing half-way).
PostgreSQL (``postgresql+psycopg://``): pre-ping of pooled connections, a connect and a lock time-out.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from framework.store.errors import DatabaseError

DEFAULT_BUSY_TIMEOUT_MS = 5000
PG_CONNECT_TIMEOUT_S = 5


def data_dir() -> Path:
    return Path(os.environ.get("IPCEI_DATA_DIR") or "data")


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``IPCEI_DATABASE_URL``, else ``sqlite:///<IPCEI_DATA_DIR>/ipcei.db``.

    The folder of the default SQLite file is created when missing.
    """
    chosen = url or os.environ.get("IPCEI_DATABASE_URL")
    if chosen:
        return chosen
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / 'ipcei.db').resolve()}"


def parse_url(url: str) -> URL:
    """A SQLAlchemy URL for SQLite or PostgreSQL (``postgresql://`` means psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"not a database URL: {url!r}", kind="cannot_open") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres") and parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.drivername not in ("sqlite", "sqlite+pysqlite"):
        raise DatabaseError(f"unsupported SQLite driver {parsed.drivername!r}; use sqlite:///FILE", kind="cannot_open")
    if backend == "postgresql" and parsed.drivername != "postgresql+psycopg":
        raise DatabaseError(
            f"unsupported PostgreSQL driver {parsed.drivername!r}; use postgresql+psycopg://", kind="cannot_open"
        )
    if backend not in ("sqlite", "postgresql", "postgres"):
        raise DatabaseError(
            f"unsupported database {backend!r}; use sqlite:///FILE or postgresql+psycopg://…", kind="cannot_open"
        )
    return parsed


def describe(url: URL) -> str:
    """The URL without its password, for messages."""
    return url.render_as_string(hide_password=True)


def busy_timeout_ms(value: int | None = None) -> int:
    if value is not None:
        return value
    try:
        return int(os.environ.get("IPCEI_DB_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT_MS


def make_engine(url: URL, *, timeout_ms: int) -> Engine:
    sqlite = url.get_backend_name() == "sqlite"
    engine = _sqlite_engine(url, timeout_ms) if sqlite else _postgres_engine(url, timeout_ms)
    _log_committed_events(engine)
    return engine


def _log_committed_events(engine: Engine) -> None:
    """Audit entries appended in a transaction are logged (framework.logs) when it commits, dropped on rollback."""
    from framework import logs
    from framework.store.audit import PENDING_EVENTS

    @event.listens_for(engine, "commit")
    def _on_commit(connection) -> None:
        for action, by, assessment_id, revision, seq in connection.info.pop(PENDING_EVENTS, ()):
            logs.event(action, by=by, assessment_id=assessment_id, revision=revision, seq=seq)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection) -> None:
        connection.info.pop(PENDING_EVENTS, None)


def sqlite_read_only(url: URL) -> bool:
    """Whether the SQLite file exists but cannot be written (file or folder read-only)."""
    path = Path(url.database or "")
    if url.query.get("mode") == "ro":
        return True
    if not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _read_only_url(url: URL) -> URL:
    """Open a read-only file read-only; ``immutable`` where the folder cannot hold the WAL index either."""
    path = Path(url.database or "").resolve()
    query = {"mode": "ro", "uri": "true"}
    if not os.access(path.parent, os.W_OK):
        query["immutable"] = "1"  # no process can write here, and SQLite could not create its -shm file
    return url.set(database=f"file:{quote(str(path))}", query=query)


def _sqlite_engine(url: URL, timeout_ms: int) -> Engine:
    if url.database in (None, "", ":memory:") or str(url.database).startswith("file:"):
        raise DatabaseError("give the SQLite database as a file path: sqlite:///PATH/ipcei.db", kind="cannot_open")
    if sqlite_read_only(url) and "uri" not in url.query:
        url = _read_only_url(url)
    engine = create_engine(url, connect_args={"timeout": timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            pass  # a read-only file keeps its journal mode; reading still works, writing fails clearly
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {'IMMEDIATE' if mode == 'IMMEDIATE' else 'DEFERRED'}")

    return engine


def _postgres_engine(url: URL, timeout_ms: int) -> Engine:
    engine = create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S, "application_name": "ipcei"},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(timeout_ms)}")
        dbapi_connection.commit()

    return engine
