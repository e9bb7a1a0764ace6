"""The portfolio page's data: :func:`framework.portfolio.build`, kept while nothing it reads has changed.

A rerun of the page (a chart's table opened, a download) then costs one cheap fingerprint query
(:meth:`Store.portfolio_version`) instead of the aggregates; any save, archive or sign-off changes the
fingerprint, so what is shown is never stale.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from framework.portfolio import Portfolio, PortfolioFilter, build
from framework.store import ListQuery


@st.cache_data(max_entries=16, show_spinner=False)
def _built(_store: Any, where: str, version: tuple, chosen: PortfolioFilter, query: ListQuery | None) -> Portfolio:
    return build(_store, chosen, query)


def load(store: Any, chosen: PortfolioFilter, query: ListQuery | None) -> Portfolio:
    """The portfolio of ``query`` (None: the person may see nothing), from the cache when nothing changed."""
    if query is None:
        return build(store, chosen, None)
    return _built(store, str(store.url), store.portfolio_version(), chosen, query)
