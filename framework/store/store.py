"""The store of assessments: every save a revision in a hash chain, every action in the audit log.

Concurrency: a save names the revision it was based on. The head row of the assessment is updated with
``WHERE revision = based_on`` in the same transaction that appends the revision and the audit entry; when no
row matches, someone else saved first and the save is refused with a :class:`RevisionConflict` carrying both
versions. So no update is ever lost, on SQLite (writers serialised by ``BEGIN IMMEDIATE``) as on PostgreSQL
(the row lock orders concurrent updates; the loser sees the new revision and matches no row).

Every write passes through :mod:`framework.store.writer` (rows prepared, revisions appended) and the sign-off
guards of :mod:`framework.store.guards`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from framework.assessment import Assessment, Status
from framework.store import audit, fulltext
from framework.store.dossiers import DossierReads
from framework.store.errors import ArchivedError, NotFoundError, RevisionConflict
from framework.store.guards import FROZEN, refuse_frozen, require_signoff
from framework.store.importing import ImportRows
from framework.store.issued import IssuedPdfs
from framework.store.portfolio import PortfolioRows
from framework.store.records import Action, AuditEntry, Record
from framework.store.rows import check_by
from framework.store.signoffs import WorkflowReads
from framework.store.tables import assessments, revisions
from framework.store.writer import AfterCreate, Prepared, utc_now

# The statements of the hot paths, built once: parameters are bound at execution (no per-call construction).
_UPDATE_HEAD = update(assessments).where(
    assessments.c.id == bindparam("b_id"),
    assessments.c.revision == bindparam("b_based_on"),
    assessments.c.archived.is_(False),
)
_REVISION_BEFORE = select(revisions.c.hash, revisions.c.status).where(
    revisions.c.assessment_id == bindparam("b_id"), revisions.c.number == bindparam("b_number")
)
_CREATED = select(assessments.c.created_at, assessments.c.created_by).where(assessments.c.id == bindparam("b_id"))
# Runs inside the transaction of a save, after the revision is written: (connection, revision number, time).
AfterSave = Callable[[Connection, int, datetime], None]


class Store(ImportRows, WorkflowReads, IssuedPdfs, PortfolioRows, DossierReads):
    """Assessments in SQLite or PostgreSQL. Safe to share between threads; open one per process."""

    # --- writing ---------------------------------------------------------------------------------------

    def create(self, assessment: Assessment, by: str) -> Record:
        """Store a new assessment as revision 1."""
        by = check_by(by)
        prepared = self._prepared(assessment, "create the assessment")
        with self._tx("create the assessment", unsaved=assessment) as conn:
            return self._insert_new(conn, prepared, by, Action.CREATED)

    def create_many(self, items: list[Assessment], by: str) -> list[Record]:
        """Store many new assessments in one transaction (the rows are exactly those of :meth:`create`)."""
        by = check_by(by)
        prepared = [self._prepared(a, "create the assessments") for a in items]
        with self._tx("create the assessments") as conn:
            return [self._insert_new(conn, p, by, Action.CREATED) for p in prepared]

    def save(self, assessment_id: str, assessment: Assessment, by: str, based_on: int) -> Record:
        """Append a revision, if the latest revision is still ``based_on``; else raise RevisionConflict."""
        by = check_by(by)
        prepared = self._prepared(assessment, f"save assessment {assessment_id}")
        return self._save(assessment_id, prepared, by, based_on)

    def upgrade_framework(
        self, assessment_id: str, assessment: Assessment, by: str, based_on: int, detail: dict[str, Any]
    ) -> Record:
        """A revision that moves the assessment to another framework version (``framework.upgrade``).

        Recorded as kind and audit action ``upgraded`` with ``detail`` (from, to, what was carried and dropped).
        A signed-off assessment is refused (FrozenError): it moves only through a new version.
        """
        by = check_by(by)
        prepared = self._prepared(assessment, f"upgrade assessment {assessment_id}")
        return self._save(assessment_id, prepared, by, based_on, kind=Action.UPGRADED, detail=detail)

    def _save(
        self,
        aid: str,
        p: Prepared,
        by: str,
        based_on: int,
        kind: str | None = None,
        after: AfterSave | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Record:
        if isinstance(based_on, bool) or not isinstance(based_on, int) or based_on < 1:
            raise ValueError("based_on is the revision number (1 or more) the edit started from")
        now = utc_now()
        with self._tx(f"save assessment {aid}", unsaved=p.assessment) as conn:
            refuse_frozen(conn, aid, p.columns["status"], p.assessment, kind)
            result = conn.execute(
                _UPDATE_HEAD,
                {
                    "b_id": aid,
                    "b_based_on": based_on,
                    "revision": based_on + 1,
                    "framework_key": p.framework_key,
                    "framework_sha256": p.framework_sha256,
                    "content_hash": p.content_hash,
                    "updated_at": now,
                    "updated_by": by,
                    **p.columns,
                },
            )
            if result.rowcount != 1:
                self._refuse(conn, aid, p.assessment, based_on)
            previous = conn.execute(_REVISION_BEFORE, {"b_id": aid, "b_number": based_on}).one()
            status = p.columns["status"]
            action = kind or (Action.STATUS_CHANGED if previous.status != status else Action.SAVED)
            digest = self._append_revision(conn, aid, based_on + 1, previous.hash, p, by, now, action)
            fulltext.replace(conn, aid, p.search_parts)
            detail = {**(detail or {}), "hash": digest, "content_hash": p.content_hash, "status": status}
            if previous.status != status:
                detail["from_status"] = previous.status
            audit.append(conn, at=now, by=by, action=action, assessment_id=aid, revision=based_on + 1, detail=detail)
            if after is not None:
                after(conn, based_on + 1, now)
            if Status(previous.status) not in FROZEN:
                require_signoff(conn, aid, status, p.assessment)
            head = conn.execute(_CREATED, {"b_id": aid}).one()
        return Record(
            id=aid,
            revision=based_on + 1,
            assessment=p.assessment,
            framework_key=p.framework_key,
            status=Status(status),
            created_at=head.created_at,
            created_by=head.created_by,
            updated_at=now,
            updated_by=by,
            archived=False,
            content_hash=p.content_hash,
            framework_sha256=p.framework_sha256,
        )

    def _refuse(self, conn: Connection, aid: str, mine: Assessment, based_on: int) -> None:
        theirs = self._fetch(conn, aid)
        if theirs is None:
            raise NotFoundError(f"no assessment with id {aid}; nothing was saved", unsaved=mine)
        if theirs.archived:
            raise ArchivedError(f"assessment {aid} is archived; restore it before saving", unsaved=mine)
        raise RevisionConflict(mine=mine, theirs=theirs, base_revision=based_on)

    def set_status(
        self, assessment_id: str, status: Status | str, by: str, based_on: int, *, after: AfterSave | None = None
    ) -> Record:
        """A revision that changes only ``meta.status`` (the workflow decides which changes are allowed).

        Args:
            after: called inside the same transaction once the revision is written (the workflow adds its
                audit entry, sign-off or review rows there, so that all or nothing is stored).

        Raises:
            FrozenError: the assessment is signed off; only the step from vastgesteld to gearchiveerd is allowed.
        """
        status, by = Status(status), check_by(by)
        base = self.revision(assessment_id, based_on)
        changed = base.model_copy(update={"meta": base.meta.model_copy(update={"status": status})})
        prepared = self._prepared(changed, f"change the status of {assessment_id}")
        return self._save(assessment_id, prepared, by, based_on, kind=Action.STATUS_CHANGED, after=after)

    def write_rows(self, operation: str, write: Callable[[Connection, datetime], None]) -> None:
        """Run ``write(connection, now)`` in one write transaction (the workflow's review rows and audit entry)."""
        with self._tx(operation) as conn:
            write(conn, utc_now())

    def create_version(
        self, assessment: Assessment, by: str, supersedes: str, after: AfterCreate | None = None
    ) -> Record:
        """A new assessment that replaces the signed-off ``supersedes`` (one new version per assessment)."""
        by = check_by(by)
        prepared = self._prepared(assessment, f"make a new version of {supersedes}")
        detail = {"supersedes": supersedes}
        with self._tx(f"make a new version of {supersedes}", unsaved=assessment) as conn:
            record = self._insert_new(conn, prepared, by, Action.CREATED, detail)
            if after is not None:
                after(conn, record.id, record.created_at)
        return record

    def duplicate(
        self,
        assessment_id: str,
        by: str,
        *,
        meta: dict[str, Any] | None = None,
        detail: dict[str, Any] | None = None,
        after: AfterCreate | None = None,
    ) -> Record:
        """A new assessment (status concept, created today) from the latest revision of another.

        Args:
            meta: metadata to set on the copy (the next phase: ``{"phase": ...}``); without it the title gets
                «(kopie)».
            detail: more detail for the audit entry (``from`` and ``from_revision`` are always there).
            after: called inside the same transaction with the new id (the phases add their link row there).
        """
        by = check_by(by)
        source = self.get(assessment_id)
        old = source.assessment.meta
        changes: dict[str, Any] = {"status": Status.CONCEPT, "created": utc_now().date(), "updated": None}
        if meta is None:
            suffix = " (copy)" if old.language == "en" else " (kopie)"
            changes["title"] = old.title[: 200 - len(suffix)] + suffix
        else:
            changes = {**meta, **changes}
        copy = source.assessment.model_copy(update={"meta": old.model_copy(update=changes)})
        prepared = self._prepared(copy, f"duplicate assessment {assessment_id}")
        detail = {**(detail or {}), "from": assessment_id, "from_revision": source.revision}
        with self._tx(f"duplicate assessment {assessment_id}", unsaved=copy) as conn:
            return self._insert_new(conn, prepared, by, Action.DUPLICATED, detail, after)

    def archive(self, assessment_id: str, by: str) -> Record:
        """Hide an assessment from lists and refuse saves until it is restored; nothing is deleted."""
        return self._set_archived(assessment_id, check_by(by), True)

    def restore(self, assessment_id: str, by: str) -> Record:
        return self._set_archived(assessment_id, check_by(by), False)

    def _set_archived(self, aid: str, by: str, value: bool) -> Record:
        verb = "archive" if value else "restore"
        with self._tx(f"{verb} assessment {aid}") as conn:
            result = conn.execute(
                update(assessments)
                .where(assessments.c.id == aid, assessments.c.archived.is_(not value))
                .values(archived=value)
            )
            if result.rowcount != 1:
                if conn.execute(select(assessments.c.id).where(assessments.c.id == aid)).first() is None:
                    raise NotFoundError(f"no assessment with id {aid}")
                raise ArchivedError(f"assessment {aid} is {'already' if value else 'not'} archived")
            action = Action.ARCHIVED if value else Action.RESTORED
            audit.append(conn, at=utc_now(), by=by, action=action, assessment_id=aid)
            record = self._fetch(conn, aid)
        assert record is not None
        return record

    def record_event(
        self, assessment_id: str | None, action: str, by: str, detail: dict[str, Any] | None = None
    ) -> AuditEntry:
        """Add an entry to the audit log, e.g. ``exported`` or ``signed_off``."""
        action, by, _ = audit.check_action(action), check_by(by), audit.detail_text(detail)
        with self._tx(f"record {action!r}") as conn:
            if assessment_id is not None:
                found = conn.execute(select(assessments.c.id).where(assessments.c.id == assessment_id)).first()
                if found is None:
                    raise NotFoundError(f"no assessment with id {assessment_id}")
            return audit.append(conn, at=utc_now(), by=by, action=action, assessment_id=assessment_id, detail=detail)

    # --- reading ---------------------------------------------------------------------------------------

    def export(self, assessment_id: str, *, revision: int | None = None, by: str | None = None) -> Assessment:
        """The assessment (latest or a given revision); with ``by``, an ``exported`` audit entry is added."""
        record = self.get(assessment_id)
        number = record.revision if revision is None else revision
        assessment = record.assessment if number == record.revision else self.revision(assessment_id, number)
        if by is not None:
            self.record_event(assessment_id, Action.EXPORTED, by, {"revision": number})
        return assessment
