"""Backups that restore (issue #18, item 3): taken while saves go on, restored into an empty database, verified;
a truncated backup, one from a newer schema, and a target that is not empty are refused with nothing restored."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path

import pytest
from gate_support import APPROVER, reviewed
from sqlalchemy import create_engine, text
from store_support import BACKENDS, edited, make_assessment, with_search_path

from framework import workflow as wf
from framework.cli.main import main
from framework.store import open_store
from framework.store.backup import BackupError, backup, inspect_backup, restore
from framework.store.migrations import LATEST


@pytest.fixture(params=BACKENDS)
def pair(request, tmp_path):
    """A source database URL and the URL of an empty target of the same kind (a fresh PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'restored' / 'target.db'}"
        return
    schemas = request.getfixturevalue("pg_schemas")
    schema, source = schemas.create()
    name = f"h8_restore_{uuid.uuid4().hex[:10]}"
    with schemas.engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    target_base = schemas.base_url.rsplit("/", 1)[0] + f"/{name}"
    target_engine = create_engine(target_base, isolation_level="AUTOCOMMIT")
    with target_engine.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))  # the same schema name: what a restore onto a new server sees
    target_engine.dispose()
    yield source, with_search_path(target_base, schema)
    schemas.drop(schema)
    with schemas.engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def _signed_off(store):
    # a complete assessment, submitted and completely reviewed: what the sign-off gates ask
    return wf.sign_off(store, reviewed(store), APPROVER)


def test_a_backup_taken_during_saves_restores_intact(pair, tmp_path):
    source, target = pair
    store = open_store(source)
    signed = _signed_off(store)
    records = [store.create(make_assessment(n), "A. de Vries") for n in range(4)]
    saved = {r.id: 0 for r in records}
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(record):
        own = open_store(source)
        revision, n = record.revision, 0
        try:
            while not stop.is_set() or n < 3:
                n += 1
                revision = own.save(
                    record.id, edited(record.assessment, f"versie {n}"), "A. de Vries", revision
                ).revision
                saved[record.id] = n
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=writer, args=(r,)) for r in records]
    for thread in threads:
        thread.start()
    while min(saved.values()) < 2 and not errors:
        stop.wait(0.05)
    info = backup(source, tmp_path / "backup.bin")
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors, errors
    after = store.row_counts()
    store.close()

    assert info.schema_version == LATEST
    restore(tmp_path / "backup.bin", target)
    copy = open_store(target)
    try:
        assert copy.verify() == []
        counts = copy.row_counts()
        assert counts["assessments"] == 5 and counts["signoffs"] == 1
        assert 4 + 3 + 8 <= counts["revisions"] <= after["revisions"]  # saves went on, the copy is one moment
        assert copy.signoff(signed.id).content_hash == signed.assessment.content_hash()
        assert copy.get(signed.id).status == signed.status
    finally:
        copy.close()
    # the restored copy passes the command-line check too
    assert main(["db", "verify", "--database", target]) == 0


def test_a_truncated_backup_is_refused_and_nothing_is_restored(pair, tmp_path, capsys):
    source, target = pair
    with open_store(source) as store:
        _signed_off(store)
        store.create_many([make_assessment(n) for n in range(30)], "A. de Vries")
    good = backup(source, tmp_path / "backup.bin").path
    cut = tmp_path / "cut.bin"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    with pytest.raises(BackupError, match=r"truncated|damaged|failed, nothing was restored"):
        restore(cut, target)
    _assert_empty(target)
    # the same through the command line: exit 1, one clear line
    assert main(["db", "restore", str(cut), "--database", target]) == 1
    assert str(cut) in capsys.readouterr().err
    _assert_empty(target)


def test_a_backup_from_a_newer_schema_is_refused(tmp_path):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    with open_store(source) as store:
        store.create(make_assessment(), "A. de Vries")
    path = backup(source, tmp_path / "backup.db").path
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01 00:00:00')", (LATEST + 1,)
        )
    target = tmp_path / "target.db"
    with pytest.raises(BackupError, match=f"schema version {LATEST + 1}, newer than this program knows"):
        restore(path, f"sqlite:///{target}")
    assert not target.exists()


@pytest.mark.postgres
def test_a_pg_dump_from_a_newer_schema_is_refused(pg_schemas, tmp_path):
    schema, url = pg_schemas.create()
    try:
        with open_store(url) as store:
            store.create(make_assessment(), "A. de Vries")
            with store.engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO schema_migrations VALUES (:v, 'from the future', now())"), {"v": LATEST + 1}
                )
        path = backup(url, tmp_path / "backup.dump").path
        with pytest.raises(BackupError, match=f"schema version {LATEST + 1}, newer"):
            inspect_backup(path)
    finally:
        pg_schemas.drop(schema)


def test_restore_needs_an_empty_database_and_the_right_kind(tmp_path):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    with open_store(source) as store:
        store.create(make_assessment(), "A. de Vries")
    path = backup(source, tmp_path / "backup.db").path
    occupied = f"sqlite:///{tmp_path / 'occupied.db'}"
    with open_store(occupied) as store:
        first = store.create(make_assessment(7), "B. Jansen")
    with pytest.raises(BackupError, match="not empty"):
        restore(path, occupied)
    with open_store(occupied) as store:  # untouched
        assert [s.id for s in store.list().items] == [first.id]
    with pytest.raises(BackupError, match="restores into a SQLite database"):
        restore(path, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(BackupError, match="not a backup made by `ipcei db backup`"):
        restore(not_a_backup, f"sqlite:///{tmp_path / 'new.db'}")


def test_verify_checks_every_sign_off(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(url) as store:
        signed = _signed_off(store)
        assert store.verify() == []
    with sqlite3.connect(tmp_path / "store.db") as conn:  # an intruder with file access, past the triggers
        triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
        for name in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE signoffs SET content_hash = ?", ("0" * 64,))
    with open_store(url) as store:
        assert store.verify() == [
            f"assessment {signed.id}: the sign-off of revision {signed.revision} approved other content"
        ]


def test_backup_and_restore_on_the_command_line(tmp_path, capsys):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    with open_store(source) as store:
        _signed_off(store)
    out = tmp_path / "nightly.db"
    assert main(["db", "backup", "-o", str(out), "--database", source]) == 0
    assert f"wrote {out} (sqlite, schema version {LATEST}" in capsys.readouterr().out
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    assert main(["db", "restore", str(out), "--database", target]) == 0
    assert "1 assessments, 3 revisions" in capsys.readouterr().out
    assert main(["db", "verify", "--database", target]) == 0
    assert "1 sign-offs" in capsys.readouterr().out


def _assert_empty(url: str) -> None:
    if url.startswith("sqlite"):
        assert not Path(url.removeprefix("sqlite:///")).exists()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert (
                conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")).scalar() == 0
            )
    finally:
        engine.dispose()
