"""The portfolio page's data: :func:`framework.portfolio.build`, and what the page draws of it, kept while nothing
it reads has changed.

A rerun of the page (a chart's table opened, a download, a filter set back) then costs one cheap fingerprint query
(:meth:`Store.portfolio_version`) and the drawing: the aggregates, the tables and the chart specs are built once
per *data key* (the database, its fingerprint, the filter and the visibility query) and language. Any save,
archive or sign-off changes the fingerprint, so what is shown is never stale; the key holds no time and no user
of its own (the visibility is in the query), so several users and several instances of the app share nothing
they should not: each instance keeps its own cache, keyed by what the database holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st

from framework.i18n import format_date, format_eur, t
from framework.portfolio import Cell, Labels, Portfolio, PortfolioFilter, build, day
from framework.store import ListQuery
from ui import portfolio_charts as charts

CELL_COLUMNS = ("ecosystem", "phase", "ipceis", "budget", "aid")
ROW_COLUMNS = ("ipcei", "title", "ecosystem", "phase", "advice", "status", "budget", "aid", "assessments", "signed")


class Loaded(NamedTuple):
    """Where the portfolio comes from: the store and the data key (the database, its fingerprint, the filter and
    the query). Only the key is read on a rerun; the portfolio itself when something needs it (a download)."""

    store: Any
    key: tuple


@dataclass(frozen=True)
class PageView:
    """The page's figures, tables and charts, ready to draw."""

    empty: bool
    restricted: bool
    total: Cell
    cells: pd.DataFrame
    ipceis: pd.DataFrame
    charts: dict[str, charts.Chart]


@st.cache_data(max_entries=16, show_spinner=False)
def _built(_store: Any, where: str, version: tuple, chosen: PortfolioFilter, query: ListQuery) -> Portfolio:
    return build(_store, chosen, query)


def load(store: Any, chosen: PortfolioFilter, query: ListQuery) -> Loaded:
    """The data key of the portfolio of ``query`` (one cheap fingerprint query)."""
    return Loaded(store, (str(store.url), store.portfolio_version(), chosen, query))


def portfolio(loaded: Loaded) -> Portfolio:
    """The portfolio itself (the aggregates), from the cache while nothing changed."""
    return _built(loaded.store, *loaded.key)


@st.cache_data(max_entries=16, show_spinner=False)
def _view(key: tuple, lang: str, _store: Any) -> PageView:
    return page_view(_built(_store, *key), lang)  # the store is what ``key`` names: not hashed


def view(loaded: Loaded, lang: str) -> PageView:
    """What the page draws of the portfolio, built once per data key and language."""
    return _view(loaded.key, lang, loaded.store)


def _known(amount: int | None, known: int, of: int, lang: str) -> str:
    text = format_eur(amount, lang) or "—"
    return f"{text} ({known}/{of})" if amount is not None and known < of else text


def page_view(portfolio: Portfolio, lang: str) -> PageView:
    """The tables and charts of the page (no Streamlit call: a pure function of the portfolio and the language)."""
    labels = Labels(lang)
    advice = [labels.advice_of(a) for a in portfolio.total.advice]
    cells = pd.DataFrame(
        [
            (
                labels.ecosystem(c.ecosystem) if c.ecosystem else t("portfolio_total", lang),
                labels.phase(c.phase) if c.phase else "",
                c.ipceis,
                _known(c.budget, c.budget_known, c.ipceis, lang),
                _known(c.aid, c.aid_known, c.ipceis, lang),
                *(c.advice.get(a, 0) for a in portfolio.total.advice),
            )
            for c in [*portfolio.cells, portfolio.total]
        ],
        columns=[t(f"portfolio_col_{c}", lang) for c in CELL_COLUMNS] + advice,
    )
    ipceis = pd.DataFrame(
        [
            (
                r.ipcei,
                r.title,
                labels.ecosystem(r.ecosystem),
                labels.phase(r.phase),
                labels.advice_of(r.advice),
                labels.status(r.status),
                format_eur(r.national_budget_eur, lang) or "—",
                format_eur(r.aid_requested_eur, lang) or "—",
                r.assessments,
                format_date(day(r.signed_at), lang) or "—",
            )
            for r in portfolio.ipceis
        ],
        columns=[t(f"portfolio_col_{c}", lang) for c in ROW_COLUMNS],
    )
    if portfolio.empty:
        return PageView(True, portfolio.restricted, portfolio.total, cells, ipceis, {})
    built = (charts.advice_chart(portfolio, labels), charts.amounts_chart(portfolio, labels))
    drawn = {c.key: c for c in (*built, charts.timeline_chart(portfolio, labels))}
    return PageView(False, portfolio.restricted, portfolio.total, cells, ipceis, drawn)
