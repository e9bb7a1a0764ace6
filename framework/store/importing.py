"""``Store.add_import``: an assessment read from a file (by :mod:`framework.imports`) stored with its source;
the same file, or exactly the same content, is refused. The store reads no file itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from framework.assessment import Assessment
from framework.store.errors import DatabaseError, DuplicateImportError
from framework.store.records import Action, Record
from framework.store.rows import check_by
from framework.store.tables import assessments, imports
from framework.store.writer import AfterCreate, RevisionWriter


class ImportRows(RevisionWriter):
    """Mixed into :class:`~framework.store.store.Store`; ``after`` runs in the transaction of the import (connection,
    new id, time), e.g. to record an external sign-off."""

    def add_import(
        self,
        assessment: Assessment,
        *,
        source_name: str,
        source_sha256: str,
        by: str,
        detail: dict[str, Any] | None = None,
        after: AfterCreate | None = None,
    ) -> Record:
        """Store an assessment read from a file (by :mod:`framework.imports`, which reads and classifies files);
        a file or content seen before is refused. ``after`` runs in the same transaction (e.g. an external
        sign-off); a vastgesteld assessment without a sign-off record is refused."""
        by = check_by(by)
        prepared = self._prepared(assessment, f"import {source_name}")
        detail = {"source": source_name[-300:], "source_sha256": source_sha256, **(detail or {})}
        try:
            with self._tx(f"import {source_name}", unsaved=assessment) as conn:
                self._refuse_duplicate(conn, source_name, source_sha256, prepared.content_hash)
                record = self._insert_new(conn, prepared, by, Action.IMPORTED, detail, after)
                conn.execute(
                    imports.insert().values(
                        source_sha256=source_sha256,
                        assessment_id=record.id,
                        source_name=source_name[-300:],
                        imported_at=record.created_at,
                        imported_by=by,
                    )
                )
        except DatabaseError as exc:
            if isinstance(exc.__cause__, IntegrityError):  # a concurrent import of the same file won
                with self._tx(f"import {source_name}", write=False) as conn:
                    self._refuse_duplicate(conn, source_name, source_sha256, prepared.content_hash)
            raise
        return record

    def _refuse_duplicate(self, conn: Connection, source: str, source_sha: str, content_hash: str) -> None:
        earlier = conn.execute(select(imports.c.assessment_id).where(imports.c.source_sha256 == source_sha)).first()
        if earlier is not None:
            raise DuplicateImportError(
                f"{source}: this file was imported before, as assessment {earlier[0]}; not imported again",
                existing_id=earlier[0],
            )
        same = conn.execute(
            select(assessments.c.id).where(assessments.c.content_hash == content_hash).order_by(assessments.c.id)
        ).first()
        if same is not None:
            raise DuplicateImportError(
                f"{source}: assessment {same[0]} has exactly this content already; not imported again",
                existing_id=same[0],
            )
