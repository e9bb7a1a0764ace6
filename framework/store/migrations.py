"""Numbered schema migrations, recorded in the ``schema_migrations`` table.

Each migration is a function that gets a connection inside the migration transaction. Published migrations
are never edited: a change to the schema is a new function at the end of this module, named at the end of
:data:`MIGRATIONS`. Migrations 1 to 5 are in :mod:`framework.store.migrations_1_5`; what migrations share
(append-only triggers, the latest documents in batches) in :mod:`framework.store.migration_tools`. All pending
migrations run in one transaction under a lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL), so two processes that open a new database at once do not both migrate it, and a failed
migration leaves the database as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection

from framework.store.errors import DatabaseError
from framework.store.migration_tools import append_only, latest_documents
from framework.store.migrations_1_5 import (
    m1_initial,
    m2_imports_year_append_only,
    m3_review_signoff,
    m4_fulltext,
    m5_issued_pdfs,
)
from framework.store.tables import UTCDateTime, schema_migrations

MIGRATION_LOCK = 4_712_026_001  # PostgreSQL advisory lock key: "ipcei" migrations


def _m6_portfolio_figures(conn: Connection) -> None:
    """The portfolio's figures as columns: ``national_budget_eur`` and ``aid_requested_eur`` (BIGINT, nullable).

    Filled by the store on every save (``framework.store.rows.columns_from_data``); here back-filled from each
    assessment's latest revision, in batches, so that the portfolio sums them in SQL without reading documents.
    """

    def amount(value: object) -> int | None:  # whole euros in BIGINT range, else no figure
        return value if type(value) is int and 0 <= value < 2**63 else None

    def figures(data: dict) -> dict[str, int | None]:
        meta, key_figures = data.get("meta"), data.get("key_figures")
        return {
            "national_budget_eur": amount(meta.get("national_budget_eur")) if isinstance(meta, dict) else None,
            "aid_requested_eur": amount(key_figures.get("aid_requested_eur"))
            if isinstance(key_figures, dict)
            else None,
        }

    conn.execute(text("ALTER TABLE assessments ADD COLUMN national_budget_eur BIGINT"))
    conn.execute(text("ALTER TABLE assessments ADD COLUMN aid_requested_eur BIGINT"))
    conn.execute(text("CREATE INDEX ix_assessments_ipcei_created ON assessments (ipcei, created_at)"))
    for batch in latest_documents(conn):
        values = [{"b_id": aid, **figures(json.loads(document))} for aid, document in batch]
        conn.execute(
            text(
                "UPDATE assessments SET national_budget_eur = :national_budget_eur, "
                "aid_requested_eur = :aid_requested_eur WHERE id = :b_id"
            ),
            values,
        )


def _m7_dossiers_phases(conn: Connection) -> None:
    """The IPCEI dossier of each assessment (an indexed column, filled from the documents) and the phase links.

    ``dossier`` is :func:`framework.dossier.dossier_key` of the latest revision (``meta.dossier``, else the IPCEI
    name folded). ``phase_links`` records which signed-off assessment (and revision) a next-phase assessment
    started from (``framework.phases``); append-only like the version links.
    """
    from framework.dossier import dossier_key

    md = MetaData()
    Table("assessments", md, Column("id", String(32), primary_key=True))
    Table(
        "phase_links",
        md,
        Column("assessment_id", String(32), ForeignKey("assessments.id"), primary_key=True),
        Column("based_on", String(32), ForeignKey("assessments.id"), nullable=False, index=True),
        Column("based_on_revision", Integer, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("created_by", String, nullable=False),
    )
    md.create_all(conn)
    conn.execute(text("ALTER TABLE assessments ADD COLUMN dossier VARCHAR"))
    for batch in latest_documents(conn):
        keys = [{"id": aid, "dossier": dossier_key(json.loads(document).get("meta") or {})} for aid, document in batch]
        conn.execute(text("UPDATE assessments SET dossier = :dossier WHERE id = :id"), keys)
    conn.execute(text("CREATE INDEX ix_assessments_dossier ON assessments (dossier)"))
    append_only(conn, "phase_links")


def _m8_created_on(conn: Connection) -> None:
    """The assessment's own date (``meta.created``) as an indexed DATE column ``created_on``, for the portfolio's
    timeline and its latest-assessment order (an imported 2023 assessment is of 2023, not of the day of import).

    Kept by the store on every save (``framework.store.rows.columns_from_data``); here back-filled from each
    assessment's latest revision, in batches of 500. A document without a readable date leaves it NULL.
    """
    from datetime import date

    from sqlalchemy import Date, bindparam, update

    def created_on(document: str) -> date | None:
        meta = json.loads(document).get("meta")
        created = str(meta.get("created") or "") if isinstance(meta, dict) else ""
        try:
            return date.fromisoformat(created[:10])
        except ValueError:
            return None

    conn.execute(text("ALTER TABLE assessments ADD COLUMN created_on DATE"))
    heads = Table("assessments", MetaData(), Column("id", String(32), primary_key=True), Column("created_on", Date))
    fill = update(heads).where(heads.c.id == bindparam("b_id")).values(created_on=bindparam("b_on"))
    for batch in latest_documents(conn):
        conn.execute(fill, [{"b_id": aid, "b_on": created_on(document)} for aid, document in batch])
    conn.execute(text("CREATE INDEX ix_assessments_ipcei_created_on ON assessments (ipcei, created_on)"))


def _m9_search_documents(conn: Connection) -> None:
    """Search matches one row per assessment (``search_docs``, all its folded words) inside the full-text engine;
    ``search_parts`` keeps the parts for the snippets only. PostgreSQL gets a ``pg_trgm`` index for ``LIKE``."""
    from framework.store import fulltext

    fulltext.create_documents(conn)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema", m1_initial),
    (2, "imports register, year column, append-only triggers", m2_imports_year_append_only),
    (3, "reviews, sign-offs and version links", m3_review_signoff),
    (4, "full-text search", m4_fulltext),
    (5, "issued advice PDFs", m5_issued_pdfs),
    (6, "portfolio figures: national budget and aid requested", _m6_portfolio_figures),
    (7, "IPCEI dossiers and phase links", _m7_dossiers_phases),
    (8, "the assessment's own date: created_on", _m8_created_on),
    (9, "full-text search: one indexed row per assessment", _m9_search_documents),
]
LATEST = MIGRATIONS[-1][0]


def _applied(conn: Connection) -> set[int]:
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return set(conn.execute(select(schema_migrations.c.version)).scalars())


def schema_version(engine: Engine) -> int:
    """The highest migration applied to the database (0 for an empty database)."""
    with engine.connect() as conn:
        return max(_applied(conn), default=0)


def migrate(engine: Engine, *, target: int | None = None) -> list[int]:
    """Apply the pending migrations (up to ``target``); returns the numbers applied.

    Raises:
        DatabaseError: the database was made by a newer version of this program.
    """
    target = LATEST if target is None else target
    with engine.connect() as conn:
        done = _applied(conn)
        conn.rollback()
    _refuse_newer(done)
    if all(number in done for number, _, _ in MIGRATIONS if number <= target):
        return []  # up to date: no write lock needed (a read-only database still opens)
    applied = []
    with engine.connect() as conn:
        conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            schema_migrations.create(conn, checkfirst=True)
            done = _applied(conn)
            _refuse_newer(done)
            for number, name, function in MIGRATIONS:
                if number in done or number > target:
                    continue
                function(conn)
                conn.execute(schema_migrations.insert().values(version=number, name=name, applied_at=datetime.now(UTC)))
                applied.append(number)
    return applied


def _refuse_newer(done: set[int]) -> None:
    newest = max(done, default=0)
    if newest > LATEST:
        raise DatabaseError(
            f"the database has schema version {newest}, newer than this program knows ({LATEST}); "
            "use a newer version of the program",
            kind="schema",
        )
