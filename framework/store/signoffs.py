"""The workflow's rows in the store: review verdicts, sign-offs and links between versions (all append-only).

Writers take the connection of a transaction the store opened (see ``after`` in :meth:`Store.set_status`), so
that a status change, its audit entry and these rows are stored together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from framework.store.reads import StoreReader
from framework.store.records import Plain
from framework.store.tables import reviews, signoffs, supersessions


@dataclass(frozen=True, slots=True)
class ReviewEntry(Plain):
    """A reviewer's verdict on one question of one revision."""

    revision: int
    question_id: str
    verdict: str
    comment: str
    by: str
    role: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SignOff(Plain):
    """Who approved which revision, in which role and when, and the content hash of what was approved."""

    assessment_id: str
    revision: int
    content_hash: str
    by: str
    role: str
    at: datetime


def add_reviews(
    conn: Connection, aid: str, revision: int, entries: list[tuple[str, str, str]], by: str, role: str, at: datetime
) -> None:
    """Insert ``(question_id, verdict, comment)`` verdicts given on ``revision``."""
    if entries:
        conn.execute(
            reviews.insert(),
            [
                {
                    "assessment_id": aid,
                    "revision": revision,
                    "question_id": q,
                    "verdict": v,
                    "comment": c,
                    "reviewed_by": by,
                    "role": role,
                    "reviewed_at": at,
                }
                for q, v, c in entries
            ],
        )


def add_signoff(conn: Connection, aid: str, revision: int, content_hash: str, by: str, role: str, at: datetime) -> None:
    conn.execute(
        signoffs.insert().values(
            assessment_id=aid, revision=revision, content_hash=content_hash, approved_by=by, role=role, approved_at=at
        )
    )


def add_supersession(conn: Connection, new_id: str, old_id: str, by: str, at: datetime) -> None:
    conn.execute(supersessions.insert().values(assessment_id=new_id, supersedes=old_id, created_at=at, created_by=by))


class WorkflowReads(StoreReader):
    """Reading the workflow's rows (mixed into :class:`~framework.store.store.Store`)."""

    def reviews(self, assessment_id: str) -> list[ReviewEntry]:
        """All verdicts on an assessment, oldest first."""
        with self._tx(f"read the reviews of {assessment_id}", write=False) as conn:
            rows = conn.execute(
                select(reviews).where(reviews.c.assessment_id == assessment_id).order_by(reviews.c.id)
            ).all()
        return [
            ReviewEntry(r.revision, r.question_id, r.verdict, r.comment, r.reviewed_by, r.role, r.reviewed_at)
            for r in rows
        ]

    def signoff(self, assessment_id: str) -> SignOff | None:
        return self._signoff(f"read the sign-off of {assessment_id}", signoffs.c.assessment_id == assessment_id)

    def signoff_by_hash(self, content_hash: str) -> SignOff | None:
        """The sign-off of exactly this content, if the store has one."""
        return self._signoff("look up a sign-off", signoffs.c.content_hash == content_hash)

    def _signoff(self, what: str, where: ColumnElement[bool]) -> SignOff | None:
        with self._tx(what, write=False) as conn:
            r = conn.execute(select(signoffs).where(where)).first()
        if r is None:
            return None
        return SignOff(r.assessment_id, r.revision, r.content_hash, r.approved_by, r.role, r.approved_at)

    def version_links(self, assessment_id: str) -> tuple[str | None, str | None]:
        """``(supersedes, superseded_by)``: the version this one replaces, and the one that replaces it."""
        with self._tx(f"read the versions of {assessment_id}", write=False) as conn:
            older = conn.execute(
                select(supersessions.c.supersedes).where(supersessions.c.assessment_id == assessment_id)
            ).scalar()
            newer = conn.execute(
                select(supersessions.c.assessment_id).where(supersessions.c.supersedes == assessment_id)
            ).scalar()
        return older, newer
