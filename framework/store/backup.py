"""Backups of the store that restore: SQLite's online backup API, ``pg_dump`` in its custom format for PostgreSQL.

``backup(url, path)`` copies a database that is in use (saves go on while it runs; the copy is one consistent
moment) to ``path``, written aside and renamed into place, so a half-written backup never carries the name.
``restore(path, url)`` fills an EMPTY database from such a file. Before it writes anything it checks the file:
complete (a truncated or damaged file is refused), of this program's kind, and not from a newer schema than this
program knows. The restore itself is all or nothing: a SQLite copy is made aside and renamed, a PostgreSQL
restore runs in one transaction (``pg_restore --single-transaction --exit-on-error``).

Rows only: the store knows no PDF. Run ``ipcei db verify`` on the restored copy (docs/deployment.md).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from framework.errors import StoreError
from framework.store.engine import database_url, describe, make_engine, parse_url
from framework.store.migrations import LATEST

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
_NEEDED = ("schema_migrations", "assessments", "revisions", "audit_log", "audit_head")


class BackupError(StoreError):
    """A backup cannot be made, or a backup file cannot be restored (it says which and why)."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds: its format, the schema version it was made with, and its size."""

    path: Path
    kind: str  # "sqlite" or "pg_dump"
    schema_version: int
    size: int


# --- making a backup -------------------------------------------------------------------------------------------


def backup(url: str | None, target: Path) -> BackupInfo:
    """Copy the database at ``url`` (default: ``IPCEI_DATABASE_URL``) to ``target`` while it is in use."""
    parsed = parse_url(database_url(url))
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if parsed.get_backend_name() == "sqlite":
            _backup_sqlite(parsed, partial)
        else:
            _backup_postgres(parsed, partial)
        info = inspect_backup(partial, refuse_newer=False)  # a backup of what is there; a restore refuses it
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        partial.replace(target)
    except OSError as exc:
        raise BackupError(f"{target}: the backup cannot be written ({exc.strerror or exc})") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(target, info.kind, info.schema_version, target.stat().st_size)


def _backup_sqlite(url: URL, partial: Path) -> None:
    source_path = Path(url.database or "")
    if not source_path.is_file():
        raise BackupError(f"{describe(url)}: no such database file")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # all pages in one step: one consistent moment, writers in WAL mode go on
        copy.execute("PRAGMA journal_mode = DELETE")  # the backup is one self-contained file
        copy.commit()
    except sqlite3.Error as exc:
        raise BackupError(f"{describe(url)}: the backup failed ({exc})") from None
    finally:
        copy.close()
        source.close()


def _backup_postgres(url: URL, partial: Path) -> None:
    schema, server_version = _pg_facts(url)
    result = _pg_tool(
        "pg_dump",
        server_version,
        ["--format=custom", f"--schema={schema}", "--no-owner", "--no-privileges", f"--file={partial}"],
        url,
    )
    if result.returncode != 0:
        raise BackupError(f"{describe(url)}: pg_dump failed: {_last_lines(result.stderr)}")


# --- reading a backup ------------------------------------------------------------------------------------------


def inspect_backup(path: Path, *, refuse_newer: bool = True) -> BackupInfo:
    """Check a backup file before anything is written from it.

    Raises:
        BackupError: missing, truncated or damaged, not a backup of this program, or of a newer schema.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise BackupError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if head.startswith(SQLITE_MAGIC):
        version = _sqlite_backup_version(path, head, size)
        kind = "sqlite"
    elif head.startswith(PGDUMP_MAGIC):
        version = _pg_backup_version(path)
        kind = "pg_dump"
    else:
        raise BackupError(f"{path}: not a backup made by `ipcei db backup` (neither SQLite nor pg_dump custom format)")
    if version > LATEST and refuse_newer:
        raise BackupError(
            f"{path}: the backup has schema version {version}, newer than this program knows ({LATEST}); "
            "restore it with a newer version of the program"
        )
    return BackupInfo(path, kind, version, size)


def _sqlite_backup_version(path: Path, head: bytes, size: int) -> int:
    if len(head) < 100:
        raise BackupError(f"{path}: truncated (only {size} bytes)")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    if pages and size < pages * page_size:
        raise BackupError(f"{path}: truncated ({size} bytes; its header says {pages * page_size})")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            check = conn.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise BackupError(f"{path}: damaged ({'; '.join(str(row[0]) for row in check[:3])})")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [name for name in _NEEDED if name not in tables]
            if missing:
                raise BackupError(f"{path}: not a backup of this program's database (no table {missing[0]})")
            return conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: damaged or truncated ({exc})") from None


_COPY = re.compile(r"^COPY \S*schema_migrations \(([^)]*)\) FROM stdin;$")


def _pg_backup_version(path: Path) -> int:
    listed = _pg_tool("pg_restore", None, ["--list", str(path)], None)
    if listed.returncode != 0:
        raise BackupError(f"{path}: damaged or truncated: {_last_lines(listed.stderr)}")
    names = set(re.findall(r" TABLE (?:DATA )?\S+ (\w+) ", listed.stdout))
    missing = [name for name in _NEEDED if name not in names]
    if missing:
        raise BackupError(f"{path}: not a backup of this program's database (no table {missing[0]})")
    data = _pg_tool("pg_restore", None, ["--data-only", "--table=schema_migrations", "--file=-", str(path)], None)
    if data.returncode != 0:
        raise BackupError(f"{path}: damaged or truncated: {_last_lines(data.stderr)}")
    versions, columns = [], None
    for line in data.stdout.splitlines():
        if columns is None:
            match = _COPY.match(line)
            if match:
                columns = [c.strip().strip('"') for c in match.group(1).split(",")]
            continue
        if line == "\\.":
            break
        versions.append(int(line.split("\t")[columns.index("version")]))
    return max(versions, default=0)


# --- restoring -------------------------------------------------------------------------------------------------


def restore(path: Path, url: str | None) -> BackupInfo:
    """Fill the empty database at ``url`` from the backup at ``path``; all or nothing.

    Raises:
        BackupError: the file is refused (see :func:`inspect_backup`), the target is not empty or of another
            kind, or the restore failed (and then nothing was restored).
    """
    info = inspect_backup(path)
    parsed = parse_url(database_url(url))
    backend = parsed.get_backend_name()
    if (info.kind == "sqlite") != (backend == "sqlite"):
        wanted = "a SQLite database (sqlite:///FILE)" if info.kind == "sqlite" else "a PostgreSQL database"
        raise BackupError(f"{path}: a {info.kind} backup restores into {wanted}, not into {describe(parsed)}")
    _refuse_not_empty(parsed)
    if backend == "sqlite":
        _restore_sqlite(Path(path), parsed)
    else:
        _restore_postgres(Path(path), parsed)
    return info


def _refuse_not_empty(url: URL) -> None:
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        return
    engine = make_engine(url, timeout_ms=5000)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    except Exception as exc:
        raise BackupError(f"{describe(url)}: cannot be opened ({exc.__class__.__name__}: {exc})") from None
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"{describe(url)}: not empty (it holds {len(tables)} tables, e.g. {sorted(tables)[0]}); "
            "a backup restores only into an empty database"
        )


def _restore_sqlite(path: Path, url: URL) -> None:
    target = Path(url.database or "")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    partial.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = WAL")
        finally:
            copy.close()
            source.close()
        for suffix in ("-wal", "-shm"):  # an empty target's leftovers must not be read with the new file
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        partial.replace(target)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"{describe(url)}: the restore failed, nothing was restored ({exc})") from None
    finally:
        partial.unlink(missing_ok=True)


def _restore_postgres(path: Path, url: URL) -> None:
    schema, server_version = _pg_facts(url)
    listed = _pg_tool("pg_restore", server_version, ["--list", str(path)], None)
    entries = listed.stdout.splitlines()
    dumped = {m.group(1) for line in entries if (m := re.search(r" SCHEMA - (\S+) ", line))}
    source_schema = _dump_schema(entries)
    if source_schema != schema:
        raise BackupError(
            f"{path}: the backup holds schema {source_schema!r}; {describe(url)} uses schema {schema!r}. "
            f"Restore into a database whose search_path is {source_schema!r}"
        )
    _create_extensions(path, url, server_version)
    keep = [line for line in entries if not (schema in dumped and re.search(r" SCHEMA - ", line))]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(keep) + "\n")
        list_file = handle.name
    try:
        result = _pg_tool(
            "pg_restore",
            server_version,
            [
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                f"--use-list={list_file}",
                str(path),
            ],
            url,
        )
    finally:
        os.unlink(list_file)
    if result.returncode != 0:
        raise BackupError(f"{path}: the restore failed, nothing was restored: {_last_lines(result.stderr)}")


_TRIGRAM_OPS = re.compile(r'(\w+|"[^"]+")\.gin_trgm_ops\b')


def _create_extensions(path: Path, url: URL, server_version: int) -> None:
    """Create ``pg_trgm`` (the search's substring index, migration 9) where the dump's index names it.

    A dump of one schema holds the index but not the extension, which lives in a schema of its own (``public``).
    ``pg_trgm`` is trusted: the owner of the target database may create it. Left in place if the restore fails
    (it holds no rows; the target still counts as empty).
    """
    post = _pg_tool("pg_restore", server_version, ["--section=post-data", "--file=-", str(path)], None)
    found = _TRIGRAM_OPS.search(post.stdout)
    if found is None:
        return
    schema = found.group(1)
    engine = make_engine(url, timeout_ms=5000)
    try:
        with engine.begin() as conn:
            if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first() is None:
                conn.execute(text(f"CREATE EXTENSION pg_trgm SCHEMA {schema}"))
    except Exception as exc:
        raise BackupError(
            f"{describe(url)}: the backup's search index needs the PostgreSQL extension pg_trgm in schema {schema}, "
            f"which cannot be created there ({exc.__class__.__name__}); create it first "
            f"(CREATE EXTENSION pg_trgm SCHEMA {schema}), nothing was restored"
        ) from None
    finally:
        engine.dispose()


def _dump_schema(entries: list[str]) -> str:
    for line in entries:
        match = re.search(r" TABLE \S+ audit_log ", line)
        if match:
            return line.split(" TABLE ", 1)[1].split()[0]
    return "public"


# --- PostgreSQL's own tools ------------------------------------------------------------------------------------


def _pg_facts(url: URL) -> tuple[str, int]:
    """The schema the URL writes to (its search_path) and the server's major version."""
    engine = make_engine(url, timeout_ms=5000)
    try:
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            version = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    except Exception as exc:
        raise BackupError(f"{describe(url)}: cannot be reached ({exc.__class__.__name__})") from None
    finally:
        engine.dispose()
    if schema is None:
        raise BackupError(f"{describe(url)}: its search_path names no existing schema")
    return schema, version


def pg_binary(name: str, server_version: int | None) -> str:
    """``pg_dump`` or ``pg_restore`` of the server's major version (Debian: /usr/lib/postgresql/N/bin)."""
    folder = os.environ.get("IPCEI_PG_BINDIR")
    candidates = [Path(folder) / name] if folder else []
    if server_version is not None:
        candidates.append(Path(f"/usr/lib/postgresql/{server_version}/bin/{name}"))
    else:
        candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: -int(p.parts[-3]))
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found and server_version is None:
        return found
    wanted = f" {server_version}" if server_version else ""
    raise BackupError(
        f"{name} of PostgreSQL{wanted} is not installed (Debian package postgresql-client{wanted and '-'}"
        f"{wanted.strip()}); or set IPCEI_PG_BINDIR"
    )


def _pg_tool(name: str, server_version: int | None, args: list[str], url: URL | None) -> subprocess.CompletedProcess:
    env = {**os.environ}
    command = [pg_binary(name, server_version)]
    if url is not None:
        if url.password:
            env["PGPASSWORD"] = str(url.password)  # never on the command line, where `ps` shows it
        libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        command.append(f"--dbname={libpq}")
    try:
        return subprocess.run([*command, *args], capture_output=True, text=True, env=env, check=False)
    except OSError as exc:
        raise BackupError(f"{name} cannot be run ({exc.strerror or exc})") from None


def _last_lines(stderr: str, count: int = 3) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "no message"
