"""The portfolio by the assessment's own date (``meta.created``, the ``created_on`` column of migration 8), not by
the moment it was stored: an imported 2022 assessment stands in 2022 on the timeline, in the year filter and in
the order of an IPCEI's assessments. SQLite and PostgreSQL; the migration on a database as migration 7 left it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import inspect, text
from store_support import make_assessment

from framework.imports import import_bytes
from framework.portfolio import build, parse_filter
from framework.portfolio.export import to_csv
from framework.store import open_store
from framework.store.engine import make_engine, parse_url
from framework.store.migrations import LATEST, migrate, schema_version

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
OWN_DATE = date(2022, 7, 11)  # meta.created of examples/ipcei-waterstof.yaml


def _import_old(store) -> str:
    raw = (EXAMPLES / "ipcei-waterstof.yaml").read_bytes()
    return import_bytes(store, raw, "ipcei-waterstof.yaml", "Anna").id


def _portfolio(store, year=None):
    chosen = parse_filter(year)
    return build(store, chosen, chosen.list_query())


def _created_on(store) -> dict[str, date | None]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, created_on FROM assessments")).all()
    return {aid: date.fromisoformat(on) if isinstance(on, str) else on for aid, on in rows}


def test_an_imported_old_assessment_stands_at_its_own_date(store):
    old = _import_old(store)
    assert store.get(old).created_at.date() > OWN_DATE  # stored today; its own date is of 2022
    assert _created_on(store) == {old: OWN_DATE}
    [row] = _portfolio(store).timeline
    assert row.started == OWN_DATE
    assert "2022-07-11" in to_csv(_portfolio(store), "nl", "timeline")
    assert [r.assessment_id for r in _portfolio(store, 2022).ipceis] == [old]
    assert _portfolio(store, date.today().year).empty  # the day of import is not its year


def test_the_store_keeps_the_date_on_every_save(store):
    record = store.create(make_assessment(1, created="2024-03-01"), "A")
    assert _created_on(store) == {record.id: date(2024, 3, 1)}
    store.save(record.id, make_assessment(1, created="2023-11-30"), "A", based_on=record.revision)
    assert _created_on(store) == {record.id: date(2023, 11, 30)}
    assert _portfolio(store).timeline[0].started == date(2023, 11, 30)
    assert store.verify() == []  # the head row agrees with its document


def test_an_ipceis_latest_assessment_is_the_one_of_the_latest_own_date(store):
    newer = store.create(make_assessment(1, ipcei="IPCEI Waterstof (waterstoftechnologie en -toepassingen)"), "A").id
    old = _import_old(store)  # stored after it, but of 2022
    [ipcei] = _portfolio(store).ipceis
    assert ipcei.assessment_id == newer and ipcei.assessments == 2
    [first, second] = _portfolio(store).timeline  # two phases, in the order of their own dates
    assert (first.started, second.started) == (OWN_DATE, date(2024, 3, 1))
    assert old != newer


def test_migration_8_fills_the_date_of_a_database_made_at_migration_7(store_url, tmp_path):
    if store_url.startswith("sqlite"):  # the schema migration 7 makes, for comparison
        reference = make_engine(parse_url(f"sqlite:///{tmp_path / 'seven.db'}"), timeout_ms=5000)
    else:
        reference = None
    opened = open_store(store_url)
    old = _import_old(opened)
    new = opened.create(make_assessment(2, ipcei="Hy2Use", created="2025-01-15"), "A").id
    with opened.engine.begin() as conn:  # the database as migration 7 left it
        conn.execute(text("DROP INDEX ix_assessments_ipcei_created_on"))
        conn.execute(text("ALTER TABLE assessments DROP COLUMN created_on"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 8"))
    with opened.engine.connect() as conn:  # migration 8 not applied (the later ones touch other tables)
        applied = set(conn.execute(text("SELECT version FROM schema_migrations")).scalars())
    assert 8 not in applied and 7 in applied
    columns = {c["name"] for c in inspect(opened.engine).get_columns("assessments")}
    assert "created_on" not in columns
    if reference is not None:
        migrate(reference, target=7)
        assert columns == {c["name"] for c in inspect(reference).get_columns("assessments")}
        reference.dispose()
    opened.close()

    reopened = open_store(store_url)  # migrates
    assert schema_version(reopened.engine) == LATEST
    with reopened.engine.connect() as conn:
        assert 8 in set(conn.execute(text("SELECT version FROM schema_migrations")).scalars())
    assert _created_on(reopened) == {old: OWN_DATE, new: date(2025, 1, 15)}
    indexes = {i["name"] for i in inspect(reopened.engine).get_indexes("assessments")}
    assert "ix_assessments_ipcei_created_on" in indexes
    assert reopened.verify() == []
    assert {r.ipcei: r.started for r in _portfolio(reopened).timeline} == {
        "IPCEI Waterstof (waterstoftechnologie en -toepassingen)": OWN_DATE,
        "Hy2Use": date(2025, 1, 15),
    }
    reopened.close()
