"""Numbered migrations: a database made by the first schema is upgraded, with its data, on both backends."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from store_support import make_assessment

from framework.loading import DEFAULT_FRAMEWORK, default_framework
from framework.store import DatabaseError, ListQuery, open_store
from framework.store import migrations as migrations_module
from framework.store.chain import GENESIS, audit_hash, canonical, revision_hash, sha256_text
from framework.store.engine import make_engine, parse_url
from framework.store.frameworks import identity
from framework.store.migrations import LATEST, migrate, schema_version
from framework.store.rows import columns_from_data
from framework.store.tables import metadata


def test_a_new_database_has_the_latest_schema(store):
    assert schema_version(store.engine) == LATEST == 5
    inspector = inspect(store.engine)
    tables = set(inspector.get_table_names())
    assert tables == set(metadata.tables)
    for name, table in metadata.tables.items():
        assert {c["name"] for c in inspector.get_columns(name)} == {c.name for c in table.columns}, name
    indexed = {tuple(i["column_names"]) for i in inspector.get_indexes("assessments")}
    for column in ("status", "ecosystem", "phase", "advice", "author", "year", "content_hash"):
        assert (column,) in indexed, column


def _write_schema_1_rows(engine) -> str:
    """One assessment as version 1 of the program stored it (no year column, no imports table)."""
    framework = default_framework()
    sha = identity(framework)
    assessment = make_assessment(3, created="2021-11-30")
    data = assessment.model_dump(mode="json")
    document = canonical(data)
    columns = {k: v for k, v in columns_from_data(data).items() if k != "year"}
    at = datetime(2021, 12, 1, 9, 30, 0, 123456, tzinfo=UTC)
    aid = "0123456789abcdef0123456789abcdef"
    content_hash = sha256_text(document)
    rev_hash = revision_hash(
        assessment_id=aid,
        number=1,
        saved_at=at,
        saved_by="Oud",
        kind="created",
        status="concept",
        framework_sha256=sha,
        content_hash=content_hash,
        previous_hash=GENESIS,
    )
    detail = canonical({"hash": rev_hash, "content_hash": content_hash, "status": "concept"})
    entry_hash = audit_hash(
        seq=1,
        acted_at=at,
        acted_by="Oud",
        action="created",
        assessment_id=aid,
        revision=1,
        detail=detail,
        previous_hash=GENESIS,
    )
    stamp = at.replace(tzinfo=None) if engine.dialect.name == "sqlite" else at
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO frameworks (sha256, key, framework_id, version, text, first_seen_at) "
                "VALUES (:sha, :key, :fid, :version, :text, :at)"
            ),
            dict(sha=sha, key=framework.key, fid=framework.id, version=framework.version,
                 text=DEFAULT_FRAMEWORK.read_text(encoding="utf-8"), at=stamp),
        )  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO assessments (id, revision, framework_key, framework_sha256, status, title, ipcei, "
                "ecosystem, phase, advice, author, search, archived, content_hash, created_at, created_by, "
                "updated_at, updated_by) VALUES (:id, 1, :key, :sha, :status, :title, :ipcei, :ecosystem, :phase, "
                ":advice, :author, :search, :archived, :hash, :at, 'Oud', :at, 'Oud')"
            ),
            dict(id=aid, key=framework.key, sha=sha, hash=content_hash, at=stamp, archived=False, **columns),
        )
        conn.execute(
            text(
                "INSERT INTO revisions (assessment_id, number, saved_at, saved_by, kind, status, framework_sha256, "
                "document, content_hash, previous_hash, hash) VALUES (:id, 1, :at, 'Oud', 'created', 'concept', "
                ":sha, :document, :hash, :previous, :rev_hash)"
            ),
            dict(id=aid, at=stamp, sha=sha, document=document, hash=content_hash, previous=GENESIS,
                 rev_hash=rev_hash),
        )  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO audit_log (seq, acted_at, acted_by, action, assessment_id, revision, detail, "
                "previous_hash, hash) VALUES (1, :at, 'Oud', 'created', :id, 1, :detail, :previous, :hash)"
            ),
            dict(at=stamp, id=aid, detail=detail, previous=GENESIS, hash=entry_hash),
        )
        conn.execute(text("UPDATE audit_head SET seq = 1, hash = :hash WHERE id = 1"), {"hash": entry_hash})
    return aid


def test_upgrades_a_database_made_by_the_first_schema(store_url):
    engine = make_engine(parse_url(store_url), timeout_ms=5000)
    assert migrate(engine, target=1) == [1]
    assert "year" not in {c["name"] for c in inspect(engine).get_columns("assessments")}
    aid = _write_schema_1_rows(engine)
    engine.dispose()
    with pytest.raises(DatabaseError, match="schema version 1"):
        open_store(store_url, upgrade=False)

    store = open_store(store_url)
    assert schema_version(store.engine) == LATEST
    assert store.verify() == []  # the old rows, hashed by the old program, still verify
    record = store.get(aid)
    assert record.created_at == datetime(2021, 12, 1, 9, 30, 0, 123456, tzinfo=UTC)
    assert [s.id for s in store.list(ListQuery(year=2021)).items] == [aid]  # year was filled in from documents
    saved = store.save(aid, make_assessment(4, created="2021-11-30"), "Nieuw", based_on=1)
    assert saved.revision == 2 and store.verify() == []
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM revisions"))
    store.close()


def test_a_newer_schema_is_refused(store_url):
    store = open_store(store_url)
    with store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', :at)"),
            {"at": datetime.now(UTC).replace(tzinfo=None) if store.backend == "sqlite" else datetime.now(UTC)},
        )
    store.close()
    with pytest.raises(DatabaseError) as caught:
        open_store(store_url)
    assert caught.value.kind == "schema" and "newer than this program" in str(caught.value)


def test_a_failing_migration_changes_nothing(store_url, monkeypatch):
    store = open_store(store_url)
    store.create(make_assessment(), "Anna")
    store.close()

    def broken(conn):
        conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
        conn.execute(text("ALTER TABLE no_such_table ADD COLUMN y INTEGER"))

    monkeypatch.setattr(
        migrations_module, "MIGRATIONS", [*migrations_module.MIGRATIONS, (LATEST + 1, "broken", broken)]
    )
    monkeypatch.setattr(migrations_module, "LATEST", LATEST + 1)
    with pytest.raises(DatabaseError):
        open_store(store_url)
    monkeypatch.undo()
    store = open_store(store_url)
    assert schema_version(store.engine) == LATEST
    assert "half_done" not in inspect(store.engine).get_table_names()
    assert store.list().total == 1 and store.verify() == []
    store.close()


def test_processes_opening_a_new_database_at_once_migrate_it_once(store_url):
    errors, stores = [], []
    barrier = threading.Barrier(6)

    def opener():
        barrier.wait()
        try:
            stores.append(open_store(store_url))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with stores[0].engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM schema_migrations")).scalar_one() == len(
            migrations_module.MIGRATIONS
        )
    for opened in stores:
        opened.close()
