"""The portfolio as CSV (for spreadsheets) and as a PDF (tables in the house style of the advice; no charts).

CSV: one table per file, chosen by ``table``: ``cells`` (per ecosystem and phase: IPCEIs, amounts, advice),
``ipceis`` (one row per IPCEI, by its latest assessment) or ``timeline`` (per IPCEI and phase: first created,
last signed off). Amounts are whole euros without separators, empty when unknown; a cell that could start a
formula gets a leading apostrophe (:func:`framework.compare.export.safe_cell`).

PDF: ``report_templates/portfolio.html`` with ``print.css`` and ``compare.css`` (landscape), Jinja
autoescaped, laid out by WeasyPrint with the advice's URL fetcher; PDF/A-3b, tagged. The advice is named in
words, its colour only repeats it.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime
from typing import Any

from framework.errors import ReportError
from framework.i18n import format_date, format_eur, t
from framework.portfolio import ADVICE_COLOURS, ADVICE_ORDER, Labels, Portfolio, day

TEMPLATE = "portfolio.html"
TABLES = ("cells", "ipceis", "timeline")
PDF_MAX_ROWS = 400  # rows per table in the PDF; the CSV has them all


def _amount(value: int | None) -> str:
    return "" if value is None else str(value)


def csv_rows(portfolio: Portfolio, lang: str, table: str = "cells") -> list[list[str]]:
    """One table of the portfolio as rows of plain strings, the header first."""
    from framework.compare.export import safe_cell

    if table not in TABLES:
        raise ReportError(f"unknown table {table!r}; use one of: {', '.join(TABLES)}")
    labels = Labels(lang)
    advice_heads = [t("portfolio_col_advice_count", lang, advice=labels.advice_of(a)) for a in ADVICE_ORDER]
    if table == "cells":
        rows = [
            [
                t("portfolio_col_ecosystem", lang),
                t("portfolio_col_phase", lang),
                t("portfolio_col_ipceis", lang),
                t("portfolio_col_budget", lang),
                t("portfolio_col_budget_known", lang),
                t("portfolio_col_aid", lang),
                t("portfolio_col_aid_known", lang),
                *advice_heads,
            ]
        ]
        for cell in [*portfolio.cells, portfolio.total]:
            first = labels.ecosystem(cell.ecosystem) if cell.ecosystem else t("portfolio_total", lang)
            rows.append(
                [
                    first,
                    labels.phase(cell.phase) if cell.phase else "",
                    str(cell.ipceis),
                    _amount(cell.budget),
                    str(cell.budget_known),
                    _amount(cell.aid),
                    str(cell.aid_known),
                    *(str(cell.advice.get(a, 0)) for a in ADVICE_ORDER),
                ]
            )
    elif table == "ipceis":
        rows = [
            [
                t("portfolio_col_ipcei", lang),
                t("portfolio_col_title", lang),
                t("portfolio_col_ecosystem", lang),
                t("portfolio_col_phase", lang),
                t("portfolio_col_advice", lang),
                t("portfolio_col_status", lang),
                t("portfolio_col_budget", lang),
                t("portfolio_col_aid", lang),
                t("portfolio_col_assessments", lang),
                t("portfolio_col_signed", lang),
                t("portfolio_col_id", lang),
            ]
        ]
        rows += [
            [
                r.ipcei,
                r.title,
                labels.ecosystem(r.ecosystem),
                labels.phase(r.phase),
                labels.advice_of(r.advice),
                labels.status(r.status),
                _amount(r.national_budget_eur),
                _amount(r.aid_requested_eur),
                str(r.assessments),
                _iso(r.signed_at),
                r.assessment_id,
            ]
            for r in portfolio.ipceis
        ]
    else:
        rows = [
            [
                t("portfolio_col_ipcei", lang),
                t("portfolio_col_phase", lang),
                t("portfolio_col_started", lang),
                t("portfolio_col_decided", lang),
                t("portfolio_col_assessments", lang),
            ]
        ]
        rows += [
            [r.ipcei, labels.phase(r.phase), _iso(r.started), _iso(r.decided), str(r.assessments)]
            for r in portfolio.timeline
        ]
    return [[safe_cell(cell) for cell in row] for row in rows]


def _iso(value: date | datetime | None) -> str:
    found = day(value)
    return found.isoformat() if found else ""


def to_csv(portfolio: Portfolio, lang: str, table: str = "cells", *, newline: str = "\r\n") -> str:
    """One table as CSV text (RFC 4180 quoting; ``newline="\\n"`` for a terminal)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(csv_rows(portfolio, lang, table))
    return buffer.getvalue()


def to_csv_bytes(portfolio: Portfolio, lang: str, table: str = "cells") -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheet programs read the accents right."""
    return to_csv(portfolio, lang, table).encode("utf-8-sig")


# --- HTML and PDF --------------------------------------------------------------------------------------------


def _today() -> date:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(value), UTC).date() if value.isdigit() else date.today()


def render_html(portfolio: Portfolio, lang: str, *, today: date | None = None) -> str:
    from framework.report.render import environment

    labels = Labels(lang)
    day_ = today or _today()
    stamp = datetime(day_.year, day_.month, day_.day, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    context = {
        "lang": lang,
        "p": portfolio,
        "labels": labels,
        "advice_order": ADVICE_ORDER,
        "colours": ADVICE_COLOURS,
        "eur": lambda value: format_eur(value, lang) if value is not None else "—",
        "date": lambda value: format_date(day(value), lang) if value is not None else "—",
        "max_rows": PDF_MAX_ROWS,
        "generated": t("portfolio_generated", lang, date=format_date(day_, lang)),
        "scope": portfolio.filter.describe(lang),
        "pdf": {
            "title": t("portfolio_title", lang),
            "subject": t("portfolio_pdf_subject", lang),
            "created": stamp,
            "modified": stamp,
        },
        "t": lambda key, **params: t(key, lang, **params),
    }
    return environment().get_template(TEMPLATE).render(context)


def _finisher(document: Any, pdf: Any) -> None:
    from framework.report.pdfa import remove_empty_resources

    remove_empty_resources(pdf)


def html_to_pdf(html: str, *, fetcher: Any = None) -> bytes:
    """Lay out the portfolio's HTML with the advice's restricted URL fetcher; PDF/A-3b bytes."""
    from framework.compare.export import lay_out_pdf

    return lay_out_pdf(html, TEMPLATE, _finisher, fetcher=fetcher)


def render_pdf(portfolio: Portfolio, lang: str, *, today: date | None = None, fetcher: Any = None) -> bytes:
    """The portfolio as a landscape A4 PDF/A-3b (see the module docstring)."""
    return html_to_pdf(render_html(portfolio, lang, today=today), fetcher=fetcher)


def render_job(payload: dict[str, Any]) -> bytes:
    """A render worker's job (:mod:`framework.render_pool`, kind ``portfolio``): the portfolio's HTML to PDF."""
    return html_to_pdf(payload["html"])
