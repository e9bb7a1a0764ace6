"""The advice PDFs a store issued (migration 5): rows only, the hashing is done by :mod:`framework.advice`.

Each row holds the SHA-256 of one issued file, the assessment revision and content hash it shows, and the
signing certificate (base64 DER) when it was signed; a verifier finds a changed copy of an unsigned advice by
its hash, and trusts the certificates this store signed with. Rows are append-only; issuing the same bytes
twice keeps the first row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from framework.store.reads import StoreReader
from framework.store.rows import check_by
from framework.store.tables import issued_pdfs


@dataclass(frozen=True, slots=True)
class IssuedPdf:
    """One advice PDF this store issued."""

    pdf_sha256: str
    assessment_id: str
    revision: int
    content_hash: str
    signer_certificate: str | None
    at: datetime
    by: str

    def as_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
        data["at"] = self.at.isoformat()
        data.pop("signer_certificate")
        data["signed"] = self.signer_certificate is not None
        return data


def _issued(row: Any) -> IssuedPdf:
    return IssuedPdf(
        row.pdf_sha256,
        row.assessment_id,
        row.revision,
        row.content_hash,
        row.signer_certificate,
        row.issued_at,
        row.issued_by,
    )


class IssuedPdfs(StoreReader):
    """Recording and finding issued advice PDFs (mixed into :class:`~framework.store.store.Store`)."""

    def record_issued_pdf(
        self,
        pdf_sha256: str,
        assessment_id: str,
        revision: int,
        content_hash: str,
        by: str,
        signer_certificate: str | None = None,
    ) -> IssuedPdf:
        """Record that this store issued the PDF with this hash; the existing row when it was issued before."""
        by = check_by(by)
        at = datetime.now(UTC)
        with self._tx(f"record the advice PDF of {assessment_id}") as conn:
            row = conn.execute(select(issued_pdfs).where(issued_pdfs.c.pdf_sha256 == pdf_sha256)).first()
            if row is not None:  # the same bytes were issued before (a re-render of the same revision)
                return _issued(row)
            conn.execute(
                issued_pdfs.insert().values(
                    pdf_sha256=pdf_sha256,
                    assessment_id=assessment_id,
                    revision=revision,
                    content_hash=content_hash,
                    signer_certificate=signer_certificate,
                    issued_at=at,
                    issued_by=by,
                )
            )
        return IssuedPdf(pdf_sha256, assessment_id, revision, content_hash, signer_certificate, at, by)

    def issued_pdf(self, pdf_sha256: str) -> IssuedPdf | None:
        """The row of the PDF with exactly this SHA-256, if this store issued it."""
        with self._tx("look up an issued PDF", write=False) as conn:
            row = conn.execute(select(issued_pdfs).where(issued_pdfs.c.pdf_sha256 == pdf_sha256)).first()
        return _issued(row) if row is not None else None

    def issued_pdfs(self, assessment_id: str) -> list[IssuedPdf]:
        """Every PDF issued of an assessment, oldest first."""
        with self._tx(f"read the issued PDFs of {assessment_id}", write=False) as conn:
            rows = conn.execute(
                select(issued_pdfs)
                .where(issued_pdfs.c.assessment_id == assessment_id)
                .order_by(issued_pdfs.c.issued_at)
            ).all()
        return [_issued(row) for row in rows]

    def signing_certificates(self) -> list[str]:
        """The distinct signing certificates (base64 DER) this store recorded when it issued a signed PDF."""
        with self._tx("read the signing certificates", write=False) as conn:
            rows = conn.execute(
                select(issued_pdfs.c.signer_certificate).where(issued_pdfs.c.signer_certificate.is_not(None)).distinct()
            ).scalars()
            return sorted(rows)
