"""The portfolio: all IPCEIs a person may see, per ecosystem and phase, with amounts, advice and a timeline.

Computed from the store's indexed columns in SQL (:mod:`framework.store.portfolio`): no document is read, so the
portfolio of 10,000 assessments costs a few aggregates. Each IPCEI counts once, by its *latest* assessment (the
last created among those that pass the filters): its ecosystem, phase, advice and amounts. The amounts are the
national budget (``meta.national_budget_eur``) and the aid requested (``key_figures.aid_requested_eur``); sums
say how many IPCEIs name the amount, so an unknown amount is never read as zero.

Visibility is the store's own list filter: the caller narrows the :class:`~framework.store.ListQuery` of
:meth:`PortfolioFilter.list_query` with :func:`framework.identity.visible_query` (an author sees only the
assessments they drafted), exactly as the overview does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from framework.assessment import Status
from framework.errors import InputError, Problem
from framework.i18n import t
from framework.store.portfolio import CellRow, IpceiRow, PhaseRow
from framework.store.records import ListQuery

YEAR_MIN, YEAR_MAX = 2014, 2060  # the years an IPCEI assessment can be of (the Communication of 2014 onwards)
NO_ADVICE = ""  # the key of «no advice yet» in the advice counts
ADVICE_ORDER = ("deelnemen", "deelnemen_onder_voorwaarden", "niet_deelnemen", NO_ADVICE)
# Colour-blind safe (Okabe-Ito); the same colour means the same advice on the page, in its charts and in the PDF.
ADVICE_COLOURS = {
    "deelnemen": "#009E73",  # bluish green
    "deelnemen_onder_voorwaarden": "#E69F00",  # orange
    "niet_deelnemen": "#D55E00",  # vermillion
    NO_ADVICE: "#8C8C8C",  # grey
}
# The amounts: not an advice, so colours no advice uses.
AMOUNT_COLOURS = {"national_budget_eur": "#0072B2", "aid_requested_eur": "#56B4E9"}
STATUSES = tuple(s.value for s in Status)
SOURCE = "portfolio filter"


@dataclass(frozen=True, slots=True)
class PortfolioFilter:
    """Which assessments the portfolio covers: of one year (of ``meta.created``), of one status, archived or not."""

    year: int | None = None
    status: str | None = None
    include_archived: bool = False

    def list_query(self) -> ListQuery:
        """The store's list filter for these assessments (narrow it to what the person may see)."""
        return ListQuery(year=self.year, status=self.status, include_archived=self.include_archived)

    def describe(self, lang: str) -> str:
        parts = [
            t("portfolio_filter_year", lang, year=self.year) if self.year else t("portfolio_filter_all_years", lang)
        ]
        status = t(f"status_{self.status}", lang) if self.status else t("portfolio_filter_all_statuses", lang)
        parts.append(status)
        if self.include_archived:
            parts.append(t("portfolio_filter_with_archived", lang))
        return " · ".join(parts)


def parse_filter(year: Any = None, status: Any = None, include_archived: bool = False) -> PortfolioFilter:
    """The filter from user input; a year out of range or an unknown status is an InputError saying which."""
    problems = []
    if year is not None and year != "":
        text = str(year).strip()
        value = int(text) if text.isascii() and text.isdigit() else None
        if value is None or not YEAR_MIN <= value <= YEAR_MAX:
            problems.append(
                Problem(
                    SOURCE,
                    None,
                    "year",
                    f"{text!r} is not a year from {YEAR_MIN} to {YEAR_MAX}",
                    nl=f"{text!r} is geen jaartal van {YEAR_MIN} tot en met {YEAR_MAX}",
                )
            )
        year = value
    else:
        year = None
    if status is not None and status != "":
        if str(status) not in STATUSES:
            known = ", ".join(STATUSES)
            problems.append(
                Problem(
                    SOURCE,
                    None,
                    "status",
                    f"{status!r} is not a status; use one of: {known}",
                    nl=f"{status!r} is geen status; kies uit: {known}",
                )
            )
        status = str(status)
    else:
        status = None
    if problems:
        raise InputError(problems)
    return PortfolioFilter(year=year, status=status, include_archived=bool(include_archived))


@dataclass(slots=True)
class Cell:
    """The IPCEIs of one ecosystem and phase (or of all: the total), with the sums and the advice counts."""

    ecosystem: str
    phase: str
    ipceis: int = 0
    national_budget_eur: int = 0
    budget_known: int = 0
    aid_requested_eur: int = 0
    aid_known: int = 0
    advice: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ADVICE_ORDER, 0))

    def add(self, row: CellRow) -> None:
        self.ipceis += row.ipceis
        self.national_budget_eur += row.national_budget_eur
        self.budget_known += row.budget_known
        self.aid_requested_eur += row.aid_requested_eur
        self.aid_known += row.aid_known
        key = row.advice or NO_ADVICE
        self.advice[key] = self.advice.get(key, 0) + row.ipceis

    @property
    def budget(self) -> int | None:
        """The sum of the national budgets, None when no IPCEI here names one."""
        return self.national_budget_eur if self.budget_known else None

    @property
    def aid(self) -> int | None:
        return self.aid_requested_eur if self.aid_known else None


@dataclass(frozen=True, slots=True)
class Portfolio:
    """What the page, the CSV and the PDF show (ids, not labels: :class:`Labels` names them per language)."""

    filter: PortfolioFilter
    restricted: bool  # narrowed to what one author drafted
    cells: list[Cell]
    total: Cell
    ipceis: list[IpceiRow]
    timeline: list[PhaseRow]

    @property
    def empty(self) -> bool:
        return self.total.ipceis == 0


def _order(ids: list[str]) -> dict[str, int]:
    return {value: index for index, value in enumerate(ids)}


def build(store: Any, filter_: PortfolioFilter, query: ListQuery | None, *, parts: tuple[str, ...] = ()) -> Portfolio:
    """The portfolio of the assessments ``query`` selects (``filter_.list_query()`` narrowed to what the person may
    see; None: they may see nothing). ``parts`` limits what is read (``cells``, ``ipceis``, ``timeline``)."""
    wanted = set(parts or ("cells", "ipceis", "timeline"))
    restricted = query is not None and query.drafted_by is not None
    if query is None:
        return Portfolio(filter_, True, [], Cell("", ""), [], [])
    labels = Labels("nl")
    eco_order, phase_order = _order(list(labels.ecosystems)), _order(list(labels.phases))
    cells: dict[tuple[str, str], Cell] = {}
    total = Cell("", "")
    if "cells" in wanted:
        for row in store.portfolio_cells(query):
            cell = cells.setdefault((row.ecosystem, row.phase), Cell(row.ecosystem, row.phase))
            cell.add(row)
            total.add(row)
    ordered = sorted(
        cells.values(),
        key=lambda c: (eco_order.get(c.ecosystem, 99), c.ecosystem, phase_order.get(c.phase, 99), c.phase),
    )
    ipceis = store.portfolio_ipceis(query) if "ipceis" in wanted else []
    timeline = store.portfolio_timeline(query) if "timeline" in wanted else []
    return Portfolio(filter_, restricted, ordered, total, ipceis, timeline)


class Labels:
    """The names of ecosystems, phases, advice and statuses in one language (the framework's own wording)."""

    def __init__(self, lang: str):
        from framework.loading import default_framework

        framework = default_framework()
        self.lang = lang
        self.ecosystems = {e.id: e.label(lang) for e in framework.ecosystems}
        self.phases = {p.id: p.label(lang) for p in framework.phases}
        question = framework.question("q14")
        advice_field = question.field("advice") if question else None
        options = {o.id: o.label(lang) for o in advice_field.options} if advice_field else {}
        self.advice = {**options, NO_ADVICE: t("portfolio_no_advice", lang)}

    def ecosystem(self, value: str) -> str:
        return self.ecosystems.get(value, value or "—")

    def phase(self, value: str) -> str:
        return self.phases.get(value, value or "—")

    def advice_of(self, value: str | None) -> str:
        return self.advice.get(value or NO_ADVICE, value or "")

    def status(self, value: str) -> str:
        return t(f"status_{value}", self.lang) if value in STATUSES else value


def day(value: Any) -> date | None:
    """The calendar day (in the local time zone) of a stored moment; a day (an assessment's own date) as it is."""
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    from framework.localtime import to_local

    return to_local(value).date()
