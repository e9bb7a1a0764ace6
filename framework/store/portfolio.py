"""The portfolio's rows: aggregates over the assessments' indexed columns, computed in SQL (no document is read).

The unit of the portfolio is an IPCEI: :data:`DOSSIER` is its grouping key, here and nowhere else. Of each
IPCEI the portfolio takes its *latest* assessment (the one of the latest own date, ``meta.created`` in the
``created_on`` column, among those that pass the filters; ties broken by the moment it was stored, then by id), so
that every IPCEI counts once, in the ecosystem and phase of that assessment, with its advice and its amounts. The
timeline keeps every phase: per IPCEI and phase the first assessment's own date and the last sign-off. The own
date, not the moment of storing: an assessment of 2023 imported today stands in 2023.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select

from framework.store.reads import StoreReader
from framework.store.records import ListQuery
from framework.store.rows import list_conditions
from framework.store.tables import assessments, signoffs

# The one grouping key of the portfolio: the IPCEI an assessment belongs to (later: its dossier).
DOSSIER = assessments.c.ipcei


@dataclass(frozen=True, slots=True)
class CellRow:
    """IPCEIs whose latest assessment has this ecosystem, phase and advice (None: no advice yet)."""

    ecosystem: str
    phase: str
    advice: str | None
    ipceis: int
    national_budget_eur: int
    budget_known: int  # how many of them name a national budget
    aid_requested_eur: int
    aid_known: int


@dataclass(frozen=True, slots=True)
class IpceiRow:
    """One IPCEI: its latest assessment, how many assessments it has, and its last sign-off."""

    ipcei: str
    assessment_id: str
    title: str
    ecosystem: str
    phase: str
    advice: str | None
    status: str
    year: int | None
    created_at: datetime
    national_budget_eur: int | None
    aid_requested_eur: int | None
    assessments: int
    signed_at: datetime | None


@dataclass(frozen=True, slots=True)
class PhaseRow:
    """One phase of one IPCEI on the timeline: the own date of its first assessment (``meta.created``; the moment
    it was stored when a document has none), when the last was signed off."""

    ipcei: str
    phase: str
    started: date
    decided: datetime | None
    assessments: int


def _int(value: Any) -> int:
    return int(value or 0)  # PostgreSQL sums a BIGINT as NUMERIC


def _ranked(conditions: list[Any], *, wide: bool = True) -> Any:
    """The filtered assessments, each with its rank within its IPCEI (1: the latest); ``wide``: with the columns
    of the per-IPCEI rows (the sums do not need them: narrower rows sort faster)."""
    order = (assessments.c.created_on.desc().nulls_last(), assessments.c.created_at.desc(), assessments.c.id.desc())
    columns = [
        assessments.c.ecosystem,
        assessments.c.phase,
        assessments.c.advice,
        assessments.c.national_budget_eur,
        assessments.c.aid_requested_eur,
        func.row_number().over(partition_by=DOSSIER, order_by=order).label("rank"),
    ]
    if wide:
        columns += [
            assessments.c.id,
            DOSSIER.label("dossier"),
            assessments.c.title,
            assessments.c.status,
            assessments.c.year,
            assessments.c.created_at,
        ]
    return select(*columns).where(*conditions).subquery("ranked")


def cells_statement(conditions: list[Any]) -> Any:
    """Per ecosystem, phase and advice: the IPCEIs (by their latest assessment) and the sums of their amounts."""
    latest = _ranked(conditions, wide=False)
    return (
        select(
            latest.c.ecosystem,
            latest.c.phase,
            latest.c.advice,
            func.count(),
            func.sum(latest.c.national_budget_eur),
            func.count(latest.c.national_budget_eur),
            func.sum(latest.c.aid_requested_eur),
            func.count(latest.c.aid_requested_eur),
        )
        .where(latest.c.rank == 1)
        .group_by(latest.c.ecosystem, latest.c.phase, latest.c.advice)
    )


class PortfolioRows(StoreReader):
    """The portfolio's reads (a part of :class:`~framework.store.store.Store`)."""

    def portfolio_version(self) -> tuple[int, ...]:
        """A cheap fingerprint of what the portfolio reads: it changes with every save, archive, restore and sign-off
        (assessments, their revisions summed, the archived ones, sign-offs), so a cache keyed on it is never stale."""
        archived = func.sum(case((assessments.c.archived.is_(True), 1), else_=0))
        heads = select(func.count(), func.coalesce(func.sum(assessments.c.revision), 0), func.coalesce(archived, 0))
        with self._tx("read the portfolio", write=False) as conn:
            count, revisions, archived_count = conn.execute(heads).one()
            signed = conn.execute(select(func.count()).select_from(signoffs)).scalar_one()
        return (_int(count), _int(revisions), _int(archived_count), _int(signed))

    def portfolio_cells(self, query: ListQuery) -> list[CellRow]:
        """The IPCEIs per ecosystem, phase and advice, with sums of national budget and aid requested."""
        statement = cells_statement(list_conditions(query, self.backend))
        with self._tx("read the portfolio", write=False) as conn:
            rows = conn.execute(statement).all()
        return [
            CellRow(eco, phase, advice or None, _int(n), _int(budget), _int(nb), _int(aid), _int(na))
            for eco, phase, advice, n, budget, nb, aid, na in rows
        ]

    def portfolio_ipceis(self, query: ListQuery) -> list[IpceiRow]:
        """Every IPCEI with its latest assessment, in the order of their names."""
        conditions = list_conditions(query, self.backend)
        latest = _ranked(conditions)
        per_ipcei = (  # one pass: the IPCEI's assessments and its last sign-off (at most one per assessment)
            select(
                DOSSIER.label("dossier"),
                func.count().label("in_dossier"),
                func.max(signoffs.c.approved_at).label("signed_at"),
            )
            .select_from(assessments)
            .outerjoin(signoffs, signoffs.c.assessment_id == assessments.c.id)
            .where(*conditions)
            .group_by(DOSSIER)
            .subquery("per_ipcei")
        )
        statement = (
            select(
                latest.c.dossier,
                latest.c.id,
                latest.c.title,
                latest.c.ecosystem,
                latest.c.phase,
                latest.c.advice,
                latest.c.status,
                latest.c.year,
                latest.c.created_at,
                latest.c.national_budget_eur,
                latest.c.aid_requested_eur,
                per_ipcei.c.in_dossier,
                per_ipcei.c.signed_at,
            )
            .join(per_ipcei, per_ipcei.c.dossier == latest.c.dossier)
            .where(latest.c.rank == 1)
            .order_by(latest.c.dossier)
        )
        with self._tx("read the portfolio", write=False) as conn:
            rows = conn.execute(statement).all()
        return [
            IpceiRow(*row[:5], row[5] or None, row[6], row[7], row[8], row[9], row[10], _int(row[11]), row[12])
            for row in rows
        ]

    def portfolio_timeline(self, query: ListQuery) -> list[PhaseRow]:
        """Per IPCEI and phase: the first assessment's own date, the last sign-off and the number of assessments."""
        started = func.min(assessments.c.created_on)
        statement = (
            select(
                DOSSIER,
                assessments.c.phase,
                started,
                func.min(assessments.c.created_at),
                func.max(signoffs.c.approved_at),
                func.count(),
            )
            .select_from(assessments)
            .outerjoin(signoffs, and_(signoffs.c.assessment_id == assessments.c.id))
            .where(*list_conditions(query, self.backend))
            .group_by(DOSSIER, assessments.c.phase)
            .order_by(DOSSIER, started, func.min(assessments.c.created_at))
        )
        with self._tx("read the portfolio", write=False) as conn:
            rows = conn.execute(statement).all()
        return [
            PhaseRow(ipcei, phase, on if on is not None else stored_day(at), decided, _int(n))
            for ipcei, phase, on, at, decided, n in rows
        ]


def stored_day(moment: datetime) -> date:
    """The local day of a stored moment (the timeline's date of an assessment without an own date)."""
    from framework.localtime import to_local

    return to_local(moment).date()
