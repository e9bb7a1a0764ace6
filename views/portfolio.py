"""Portefeuille: all IPCEIs the person may see, per ecosystem and phase, with amounts, advice, a timeline, exports.

Draws what :mod:`framework.portfolio` returns (aggregates in SQL); the filters are also read from the URL
(``?jaar=2024&status=vastgesteld``), and a bad value there is named, not silently dropped. User text (IPCEI
names, titles) is shown only in data frames: text, never markup.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from framework.errors import InputError
from framework.i18n import format_eur
from framework.portfolio import STATUSES, YEAR_MAX, YEAR_MIN, Labels, parse_filter
from framework.portfolio.export import render_html, to_csv_bytes
from ui import guard, identity, portfolio_data, services, state
from ui import portfolio_charts as charts
from ui.i18n import lang, tr

state.flush()  # leaving the wizard: autosave what was typed there
L = lang()
labels = Labels(L)
st.title(tr("portfolio_title"))
st.caption(tr("portfolio_intro"))

# --- filters (also from the URL: a bookmark) ---
try:
    from_url = parse_filter(st.query_params.get("jaar"), st.query_params.get("status"))
except InputError as exc:
    from_url = parse_filter()
    named = "; ".join(f"{tr('portfolio_filter_label_' + p.field)}: {p.text(L)}" for p in exc.problems)
    st.error(tr("portfolio_bad_filter", detail=named), icon=":material/error:")
years = list(range(min(date.today().year + 1, YEAR_MAX), YEAR_MIN - 1, -1))
if from_url.year is not None and from_url.year not in years:  # a valid year ahead of the list: offered too
    years.insert(0, from_url.year)
with st.container(border=True):
    left, middle, right = st.columns([2, 2, 2], vertical_alignment="bottom")
    year = left.selectbox(
        tr("portfolio_filter_label_year"), years, index=years.index(from_url.year) if from_url.year in years else None,
        key="pf_year", placeholder=tr("portfolio_all"),
    )  # fmt: skip
    status = middle.selectbox(
        tr("portfolio_filter_label_status"), list(STATUSES),
        index=STATUSES.index(from_url.status) if from_url.status else None, key="pf_status",
        format_func=labels.status, placeholder=tr("portfolio_all"),
    )  # fmt: skip
    archived = right.toggle(
        tr("portfolio_filter_label_archived"), key="pf_archived", help=tr("portfolio_filter_archived_help")
    )

chosen = parse_filter(year, status, archived)
allowed = identity.visible(chosen.list_query())  # a signed-in author sees only what they drafted
if allowed is None:
    st.info(tr("portfolio_nothing_visible"), icon=":material/lock:")
    st.stop()
loaded = guard.use(lambda s: portfolio_data.load(s, chosen, allowed))
shown = guard.use(lambda s: portfolio_data.view(loaded, L)) if loaded is not None else None
if shown is None:
    st.stop()  # the database is down: the guard said so
# The figures, tables and chart specs are built once per data key (what the database holds) and language.
if shown.restricted:
    st.info(tr("portfolio_restricted"), icon=":material/person:")
st.caption(f"{chosen.describe(L)}. {tr('portfolio_latest_rule')} {tr('portfolio_amounts_rule')}")
if shown.empty:
    st.info(tr("portfolio_empty"), icon=":material/info:")
    st.stop()

total = shown.total
with st.container(horizontal=True):
    st.metric(tr("portfolio_metric_ipceis"), total.ipceis, border=True)
    st.metric(tr("portfolio_metric_budget"), format_eur(total.budget, L) or "—", border=True,
              help=tr("portfolio_known_note"))  # fmt: skip
    st.metric(tr("portfolio_metric_aid"), format_eur(total.aid, L) or "—", border=True)

# --- per ecosystem and phase ---
st.subheader(tr("portfolio_cells_title"))
st.dataframe(shown.cells, hide_index=True, width="stretch")
st.caption(tr("portfolio_known_note"))
left, right = st.columns(2)
with left:
    charts.draw(shown.charts["advice"])
with right:
    charts.draw(shown.charts["amounts"])

# --- per IPCEI ---
st.subheader(tr("portfolio_ipceis_title"))
st.dataframe(shown.ipceis, hide_index=True, width="stretch")

# --- timeline ---
st.subheader(tr("portfolio_timeline_title"))
st.caption(tr("portfolio_timeline_rule"))
charts.draw(shown.charts["timeline"])

# --- exports ---
st.subheader(tr("portfolio_downloads"))


def whole():  # the portfolio itself, read (from the cache) only when a download is asked for
    return portfolio_data.portfolio(loaded)


stem = f"portefeuille-{date.today().isoformat()}" if L == "nl" else f"portfolio-{date.today().isoformat()}"
with st.container(horizontal=True, gap="small"):
    st.download_button(
        tr("portfolio_download_pdf_ready"), data=lambda: services.portfolio_pdf(render_html(whole(), L)),
        file_name=f"{stem}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore",
        key="pf_pdf", type="primary",
    )  # fmt: skip
    for table in ("cells", "ipceis", "timeline"):
        st.download_button(
            tr(f"portfolio_download_{table}"), data=lambda table=table: to_csv_bytes(whole(), L, table),
            file_name=f"{stem}-{table}.csv", mime="text/csv", icon=":material/table:", on_click="ignore",
            key=f"pf_csv_{table}",
        )  # fmt: skip
