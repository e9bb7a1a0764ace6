"""The assessments of one IPCEI dossier and the links between its phases (migration 7): rows only.

The ``dossier`` column is filled on every save from the document (:func:`framework.dossier.dossier_key`);
``phase_links`` records which signed-off assessment (and revision) a next-phase assessment started from. The
rules (which phase may follow which, who may start one) live in :mod:`framework.phases`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from framework.assessment import Status
from framework.store.reads import StoreReader
from framework.store.tables import assessments, phase_links, signoffs

FINAL = (Status.VASTGESTELD.value, Status.GEARCHIVEERD.value)


@dataclass(frozen=True, slots=True)
class DossierEntry:
    """One assessment of a dossier: its phase and status, and when it was signed off (None if not)."""

    id: str
    title: str
    phase: str
    status: Status
    archived: bool
    created_at: datetime
    signed_off_at: datetime | None
    signed_off_revision: int | None


@dataclass(frozen=True, slots=True)
class PhaseLink:
    """A next-phase assessment and the signed-off assessment (and revision) it started from."""

    assessment_id: str
    based_on: str
    based_on_revision: int
    at: datetime
    by: str


def add_phase_link(conn: Connection, new_id: str, based_on: str, revision: int, by: str, at: datetime) -> None:
    conn.execute(
        phase_links.insert().values(
            assessment_id=new_id, based_on=based_on, based_on_revision=revision, created_at=at, created_by=by
        )
    )


class DossierReads(StoreReader):
    """Reading dossiers and phase links (mixed into :class:`~framework.store.store.Store`)."""

    def dossier_of(self, assessment_id: str) -> str:
        """The dossier key of an assessment ('' when its IPCEI has no name yet)."""
        with self._tx(f"read the dossier of {assessment_id}", write=False) as conn:
            found = conn.execute(select(assessments.c.dossier).where(assessments.c.id == assessment_id)).first()
        if found is None:
            from framework.store.errors import NotFoundError

            raise NotFoundError(f"no assessment with id {assessment_id}")
        return found.dossier or ""

    def dossier(self, dossier: str, *, include_archived: bool = False) -> list[DossierEntry]:
        """The assessments of a dossier, oldest first (by creation), with their sign-off if any."""
        if not dossier:
            return []
        query = (
            select(
                assessments.c.id,
                assessments.c.title,
                assessments.c.phase,
                assessments.c.status,
                assessments.c.archived,
                assessments.c.created_at,
                signoffs.c.approved_at,
                signoffs.c.revision.label("signed_revision"),
            )
            .outerjoin(signoffs, signoffs.c.assessment_id == assessments.c.id)
            .where(assessments.c.dossier == dossier)
            .order_by(assessments.c.created_at, assessments.c.id)
        )
        if not include_archived:
            query = query.where(assessments.c.archived.is_(False))
        with self._tx(f"read dossier {dossier}", write=False) as conn:
            rows = conn.execute(query).all()
        return [
            DossierEntry(
                r.id,
                r.title,
                r.phase,
                Status(r.status),
                bool(r.archived),
                r.created_at,
                r.approved_at,
                r.signed_revision,
            )
            for r in rows
        ]

    def latest_signed_off(self, dossier: str, *, exclude: str | None = None) -> DossierEntry | None:
        """The assessment of the dossier signed off last (vastgesteld or gearchiveerd), other than ``exclude``."""
        signed = [
            e
            for e in self.dossier(dossier)
            if e.signed_off_at is not None and e.status.value in FINAL and e.id != exclude
        ]
        return max(signed, key=lambda e: (e.signed_off_at, e.id), default=None)

    def phase_link(self, assessment_id: str) -> PhaseLink | None:
        """The signed-off assessment this one started from as the next phase; None when it did not."""
        with self._tx(f"read the phase link of {assessment_id}", write=False) as conn:
            r = conn.execute(select(phase_links).where(phase_links.c.assessment_id == assessment_id)).first()
        if r is None:
            return None
        return PhaseLink(r.assessment_id, r.based_on, r.based_on_revision, r.created_at, r.created_by)
