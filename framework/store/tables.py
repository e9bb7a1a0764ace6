"""The tables as the latest migration leaves them, for queries (SQLAlchemy Core).

The schema itself is made only by :mod:`framework.store.migrations`; a test checks that a migrated database
has exactly these tables and columns.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps the UTC wall time as text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String, nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

frameworks = Table(
    "frameworks",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("key", String, nullable=False),
    Column("framework_id", String, nullable=False),
    Column("version", String, nullable=False),
    Column("text", Text, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("framework_key", String, nullable=False),
    Column("framework_sha256", String(64), ForeignKey("frameworks.sha256"), nullable=False),
    Column("status", String, nullable=False),
    Column("title", String, nullable=False),
    Column("ipcei", String, nullable=False),
    Column("ecosystem", String, nullable=False),
    Column("phase", String, nullable=False),
    Column("advice", String),
    Column("author", String, nullable=False),
    Column("search", Text, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String, nullable=False),
    Column("year", Integer),  # migration 2
    Column("author_key", String),  # migration 4: the author folded for a match on part of the name
    Column("national_budget_eur", BigInteger),  # migration 6: meta.national_budget_eur
    Column("aid_requested_eur", BigInteger),  # migration 6: key_figures.aid_requested_eur
    Column("dossier", String),  # migration 7: the IPCEI dossier (framework.dossier.dossier_key)
    Column("created_on", Date),  # migration 8: meta.created, the assessment's own date
)

revisions = Table(
    "revisions",
    metadata,
    Column("assessment_id", String(32), ForeignKey("assessments.id"), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("saved_at", UTCDateTime, nullable=False),
    Column("saved_by", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("status", String, nullable=False),
    Column("framework_sha256", String(64), ForeignKey("frameworks.sha256"), nullable=False),
    Column("document", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("previous_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("acted_at", UTCDateTime, nullable=False),
    Column("acted_by", String, nullable=False),
    Column("action", String, nullable=False),
    Column("assessment_id", String(32), ForeignKey("assessments.id")),
    Column("revision", Integer),
    Column("detail", Text, nullable=False),
    Column("previous_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# One row (id 1): the sequence number and hash of the last audit entry. Writers lock it, which orders the log.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

imports = Table(  # migration 2
    "imports",
    metadata,
    Column("source_sha256", String(64), primary_key=True),
    Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False),
    Column("source_name", String, nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("imported_by", String, nullable=False),
)

reviews = Table(  # migration 3: a reviewer's verdict on one question of one revision
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("question_id", String(40), nullable=False),
    Column("verdict", String(20), nullable=False),
    Column("comment", Text, nullable=False),
    Column("reviewed_by", String, nullable=False),
    Column("role", String, nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=False),
)

signoffs = Table(  # migration 3: who approved which revision, with the content hash of what was approved
    "signoffs",
    metadata,
    Column("assessment_id", String(32), ForeignKey("assessments.id"), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("approved_by", String, nullable=False),
    Column("role", String, nullable=False),
    Column("approved_at", UTCDateTime, nullable=False),
)

supersessions = Table(  # migration 3: a new version (assessment_id) replaces a signed-off one (supersedes)
    "supersessions",
    metadata,
    Column("assessment_id", String(32), ForeignKey("assessments.id"), primary_key=True),
    Column("supersedes", String(32), ForeignKey("assessments.id"), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String, nullable=False),
)

search_parts = Table(  # migration 4: the text of each part of an assessment's latest revision (for snippets)
    "search_parts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False),
    Column("part", String(40), nullable=False),
    Column("body", Text, nullable=False),
    Column("folded", Text, nullable=False),
)
search_docs = Table(  # migration 9: every distinct folded word of an assessment's latest revision, for matching
    "search_docs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False, unique=True),
    Column("words", Text, nullable=False),
)
# SQLite only: the FTS5 indexes over search_docs.words and the tables FTS5 keeps for them (PostgreSQL: GIN
# indexes). Until migration 9 they were over search_parts.folded (search_fts, search_trigram).
SQLITE_FULLTEXT_TABLES = frozenset(
    f"{index}{suffix}"
    for index in ("search_docs_words", "search_docs_trigrams")
    for suffix in ("", "_data", "_idx", "_docsize", "_config")
)

issued_pdfs = Table(  # migration 5: every advice PDF this store issued, by its SHA-256
    "issued_pdfs",
    metadata,
    Column("pdf_sha256", String(64), primary_key=True),
    Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("signer_certificate", Text),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("issued_by", String, nullable=False),
)

phase_links = Table(  # migration 7: a next-phase assessment (assessment_id) started from a signed-off one
    "phase_links",
    metadata,
    Column("assessment_id", String(32), ForeignKey("assessments.id"), primary_key=True),
    Column("based_on", String(32), ForeignKey("assessments.id"), nullable=False),
    Column("based_on_revision", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String, nullable=False),
)

DATA_TABLES = (
    "frameworks",
    "assessments",
    "revisions",
    "audit_log",
    "imports",
    "reviews",
    "signoffs",
    "supersessions",
    "issued_pdfs",
    "phase_links",
)
