"""The issued advice PDFs (migration 5) on SQLite and PostgreSQL: rows only, append-only, one row per file."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text
from store_support import make_assessment


def test_an_issued_pdf_is_found_by_its_hash_and_kept_once(store):
    record = store.create(make_assessment(), "A. de Vries")
    digest = hashlib.sha256(b"%PDF-1.7 een advies").hexdigest()
    first = store.record_issued_pdf(digest, record.id, 1, record.content_hash, "C. Bakker", signer_certificate="QUJD")
    again = store.record_issued_pdf(digest, record.id, 1, record.content_hash, "D. Jansen")
    assert again == first and again.by == "C. Bakker"  # the same bytes issued twice: the first row stays
    assert store.issued_pdf(digest) == first
    assert store.issued_pdf("0" * 64) is None
    assert store.issued_pdfs(record.id) == [first]
    assert store.signing_certificates() == ["QUJD"]
    assert first.as_dict()["signed"] is True and "signer_certificate" not in first.as_dict()
    assert store.row_counts()["issued_pdfs"] == 1


def test_issued_rows_are_append_only(store):
    record = store.create(make_assessment(), "A. de Vries")
    store.record_issued_pdf("a" * 64, record.id, 1, record.content_hash, "C. Bakker")
    for statement in ("UPDATE issued_pdfs SET issued_by = 'X'", "DELETE FROM issued_pdfs"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert store.issued_pdf("a" * 64).by == "C. Bakker"


def test_who_issued_must_be_a_name(store):
    from framework.errors import InputError

    record = store.create(make_assessment(), "A. de Vries")
    with pytest.raises(InputError):
        store.record_issued_pdf("b" * 64, record.id, 1, record.content_hash, "C.\x1b[2J Bakker")
