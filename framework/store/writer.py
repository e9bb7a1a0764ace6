"""The plumbing every write of the store shares: an assessment checked against its framework and prepared as
a row, a revision appended to the hash chain, a new assessment inserted with its first revision and audit entry.

:class:`RevisionWriter` is mixed into :class:`~framework.store.store.Store` (through ``ImportRows``); the
store's public writes (create, save, import, duplicate ...) all pass through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Connection

from framework import search
from framework.assessment import Assessment, Status, format2_problems, meta_problems
from framework.errors import FrameworkMismatchError, InputError, Problem
from framework.formats import lowest_form
from framework.loading import problems_from_validation
from framework.models import Framework
from framework.store import audit, fulltext
from framework.store.chain import GENESIS, canonical, revision_hash, sha256_text
from framework.store.guards import require_signoff
from framework.store.reads import StoreReader
from framework.store.records import Record
from framework.store.rows import columns_from_data
from framework.store.tables import assessments, revisions
from framework.yamlio import dotted

# Runs inside the transaction that creates a new assessment: (connection, new id, time).
AfterCreate = Callable[[Connection, str, datetime], None]
# The statements of the hot paths, built once: parameters are bound at execution (no per-call construction).
_INSERT_HEAD = assessments.insert()
_INSERT_REVISION = revisions.insert()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Prepared:
    """An assessment checked against its framework, with everything a row needs."""

    assessment: Assessment
    document: str
    content_hash: str
    framework_key: str
    framework_sha256: str
    columns: dict[str, Any]
    search_parts: list[tuple[str, str]]


class RevisionWriter(StoreReader):
    """Preparing rows and appending revisions (mixed into :class:`~framework.store.store.Store`)."""

    #####METH
    def _prepare(self, assessment: Assessment) -> Prepared:
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
        return Prepared(
            assessment, document, sha256_text(document), ref.key, sha, columns_from_data(data), search.parts(data)
        )

    def _prepared(self, assessment: Assessment, operation: str) -> Prepared:
        with self._guard(operation, assessment):
            return self._prepare(assessment)

    def _append_revision(
        self, conn: Connection, aid: str, number: int, previous: str, p: Prepared, by: str, at: datetime, kind: str
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
        p: Prepared,
        by: str,
        action: str,
        detail: dict[str, Any] | None = None,
        after: AfterCreate | None = None,
    ) -> Record:
        aid, now = uuid4().hex, utc_now()
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
        require_signoff(conn, aid, p.columns["status"], p.assessment)
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
