"""The portfolio page's charts (Altair, drawn by the Vega that Streamlit serves itself) and their tables.

The builders (:func:`advice_chart`, :func:`amounts_chart`, :func:`timeline_chart`) are pure: from the portfolio
and the language to a :class:`Chart` (its Vega-Lite spec and its table), with no Streamlit call, so that
``ui.portfolio_data`` builds them once per data key and language and a rerun only draws them (:func:`draw`).
Every chart has a text alternative: ``alt`` (the accessible name Streamlit gives the chart), a caption that says
what it shows, and a table with the same figures in an expander. Colours are colour-blind safe and fixed:
the same colour is the same advice everywhere (:data:`framework.portfolio.ADVICE_COLOURS`); the amounts use
colours no advice uses; the timeline's phases are told apart by position and label, decisions by shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from framework.i18n import format_date, t
from framework.portfolio import ADVICE_COLOURS, ADVICE_ORDER, AMOUNT_COLOURS, Labels, Portfolio, day
from ui.i18n import tr

TIMELINE_MAX = 30  # IPCEIs on the timeline chart (the most recently active); the table holds them all


@dataclass(frozen=True)
class Chart:
    """A chart ready to draw: its name (``portfolio_chart_<key>_*`` texts), its Vega-Lite spec and its table;
    ``cut`` is (shown, total) when the chart shows fewer rows than the table."""

    key: str
    spec: dict[str, Any]
    table: pd.DataFrame
    cut: tuple[int, int] | None = None


def _chart(key: str, chart: alt.TopLevelMixin, table: pd.DataFrame, cut: tuple[int, int] | None = None) -> Chart:
    # The spec without Altair's schema validation (it cost over a second for three charts on a busy machine); the
    # specs are fixed code, checked in the tests, and drawn in Chromium by the browser test.
    with alt.theme.enable("none"):  # as st.altair_chart does: no default width or height from Altair's theme
        return Chart(key, chart.to_dict(validate=False), table, cut)


def draw(chart: Chart) -> None:
    """The chart with its text alternative: accessible name, caption, and the same figures as a table."""
    text = tr(f"portfolio_chart_{chart.key}_alt")
    if chart.cut is not None:
        st.caption(tr("portfolio_chart_timeline_cut", shown=chart.cut[0], total=chart.cut[1]))
    st.markdown(f"**{tr(f'portfolio_chart_{chart.key}_title')}**")
    st.caption(text)
    st.vega_lite_chart(spec=chart.spec, width="stretch", alt=text, key=f"pf_chart_{chart.key}")
    with st.expander(tr("portfolio_table_of_chart"), icon=":material/table:"):
        st.dataframe(chart.table, hide_index=True, width="stretch")


def advice_chart(portfolio: Portfolio, labels: Labels) -> Chart:
    """Per ecosystem the number of IPCEIs, stacked by advice."""
    tr = partial(t, lang=labels.lang)
    per: dict[str, dict[str, int]] = {}
    for cell in portfolio.cells:
        counts = per.setdefault(cell.ecosystem, dict.fromkeys(ADVICE_ORDER, 0))
        for advice, n in cell.advice.items():
            counts[advice] = counts.get(advice, 0) + n
    rows = [
        {"ecosystem": labels.ecosystem(eco), "advice": labels.advice_of(a), "order": ADVICE_ORDER.index(a), "n": n}
        for eco, counts in per.items()
        for a, n in counts.items()
        if n
    ]
    domain = [labels.advice_of(a) for a in ADVICE_ORDER]
    data = pd.DataFrame(rows)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("ecosystem:N", title=tr("portfolio_col_ecosystem"), axis=alt.Axis(labelLimit=320)),
            x=alt.X("sum(n):Q", title=tr("portfolio_col_ipceis"), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "advice:N",
                scale=alt.Scale(domain=domain, range=[ADVICE_COLOURS[a] for a in ADVICE_ORDER]),
                legend=alt.Legend(title=tr("portfolio_col_advice"), orient="bottom", columns=1, labelLimit=280),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("ecosystem:N", title=tr("portfolio_col_ecosystem")),
                alt.Tooltip("advice:N", title=tr("portfolio_col_advice")),
                alt.Tooltip("n:Q", title=tr("portfolio_col_ipceis")),
            ],
        )
        .properties(height=170 + 44 * len(per))  # axes and legend fit in the height too
    )
    table = pd.DataFrame(
        [
            {
                tr("portfolio_col_ecosystem"): labels.ecosystem(eco),
                **{labels.advice_of(a): counts[a] for a in ADVICE_ORDER},
            }
            for eco, counts in per.items()
        ]
    )
    return _chart("advice", chart, table)


def amounts_chart(portfolio: Portfolio, labels: Labels) -> Chart:
    """Per phase the sums of the national budget and of the aid requested (only what is known)."""
    tr = partial(t, lang=labels.lang)
    per: dict[str, dict[str, int]] = {}
    for cell in portfolio.cells:
        sums = per.setdefault(cell.phase, {"national_budget_eur": 0, "aid_requested_eur": 0})
        sums["national_budget_eur"] += cell.national_budget_eur
        sums["aid_requested_eur"] += cell.aid_requested_eur
    names = {"national_budget_eur": tr("portfolio_metric_budget"), "aid_requested_eur": tr("portfolio_metric_aid")}
    rows = [
        {"phase": labels.phase(phase), "kind": names[kind], "eur": amount, "millions": amount / 1_000_000}
        for phase, sums in per.items()
        for kind, amount in sums.items()
    ]
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            y=alt.Y(
                "phase:N",
                title=tr("portfolio_col_phase"),
                axis=alt.Axis(labelLimit=320),
                sort=list(labels.phases.values()),
            ),  # the framework's order of the phases
            yOffset=alt.YOffset("kind:N", sort=list(names.values())),
            x=alt.X("millions:Q", title=tr("portfolio_chart_millions"), axis=alt.Axis(format=",d")),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=list(names.values()), range=list(AMOUNT_COLOURS.values())),
                legend=alt.Legend(title=tr("portfolio_amount_kind"), orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("phase:N", title=tr("portfolio_col_phase")),
                alt.Tooltip("kind:N", title=tr("portfolio_amount_kind")),
                alt.Tooltip("eur:Q", title="EUR", format=",d"),
            ],
        )
        .properties(height=110 + 64 * len(per))
    )
    table = pd.DataFrame(
        [
            {tr("portfolio_col_phase"): labels.phase(phase), **{names[k]: v for k, v in sums.items()}}
            for phase, sums in per.items()
        ]
    )
    return _chart("amounts", chart, table)


def timeline_chart(portfolio: Portfolio, labels: Labels) -> Chart:
    """Per IPCEI a line per phase from the first assessment (circle) to the last sign-off (diamond)."""
    tr = partial(t, lang=labels.lang)
    latest: dict[str, object] = {}
    for row in portfolio.timeline:
        moment = day(row.decided) or day(row.started)  # days: a sign-off's moment and an assessment's own date
        if row.ipcei not in latest or moment > latest[row.ipcei]:  # type: ignore[operator]
            latest[row.ipcei] = moment
    shown = set(sorted(latest, key=latest.__getitem__, reverse=True)[:TIMELINE_MAX])  # type: ignore[arg-type]
    rows = []
    for row in portfolio.timeline:
        if row.ipcei not in shown:
            continue
        start, end = day(row.started), day(row.decided)
        rows.append(
            {
                "ipcei": row.ipcei,
                "phase": labels.phase(row.phase),
                "start": start.isoformat(),
                "end": (end or start).isoformat(),  # no sign-off yet: the circle alone
                "decided": end.isoformat() if end else None,
            }
        )
    data = pd.DataFrame(rows)
    base = alt.Chart(data).encode(
        y=alt.Y("ipcei:N", title=tr("portfolio_col_ipcei"), axis=alt.Axis(labelLimit=240)),
        yOffset=alt.YOffset("phase:N", sort=list(labels.phases.values())),
        tooltip=[
            alt.Tooltip("ipcei:N", title=tr("portfolio_col_ipcei")),
            alt.Tooltip("phase:N", title=tr("portfolio_col_phase")),
            alt.Tooltip("start:T", title=tr("portfolio_col_started"), format="%d-%m-%Y"),
            alt.Tooltip("decided:T", title=tr("portfolio_col_decided"), format="%d-%m-%Y"),
        ],
    )
    x = alt.X("start:T", title=tr("portfolio_col_date"), axis=alt.Axis(format="%d-%m-%Y", labelOverlap=True))
    line = base.mark_rule(strokeWidth=3, color=AMOUNT_COLOURS["national_budget_eur"]).encode(x=x, x2="end:T")
    # The circles, diamonds and labels repeat what the lines say: hidden from screen readers (aria=False), which
    # read the chart's text alternative and the table; a layer with no mark (no sign-off yet) is left out.
    started = base.mark_point(shape="circle", size=70, filled=True, color="#1d1d1b", aria=False).encode(x=x)
    label = base.mark_text(align="left", dx=8, dy=-8, fontSize=10, aria=False).encode(x=x, text="phase:N")
    layers = [line, started, label]
    if any(r["decided"] for r in rows):
        decided = (
            base.transform_filter("datum.decided != null")
            .mark_point(shape="diamond", size=110, filled=True, color="#1d1d1b", aria=False)
            .encode(x=alt.X("decided:T"))
        )
        layers.append(decided)
    chart = alt.layer(*layers).properties(height=70 + 64 * len(shown))
    table = pd.DataFrame(
        [
            (
                row.ipcei,
                labels.phase(row.phase),
                format_date(day(row.started), labels.lang),
                format_date(day(row.decided), labels.lang) or "—",
                row.assessments,
            )
            for row in portfolio.timeline
        ],
        columns=[tr(f"portfolio_col_{c}") for c in ("ipcei", "phase", "started", "decided", "assessments")],
    )
    return _chart("timeline", chart, table, (len(shown), len(latest)) if len(latest) > len(shown) else None)
