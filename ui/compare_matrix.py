"""The compare page's top: the verdict matrix, the difference counts, the chart coloured by leaning, downloads.

Draws what :mod:`framework.compare.matrix` returns. The matrix is a data frame (user text stays text), each
verdict with a sign (▲ ■ ▼) and a colour by its leaning, so that it reads without colour too. The downloads
get their bytes prepared (and cached per comparison and options), so one click downloads.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from framework.compare import matrix as compare_matrix
from framework.compare import sides as compare
from framework.compare.export import to_csv_bytes
from framework.compare.sections import presence, register_counts
from ui.i18n import lang, tr
from ui.services import compare_pdf

SIGNS = {"favourable": "▲", "neutral": "■", "unfavourable": "▼"}
COLOURS = {"favourable": "#1b6b35", "neutral": "#6b7178", "unfavourable": "#a1261c", "none": "#b9c4cf"}
SHAPES = {"favourable": "triangle-up", "neutral": "square", "unfavourable": "triangle-down", "none": "circle"}


def matrix_frame(matrix: compare_matrix.Matrix) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix as a table of texts, and beside it the leaning of each cell (for the colours)."""
    index = [f"{r.heading} · {r.label}" if r.label else r.heading for r in matrix.rows]
    texts = {"≠": ["≠" if r.differs else "=" for r in matrix.rows]}
    leanings: dict[str, list[str]] = {"≠": ["" for _ in matrix.rows]}
    for i, letter in enumerate(matrix.letters):
        texts[letter] = [
            f"{SIGNS[c.leaning]} {c.text}" if c.leaning else c.text for c in (r.cells[i] for r in matrix.rows)
        ]
        leanings[letter] = [r.cells[i].leaning for r in matrix.rows]
    return pd.DataFrame(texts, index=index), pd.DataFrame(leanings, index=index)


def draw_matrix(comparison: compare.Comparison) -> compare_matrix.Matrix:
    matrix = compare_matrix.build_matrix(comparison)
    texts, leanings = matrix_frame(matrix)
    styled = texts.style.apply(
        lambda column: [f"color: {COLOURS[v]}; font-weight: bold" if v else "" for v in leanings[column.name]],
        axis=0,
    )
    st.dataframe(styled, width="stretch", height=min(35 * (len(texts) + 1) + 3, 1400), key="cmp_matrix")
    st.caption(tr("doc_leaning_legend"))
    return matrix


def draw_counts(comparison: compare.Comparison) -> None:
    counts = compare_matrix.difference_counts(comparison)
    s = comparison.summary
    cols = st.columns(4)
    cols[0].metric(tr("doc_metric_verdicts"), f"{counts['verdicts']} / {counts['total']}", border=True)
    cols[1].metric(tr("doc_metric_wording"), f"{counts['wording']} / {counts['total']}", border=True)
    cols[2].metric(tr("compare_metric_same"), f"{s.same} / {s.questions}", border=True)
    cols[3].metric(tr("compare_metric_not_applicable"), str(s.not_applicable), border=True)
    st.caption(tr("doc_differences", **counts))
    if s.not_applicable:  # framework versions differ: every question of every version counted
        st.caption(s.text(lang()))


def verdict_chart(comparison: compare.Comparison) -> alt.LayerChart | None:
    """One row per verdict field, one column per assessment; mark shape and colour by the answer's leaning."""
    points = comparison.verdict_points()
    if not points:
        return None
    matrix = compare_matrix.build_matrix(comparison)
    leaning = {
        (r.key, letter): c.leaning for r in matrix.rows for letter, c in zip(matrix.letters, r.cells, strict=True)
    }
    names = {k: tr(f"doc_leaning_{k}") for k in ("favourable", "neutral", "unfavourable")}
    names["none"] = "—"
    for point in points:
        point["leaning"] = names[leaning.get((point["key"], point["letter"])) or "none"]
    order = [names[k] for k in ("favourable", "neutral", "unfavourable", "none")]
    rows = len({p["field"] for p in points})
    base = alt.Chart(pd.DataFrame(points)).encode(  # a DataFrame goes to the browser as Arrow
        y=alt.Y("field:N", sort=alt.SortField("order"), title=tr("compare_chart_question"),
                axis=alt.Axis(labelLimit=360)),
        x=alt.X("letter:N", title=tr("compare_chart_assessment"), axis=alt.Axis(orient="top", labelAngle=0)),
        tooltip=[alt.Tooltip("assessment:N", title=tr("compare_chart_assessment")),
                 alt.Tooltip("field:N", title=tr("compare_chart_question")),
                 alt.Tooltip("value:N", title=tr("compare_chart_verdict")),
                 alt.Tooltip("leaning:N", title=tr("doc_leaning_title"))],
    )  # fmt: skip
    legend = alt.Legend(title=tr("doc_leaning_title"), orient="bottom")
    scale_colour = alt.Scale(domain=order, range=[COLOURS[k] for k in SHAPES])
    scale_shape = alt.Scale(domain=order, range=[SHAPES[k] for k in SHAPES])
    marks = base.mark_point(size=110, filled=True, opacity=0.9).encode(
        shape=alt.Shape("leaning:N", scale=scale_shape, legend=legend),
        color=alt.Color("leaning:N", scale=scale_colour, legend=legend),
    )
    text = base.mark_text(align="left", dx=9, fontSize=11).encode(text="value:N")
    return (marks + text).properties(height=max(160, 26 * rows))


@st.cache_data(max_entries=8, show_spinner=False)
def _export(key: tuple, _comparison: compare.Comparison, kind: str, only: str, sources: bool) -> bytes:
    """The PDF or CSV of a comparison; ``key`` (refs, revisions, content hashes, language) is the cache key."""
    if kind == "pdf":  # laid out by the app's render workers, like the advice
        return compare_pdf(_comparison, only=only, sources=sources)
    return to_csv_bytes(_comparison, only_differences=bool(only))


def export_key(comparison: compare.Comparison) -> tuple:
    return (
        comparison.lang,
        tuple((s.ref, s.revision, s.assessment.content_hash()) for s in comparison.subjects),
    )


def downloads(comparison: compare.Comparison, only: str, sources: bool) -> None:
    """PDF and CSV download buttons that download at the first click.

    The CSV is prepared with the page (it is cheap). The PDF takes WeasyPrint seconds per page: it is produced when
    the button is clicked (Streamlit's deferred ``data``, no rerun: ``on_click="ignore"``) and the browser
    downloads it from that same click; it is cached per comparison and options.
    """
    L = lang()
    name = f"vergelijking-{date.today().isoformat()}" if L == "nl" else f"comparison-{date.today().isoformat()}"
    key = export_key(comparison)
    csv = _export(key, comparison, "csv", only, sources)
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            tr("compare_download_pdf"), data=lambda: _export(key, comparison, "pdf", only, sources),
            file_name=f"{name}.pdf", mime="application/pdf",
            icon=":material/picture_as_pdf:", on_click="ignore", key="cmp_pdf", type="primary",
        )  # fmt: skip
        st.download_button(
            tr("compare_download_csv"), data=csv, file_name=f"{name}.csv", mime="text/csv",
            icon=":material/table:", on_click="ignore", key="cmp_csv",
        )  # fmt: skip


def register_frame(comparison: compare.Comparison, only_differences: bool = False) -> pd.DataFrame:
    """«Onderbouwing (register)» as a table of texts: per register id its presence and each assessment's entry."""
    L = comparison.lang
    rows = comparison.register_shown(only_differences)
    letters = [c.letter for c in comparison.columns]
    texts: dict[str, list[str]] = {tr("evid_presence"): [presence(r, letters, L) for r in rows]}
    for i, letter in enumerate(letters):
        texts[letter] = [r.cells[i].text if not r.cells[i].empty else tr("evid_absent") for r in rows]
    return pd.DataFrame(texts, index=[r.label for r in rows])


def draw_register(comparison: compare.Comparison, only_differences: bool = False) -> None:
    """The register entries by id across the assessments (a data frame: user text stays text), under the questions."""
    if not comparison.register:  # no assessment keeps a register: no section, as in the PDF
        return
    st.header(tr("evid_register"))
    st.caption(tr("evid_register_intro"))
    frame = register_frame(comparison, only_differences)
    if frame.empty:
        st.caption(tr("compare_no_differences"))
        return
    st.caption(tr("evid_summary", **register_counts(comparison.register)))
    st.dataframe(frame, width="stretch", key="cmp_register")
