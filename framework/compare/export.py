"""A comparison (``framework.compare.sides``) as CSV for spreadsheets and as a landscape PDF in the advice's style.

CSV: one header row, then one row per metadata item, per question field and per entry of the evidence registers
(section «Onderbouwing (register)», its status «alleen in A» where an assessment lacks the entry); the fixed
columns say where the row belongs and whether the assessments agree, then one column per assessment with the
value as shown (option labels, whole texts, list items one per line). A cell that would start with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so that a spreadsheet never reads user text
as a formula.

PDF: ``report_templates/compare.html`` with ``print.css`` (the house style) and ``compare.css`` (landscape),
Jinja autoescaped, laid out by WeasyPrint with the advice's URL fetcher (``data:`` URLs and files inside
``report_templates/`` only). PDF/A-3b, tagged, without attachments. Nothing reads the clock when
``SOURCE_DATE_EPOCH`` is set, so two renders are then byte-identical.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime, time
from typing import Any

from framework.compare.sides import META, Comparison, QuestionBlock, Row
from framework.errors import ReportError
from framework.i18n import format_date, t

TEMPLATE = "compare.html"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- CSV -----------------------------------------------------------------------------------------------------


def safe_cell(value: str) -> str:
    """A cell that a spreadsheet shows as text: a leading ``'`` where it could start a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_rows(comparison: Comparison, *, only_differences: bool = False) -> list[list[str]]:
    """The CSV as a list of rows (header first), every cell a plain string."""
    lang = comparison.lang
    header = [
        t("compare_csv_section", lang),
        t("compare_csv_question_id", lang),
        t("compare_csv_question", lang),
        t("compare_csv_field_id", lang),
        t("compare_csv_field", lang),
        t("compare_csv_status", lang),
        *(c.heading for c in comparison.columns),
    ]
    not_applicable = t("compare_not_applicable", lang)

    def line(section: str, question: str, row: Row) -> list[str]:
        values = [c.text if c.applicable else not_applicable for c in row.cells]
        status = t(f"compare_status_{row.status.value}", lang)
        return [section, row.question_id, question, row.field_id, row.label, status, *values]

    meta, questions = comparison.shown(only_differences)
    rows = [header]
    rows += [line(t("compare_meta", lang), "", row) for row in meta]
    for q in questions:
        rows += [line(q.part, f"{q.heading} {q.title}", row) for row in q.rows]
    rows += register_lines(comparison, only_differences=only_differences)
    return [[safe_cell(cell) for cell in row] for row in rows]


def register_lines(comparison: Comparison, *, only_differences: bool = False) -> list[list[str]]:
    """The section «Onderbouwing (register)»: one CSV row per register id; the status says which lack it."""
    from framework.compare.sections import presence

    lang = comparison.lang
    letters = [c.letter for c in comparison.columns]
    absent = t("evid_absent", lang)
    return [
        [
            t("evid_register", lang),
            row.question_id,
            "",
            row.field_id,
            row.label,
            presence(row, letters, lang),
            *(c.text if not c.empty else absent for c in row.cells),
        ]
        for row in comparison.register_shown(only_differences)
    ]


def to_csv(comparison: Comparison, *, only_differences: bool = False, delimiter: str = ",") -> str:
    """The comparison as CSV text (RFC 4180 quoting, ``\\r\\n`` line ends); see the module docstring."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(csv_rows(comparison, only_differences=only_differences))
    return buffer.getvalue()


def to_csv_bytes(comparison: Comparison, *, only_differences: bool = False) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheet programs read the accents right."""
    return to_csv(comparison, only_differences=only_differences).encode("utf-8-sig")


# --- HTML and PDF --------------------------------------------------------------------------------------------


def _epoch() -> datetime | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(value), UTC) if value.isdigit() else None


def _parts(questions: tuple[QuestionBlock, ...]) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for q in questions:
        if q.concluding:
            continue
        if not parts or parts[-1]["title"] != q.part:
            parts.append({"title": q.part, "questions": []})
        parts[-1]["questions"].append(q)
    return parts


def _latest(comparison: Comparison) -> datetime:
    """The PDF's date: the newest of the assessments' dates (never the clock), clamped to the epoch."""
    row = comparison.row(META, "updated")
    created = comparison.row(META, "created")
    days = [c.raw for r in (row, created) if r for c in r.cells if isinstance(c.raw, date)]
    moment = datetime.combine(max(days), time(), tzinfo=UTC) if days else datetime(2000, 1, 1, tzinfo=UTC)
    epoch = _epoch()
    return min(moment, epoch) if epoch else moment


def render_html(
    comparison: Comparison,
    *,
    only_differences: bool = False,
    today: date | None = None,
    only: str = "",
    sources: bool = True,
    since: Any = None,
) -> str:
    """The comparison as one HTML document for print (stylesheets linked from ``report_templates/``).

    The first page is the verdict matrix (:mod:`framework.compare.matrix`); the prose follows.

    Args:
        comparison: what :func:`framework.compare.sides.build` returned.
        only_differences: leave out the rows (and questions) where all assessments agree.
        today: the date printed as "compared on"; default ``SOURCE_DATE_EPOCH``'s date, else today.
        only: ``"verdicts"``: only the questions whose verdicts differ (``"differences"`` = ``only_differences``).
        sources: ``False`` leaves the sources out.
        since: «wat is er veranderd sinds het vastgestelde advies» (a ``framework.report.phase_view.SinceBlock``),
            printed after the verdict matrix when given (``ipcei compare ID --since-signed-off``).
    """
    from framework.compare.matrix import build_matrix, difference_counts, filtered
    from framework.report.render import environment

    lang = comparison.lang
    epoch = _epoch()
    day = today or (epoch.date() if epoch else date.today())
    only = only or ("differences" if only_differences else "")
    meta, questions = filtered(comparison, only=only, sources=sources)
    only_differences = bool(only)
    s = comparison.summary
    stamp = _latest(comparison).strftime("%Y-%m-%dT%H:%M:%SZ")
    context = {
        "lang": lang,
        "comparison": comparison,
        "only_differences": only_differences,
        "meta_rows": meta,
        "conclusions": [q for q in questions if q.concluding],
        "parts": _parts(questions),
        "generated": t("compare_generated", lang, date=format_date(day, lang)),
        "summary_text": s.text(lang),
        "matrix": build_matrix(comparison),
        "differences_text": t("doc_differences", lang, **difference_counts(comparison)),
        "register": register_view(comparison, only_differences=only_differences),
        "pdf": {
            "title": t("compare_pdf_title", lang, count=len(comparison.columns)),
            "subject": t("compare_pdf_subject", lang),
            "created": stamp,
            "modified": stamp,
        },
        "t": lambda key, **params: t(key, lang, **params),
        "since": since,
    }
    return environment().get_template(TEMPLATE).render(context)


def register_view(comparison: Comparison, *, only_differences: bool = False) -> list[dict[str, Any]]:
    """The register rows for the PDF: each row with its presence text («gelijk», «alleen in A»)."""
    from framework.compare.sections import presence

    letters = [c.letter for c in comparison.columns]
    return [
        {"row": row, "presence": presence(row, letters, comparison.lang)}
        for row in comparison.register_shown(only_differences)
    ]


def _finisher(document: Any, pdf: Any) -> None:
    """Tidy resources for PDF/A, and refuse any attachment (the HTML could only ask for one by mistake)."""
    from framework.report.pdfa import remove_empty_resources

    remove_empty_resources(pdf)
    for pdf_object in pdf.objects:
        if isinstance(pdf_object, dict) and pdf_object.get("Type") == "/Filespec":
            raise ReportError("the comparison would carry an attachment; refusing to write it")


def html_to_pdf(html: str, *, fetcher: Any = None) -> bytes:
    """Lay out the comparison's HTML with the advice's restricted URL fetcher; PDF/A-3b bytes."""
    return lay_out_pdf(html, TEMPLATE, _finisher, fetcher=fetcher)


def lay_out_pdf(html: str, template: str, finisher: Any, *, fetcher: Any = None) -> bytes:
    """A landscape document's HTML (its links relative to ``template`` among the report templates) laid out with
    the advice's restricted URL fetcher, without attachments, ``finisher`` run on the PDF, then its streams
    compressed once (:func:`framework.report.pdfa.compress_streams`); PDF/A-3b bytes."""
    from weasyprint import HTML

    from framework.report.pdfa import compress_streams
    from framework.report.render import PDF_OPTIONS, TEMPLATES_DIR, local_fetcher

    fetcher = fetcher if fetcher is not None else local_fetcher()
    document = HTML(string=html, base_url=str(TEMPLATES_DIR / template), url_fetcher=fetcher).render(**PDF_OPTIONS)
    document.metadata.attachments = []

    def finish(document: Any, pdf: Any) -> None:  # then each stream compressed once, as the advice's are
        finisher(document, pdf)
        compress_streams(pdf)

    return document.write_pdf(finisher=finish, **PDF_OPTIONS)


def render_pdf(
    comparison: Comparison,
    *,
    only_differences: bool = False,
    today: date | None = None,
    fetcher: Any = None,
    only: str = "",
    sources: bool = True,
    since: Any = None,
) -> bytes:
    """The comparison as a landscape A4 PDF (see the module docstring): the verdict matrix on the first page."""
    html = render_html(
        comparison, only_differences=only_differences, today=today, only=only, sources=sources, since=since
    )
    return html_to_pdf(html, fetcher=fetcher)


def render_job(payload: dict[str, Any]) -> bytes:
    """A render worker's job (:mod:`framework.render_pool`, kind ``compare``): the comparison's HTML to PDF."""
    return html_to_pdf(payload["html"])
