"""Portefeuille: all IPCEIs the person may see, per ecosystem and phase, with amounts, advice, a timeline, exports.

Draws what :mod:`framework.portfolio` returns (aggregates in SQL); the filters are also read from the URL
(``?jaar=2024&status=vastgesteld``), and a bad value there is named, not silently dropped. User text (IPCEI
names, titles) is shown only in data frames: text, never markup.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from framework.errors import InputError
from framework.i18n import format_date, format_eur
from framework.portfolio import STATUSES, YEAR_MAX, YEAR_MIN, Labels, day, parse_filter
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
    archived = right.toggle(tr("portfolio_filter_label_archived"), key="pf_archived")

chosen = parse_filter(year, status, archived)
allowed = identity.visible(chosen.list_query())  # a signed-in author sees only what they drafted
if allowed is None:
    st.info(tr("portfolio_nothing_visible"), icon=":material/lock:")
    st.stop()
portfolio = guard.use(lambda s: portfolio_data.load(s, chosen, allowed))
if portfolio is None:
    st.stop()  # the database is down: the guard said so
if portfolio.restricted:
    st.info(tr("portfolio_restricted"), icon=":material/person:")
st.caption(f"{chosen.describe(L)}. {tr('portfolio_latest_rule')} {tr('portfolio_amounts_rule')}")
if portfolio.empty:
    st.info(tr("portfolio_empty"), icon=":material/info:")
    st.stop()

total = portfolio.total
with st.container(horizontal=True):
    st.metric(tr("portfolio_metric_ipceis"), total.ipceis, border=True)
    st.metric(tr("portfolio_metric_budget"), format_eur(total.budget, L) or "—", border=True,
              help=tr("portfolio_known_note"))  # fmt: skip
    st.metric(tr("portfolio_metric_aid"), format_eur(total.aid, L) or "—", border=True)

# --- per ecosystem and phase ---
st.subheader(tr("portfolio_cells_title"))


def _known(amount: int | None, known: int, of: int) -> str:
    text = format_eur(amount, L) or "—"
    return f"{text} ({known}/{of})" if amount is not None and known < of else text


cell_rows = [
    {
        tr("portfolio_col_ecosystem"): labels.ecosystem(c.ecosystem) if c.ecosystem else tr("portfolio_total"),
        tr("portfolio_col_phase"): labels.phase(c.phase) if c.phase else "",
        tr("portfolio_col_ipceis"): c.ipceis,
        tr("portfolio_col_budget"): _known(c.budget, c.budget_known, c.ipceis),
        tr("portfolio_col_aid"): _known(c.aid, c.aid_known, c.ipceis),
        **{labels.advice_of(a): n for a, n in c.advice.items()},
    }
    for c in [*portfolio.cells, total]
]
st.dataframe(cell_rows, hide_index=True, width="stretch")
st.caption(tr("portfolio_known_note"))

left, right = st.columns(2)
with left:
    charts.advice_chart(portfolio, labels)
with right:
    charts.amounts_chart(portfolio, labels)

# --- per IPCEI ---
st.subheader(tr("portfolio_ipceis_title"))
st.dataframe(
    [
        {
            tr("portfolio_col_ipcei"): r.ipcei,
            tr("portfolio_col_title"): r.title,
            tr("portfolio_col_ecosystem"): labels.ecosystem(r.ecosystem),
            tr("portfolio_col_phase"): labels.phase(r.phase),
            tr("portfolio_col_advice"): labels.advice_of(r.advice),
            tr("portfolio_col_status"): labels.status(r.status),
            tr("portfolio_col_budget"): format_eur(r.national_budget_eur, L) or "—",
            tr("portfolio_col_aid"): format_eur(r.aid_requested_eur, L) or "—",
            tr("portfolio_col_assessments"): r.assessments,
            tr("portfolio_col_signed"): format_date(day(r.signed_at), L) or "—",
        }
        for r in portfolio.ipceis
    ],
    hide_index=True,
    width="stretch",
)

# --- timeline ---
st.subheader(tr("portfolio_timeline_title"))
st.caption(tr("portfolio_timeline_rule"))
charts.timeline_chart(portfolio, labels)

# --- exports ---
st.subheader(tr("portfolio_downloads"))
stem = f"portefeuille-{date.today().isoformat()}" if L == "nl" else f"portfolio-{date.today().isoformat()}"
with st.container(horizontal=True, gap="small"):
    st.download_button(
        tr("portfolio_download_pdf_ready"), data=lambda: services.portfolio_pdf(render_html(portfolio, L)),
        file_name=f"{stem}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore",
        key="pf_pdf", type="primary",
    )  # fmt: skip
    for table in ("cells", "ipceis", "timeline"):
        st.download_button(
            tr(f"portfolio_download_{table}"), data=lambda table=table: to_csv_bytes(portfolio, L, table),
            file_name=f"{stem}-{table}.csv", mime="text/csv", icon=":material/table:", on_click="ignore",
            key=f"pf_csv_{table}",
        )  # fmt: skip
