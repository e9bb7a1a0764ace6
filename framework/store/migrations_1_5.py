"""Migrations 1 to 5: the first schema (frameworks, assessments, revisions, audit log), the import register and
the append-only triggers, review and sign-off, full-text search, the issued advice PDFs.

Published migrations are never edited; :data:`framework.store.migrations.MIGRATIONS` lists them in order.
"""

from __future__ import annotations

import json

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, MetaData, String, Table, Text, text
from sqlalchemy.engine import Connection

from framework.store.chain import GENESIS
from framework.store.migration_tools import PG_APPEND_ONLY_FUNCTION, append_only
from framework.store.tables import UTCDateTime


def m1_initial(conn: Connection) -> None:
    """The first schema: frameworks, assessments (head rows), revisions, audit log and its head."""
    md = MetaData()
    Table(
        "frameworks",
        md,
        Column("sha256", String(64), primary_key=True),
        Column("key", String, nullable=False, index=True),
        Column("framework_id", String, nullable=False),
        Column("version", String, nullable=False),
        Column("text", Text, nullable=False),
        Column("first_seen_at", UTCDateTime, nullable=False),
    )
    heads = Table(
        "assessments",
        md,
        Column("id", String(32), primary_key=True),
        Column("revision", Integer, nullable=False),
        Column("framework_key", String, nullable=False),
        Column("framework_sha256", String(64), ForeignKey("frameworks.sha256"), nullable=False),
        Column("status", String, nullable=False, index=True),
        Column("title", String, nullable=False),
        Column("ipcei", String, nullable=False),
        Column("ecosystem", String, nullable=False, index=True),
        Column("phase", String, nullable=False, index=True),
        Column("advice", String, index=True),
        Column("author", String, nullable=False, index=True),
        Column("search", Text, nullable=False),
        Column("archived", Boolean, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("created_at", UTCDateTime, nullable=False, index=True),
        Column("created_by", String, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
        Column("updated_by", String, nullable=False),
    )
    Index("ix_assessments_archived_updated", heads.c.archived, heads.c.updated_at)
    Table(
        "revisions",
        md,
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
    Table(
        "audit_log",
        md,
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("acted_at", UTCDateTime, nullable=False),
        Column("acted_by", String, nullable=False),
        Column("action", String, nullable=False),
        Column("assessment_id", String(32), ForeignKey("assessments.id"), index=True),
        Column("revision", Integer),
        Column("detail", Text, nullable=False),
        Column("previous_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
    )
    head = Table(
        "audit_head",
        md,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("seq", Integer, nullable=False),
        Column("hash", String(64), nullable=False),
    )
    md.create_all(conn)
    conn.execute(head.insert().values(id=1, seq=0, hash=GENESIS))


def m2_imports_year_append_only(conn: Connection) -> None:
    """Import register, a ``year`` column (filled from the documents), hash index, append-only triggers."""
    md = MetaData()
    Table("assessments", md, Column("id", String(32), primary_key=True))
    imports = Table(
        "imports",
        md,
        Column("source_sha256", String(64), primary_key=True),
        Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False),
        Column("source_name", String, nullable=False),
        Column("imported_at", UTCDateTime, nullable=False),
        Column("imported_by", String, nullable=False),
    )
    imports.create(conn)
    conn.execute(text("ALTER TABLE assessments ADD COLUMN year INTEGER"))
    conn.execute(text("CREATE INDEX ix_assessments_year ON assessments (year)"))
    conn.execute(text("CREATE INDEX ix_assessments_content_hash ON assessments (content_hash)"))
    rows = conn.execute(
        text(
            "SELECT a.id, r.document FROM assessments a "
            "JOIN revisions r ON r.assessment_id = a.id AND r.number = a.revision"
        )
    )
    years = [{"id": row.id, "year": int(json.loads(row.document)["meta"]["created"][:4])} for row in rows]
    if years:
        conn.execute(text("UPDATE assessments SET year = :year WHERE id = :id"), years)
    if conn.dialect.name == "postgresql":
        conn.execute(text(PG_APPEND_ONLY_FUNCTION))
    for table in ("revisions", "audit_log"):
        append_only(conn, table, truncate=True)


def m3_review_signoff(conn: Connection) -> None:
    """Review verdicts, sign-offs and the links between versions (``framework.workflow``); all append-only."""
    md = MetaData()
    Table("assessments", md, Column("id", String(32), primary_key=True))
    Table(
        "reviews",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False, index=True),
        Column("revision", Integer, nullable=False),
        Column("question_id", String(40), nullable=False),
        Column("verdict", String(20), nullable=False),
        Column("comment", Text, nullable=False),
        Column("reviewed_by", String, nullable=False),
        Column("role", String, nullable=False),
        Column("reviewed_at", UTCDateTime, nullable=False),
    )
    Table(
        "signoffs",
        md,
        Column("assessment_id", String(32), ForeignKey("assessments.id"), primary_key=True),
        Column("revision", Integer, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("approved_by", String, nullable=False),
        Column("role", String, nullable=False),
        Column("approved_at", UTCDateTime, nullable=False),
    )
    Table(
        "supersessions",
        md,
        Column("assessment_id", String(32), ForeignKey("assessments.id"), primary_key=True),
        Column("supersedes", String(32), ForeignKey("assessments.id"), nullable=False, unique=True),
        Column("created_at", UTCDateTime, nullable=False),
        Column("created_by", String, nullable=False),
    )
    md.create_all(conn)
    for table in ("reviews", "signoffs", "supersessions"):
        append_only(conn, table)


def m4_fulltext(conn: Connection) -> None:
    """Full-text search over everything written (``framework.store.fulltext``), and the author folded."""
    from framework.store import fulltext

    fulltext.create_schema(conn)


def m5_issued_pdfs(conn: Connection) -> None:
    """The advice PDFs this store issued: the SHA-256 of each file, of what content, signed with which certificate.

    Rows only (the hashing is done by ``framework.advice``); append-only like the sign-offs. A verifier finds an
    unsigned copy changed by one byte, and trusts the signing certificate this store recorded when it signed.
    """
    md = MetaData()
    Table("assessments", md, Column("id", String(32), primary_key=True))
    Table(
        "issued_pdfs",
        md,
        Column("pdf_sha256", String(64), primary_key=True),
        Column("assessment_id", String(32), ForeignKey("assessments.id"), nullable=False, index=True),
        Column("revision", Integer, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("signer_certificate", Text),  # base64 DER of the signing certificate; NULL when unsigned
        Column("issued_at", UTCDateTime, nullable=False),
        Column("issued_by", String, nullable=False),
    )
    md.create_all(conn)
    append_only(conn, "issued_pdfs")
