"""The store of assessments: every save a revision in a hash chain, every action in the audit log.

Concurrency: a save names the revision it was based on. The head row of the assessment is updated with
``WHERE revision = based_on`` in the same transaction that appends the revision and the audit entry; when no
row matches, someone else saved first and the save is refused with a :class:`RevisionConflict` carrying both
versions. So no update is ever lost, on SQLite (writers serialised by ``BEGIN IMMEDIATE``) as on PostgreSQL
(the row lock orders concurrent updates; the loser sees the new revision and matches no row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from pydantic import BaseModel, ValidationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from framework import search
from framework.assessment import Assessment, Status, format2_problems, meta_problems
from framework.errors import FrameworkMismatchError, InputError, Problem
from framework.formats import lowest_form
from framework.loading import problems_from_validation
from framework.models import Framework
from framework.store import audit, fulltext
from framework.store.chain import GENESIS, canonical, revision_hash, sha256_text
from framework.store.dossiers import DossierReads
from framework.store.errors import (
    ArchivedError,
    FrozenError,
    NotFoundError,
    RevisionConflict,
    StatusError,
)
from framework.store.importing import ImportRows
from framework.store.issued import IssuedPdfs
from framework.store.portfolio import PortfolioRows
from framework.store.records import Action, AuditEntry, Record
from framework.store.rows import check_by, columns_from_data
from framework.store.signoffs import WorkflowReads
from framework.store.tables import assessments, revisions, signoffs
from framework.yamlio import dotted


def _now() -> datetime:
    return datetime.now(UTC)


# The statements of the hot paths, built once: parameters are bound at execution (no per-call construction).
_INSERT_HEAD = assessments.insert()
_INSERT_REVISION = revisions.insert()
_UPDATE_HEAD = update(assessments).where(
    assessments.c.id == bindparam("b_id"),
    assessments.c.revision == bindparam("b_based_on"),
    assessments.c.archived.is_(False),
)
_REVISION_BEFORE = select(revisions.c.hash, revisions.c.status).where(
    revisions.c.assessment_id == bindparam("b_id"), revisions.c.number == bindparam("b_number")
)
_HEAD_STATUS = select(assessments.c.status).where(assessments.c.id == bindparam("b_id"))
# Statuses whose content is frozen: after sign-off only the step to 'gearchiveerd' is allowed, no other change.
FROZEN = frozenset({Status.VASTGESTELD, Status.GEARCHIVEERD})
# Runs inside the transaction of a save, after the revision is written: (connection, revision number, time).
AfterSave = Callable[[Connection, int, datetime], None]
# Runs inside the transaction that creates a new version: (connection, new id, time).
AfterCreate = Callable[[Connection, str, datetime], None]
_CREATED = select(assessments.c.created_at, assessments.c.created_by).where(assessments.c.id == bindparam("b_id"))
_SIGNED = select(signoffs.c.assessment_id).where(signoffs.c.assessment_id == bindparam("b_id"))


def _require_signoff(conn: Connection, aid: str, status: str, unsaved: Assessment) -> None:
    """Vastgesteld (or gearchiveerd) only with the store's own sign-off record, written in the same transaction."""
    if Status(status) in FROZEN and conn.execute(_SIGNED, {"b_id": aid}).first() is None:
        raise StatusError(
            f"assessment {aid}: the status {status} comes only from a sign-off in this store "
            "(framework.workflow.sign_off); nothing was stored",
            unsaved=unsaved,
        )


@dataclass(frozen=True, slots=True)
class _Prepared:
    """An assessment checked against its framework, with everything a row needs."""

    assessment: Assessment
    document: str
    content_hash: str
    framework_key: str
    framework_sha256: str
    columns: dict[str, Any]
    search_parts: list[tuple[str, str]]


class Store(ImportRows, WorkflowReads, IssuedPdfs, PortfolioRows, DossierReads):
    """Assessments in SQLite or PostgreSQL. Safe to share between threads; open one per process."""

    def _prepare(self, assessment: Assessment) -> _Prepared:
        if not isinstance(assessment, Assessment):
            raise TypeError("expected an Assessment")
        ref = assessment.framework
        found = self._frameworks.current(ref.id, ref.version)
        if found is None:
            raise FrameworkMismatchError.single(
                ref.key, "this framework version is in neither the framework files nor the database", field="framework"
            )
        framework, sha = found
        _check_answers(assessment, framework, self._frameworks.answer_model(framework, sha))
        self._frameworks.ensure_stored(framework, sha)
        # the lowest format that holds the content, as for the content hash (framework.formats): a /1 assessment
        # is stored as it was, so its stored hash stays the one a sign-off and a signed PDF name
        data = lowest_form(assessment.model_dump(mode="json"))
        document = canonical(data)
        return _Prepared(
            assessment, document, sha256_text(document), ref.key, sha, columns_from_data(data), search.parts(data)
        )

    def _prepared(self, assessment: Assessment, operation: str) -> _Prepared:
        with self._guard(operation, assessment):
            return self._prepare(assessment)

    def _append_revision(
        self, conn: Connection, aid: str, number: int, previous: str, p: _Prepared, by: str, at: datetime, kind: str
    ) -> str:
        status = p.columns["status"]
        digest = revision_hash(
            assessment_id=aid,
            number=number,
            saved_at=at,
            saved_by=by,
            kind=kind,
            status=status,
            framework_sha256=p.framework_sha256,
            content_hash=p.content_hash,
            previous_hash=previous,
        )
        conn.execute(
            _INSERT_REVISION,
            {
                "assessment_id": aid,
                "number": number,
                "saved_at": at,
                "saved_by": by,
                "kind": kind,
                "status": status,
                "framework_sha256": p.framework_sha256,
                "document": p.document,
                "content_hash": p.content_hash,
                "previous_hash": previous,
                "hash": digest,
            },
        )
        return digest

    def _insert_new(
        self,
        conn: Connection,
        p: _Prepared,
        by: str,
        action: str,
        detail: dict[str, Any] | None = None,
        after: AfterCreate | None = None,
    ) -> Record:
        aid, now = uuid4().hex, _now()
        conn.execute(
            _INSERT_HEAD,
            {
                "id": aid,
                "revision": 1,
                "framework_key": p.framework_key,
                "framework_sha256": p.framework_sha256,
                "archived": False,
                "content_hash": p.content_hash,
                "created_at": now,
                "created_by": by,
                "updated_at": now,
                "updated_by": by,
                **p.columns,
            },
        )
        digest = self._append_revision(conn, aid, 1, GENESIS, p, by, now, action)
        fulltext.replace(conn, aid, p.search_parts)
        details = {**(detail or {}), "hash": digest, "content_hash": p.content_hash, "status": p.columns["status"]}
        audit.append(conn, at=now, by=by, action=action, assessment_id=aid, revision=1, detail=details)
        if after is not None:
            after(conn, aid, now)
        _require_signoff(conn, aid, p.columns["status"], p.assessment)
        return Record(
            id=aid,
            revision=1,
            assessment=p.assessment,
            framework_key=p.framework_key,
            status=Status(p.columns["status"]),
            created_at=now,
            created_by=by,
            updated_at=now,
            updated_by=by,
            archived=False,
            content_hash=p.content_hash,
            framework_sha256=p.framework_sha256,
        )

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
        p: _Prepared,
        by: str,
        based_on: int,
        kind: str | None = None,
        after: AfterSave | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Record:
        if isinstance(based_on, bool) or not isinstance(based_on, int) or based_on < 1:
            raise ValueError("based_on is the revision number (1 or more) the edit started from")
        now = _now()
        with self._tx(f"save assessment {aid}", unsaved=p.assessment) as conn:
            self._refuse_frozen(conn, aid, p, kind)
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
                _require_signoff(conn, aid, status, p.assessment)
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

    def _refuse_frozen(self, conn: Connection, aid: str, p: _Prepared, kind: str | None) -> None:
        """A signed-off assessment never changes; the one step left is archiving it (status only).

        A plain save never changes the status either: only a workflow step (:meth:`set_status`) does.
        """
        current = conn.execute(_HEAD_STATUS, {"b_id": aid}).scalar()
        if kind is None and current is not None and current != p.columns["status"]:
            raise StatusError(
                f"assessment {aid} is {current}: a save does not change the status to {p.columns['status']}; "
                "the status changes only through a workflow step (framework.workflow)",
                unsaved=p.assessment,
            )
        if current is None or Status(current) not in FROZEN:
            return
        archiving = (
            kind == Action.STATUS_CHANGED
            and current == Status.VASTGESTELD
            and p.columns["status"] == Status.GEARCHIVEERD
        )
        if not archiving:
            raise FrozenError(
                f"assessment {aid} is {current} (signed off) and can no longer be changed; make a new version instead",
                unsaved=p.assessment,
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
            write(conn, _now())

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
        changes: dict[str, Any] = {"status": Status.CONCEPT, "created": _now().date(), "updated": None}
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
            audit.append(conn, at=_now(), by=by, action=action, assessment_id=aid)
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
            return audit.append(conn, at=_now(), by=by, action=action, assessment_id=assessment_id, detail=detail)

    # --- reading ---------------------------------------------------------------------------------------

    def export(self, assessment_id: str, *, revision: int | None = None, by: str | None = None) -> Assessment:
        """The assessment (latest or a given revision); with ``by``, an ``exported`` audit entry is added."""
        record = self.get(assessment_id)
        number = record.revision if revision is None else revision
        assessment = record.assessment if number == record.revision else self.revision(assessment_id, number)
        if by is not None:
            self.record_event(assessment_id, Action.EXPORTED, by, {"revision": number})
        return assessment


def _check_answers(assessment: Assessment, framework: Framework, answers: type[BaseModel]) -> None:
    """The answers and lists must fit the framework; an ecosystem or phase not yet chosen ('') may stay open."""
    source = f"assessment {assessment.meta.title[:60]!r}"
    problems: list[Problem] = []
    try:
        answers.model_validate(assessment.answers)
    except ValidationError as exc:
        problems += problems_from_validation(exc, source, {}, ("answers",))
    for path, message in meta_problems(framework, assessment.meta):
        if len(path) == 2 and getattr(assessment.meta, path[1]) == "":
            continue
        problems.append(Problem(source=source, line=None, field=dotted(path), message=message))
    for path, message in format2_problems(framework, assessment):  # qualifiers, «onbekend», «geen»
        problems.append(Problem(source=source, line=None, field=dotted(path), message=message))
    if problems:
        raise InputError(problems)
