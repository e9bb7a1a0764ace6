"""The coverage of the Commission's criteria as the advice shows it: a section of the PDF and the Word document.

:func:`coverage_view` turns :class:`framework.criteria.Coverage` into plain values for the template
``report_templates/_coverage.html``; :func:`write_coverage` writes the same section into the Word document, and
:func:`criteria_reference` is the line that names the criteria file's id, version and SHA-256 beside the
framework's in the colophon.
"""

from __future__ import annotations

from typing import Any

from framework.i18n import t


def _item(evidence: Any, lang: str) -> str:
    label = evidence.label(lang)
    return f"{label}: {evidence.value(lang)}" if evidence.has_value else label


def coverage_view(coverage: Any, lang: str) -> dict[str, Any] | None:
    """The template context of the coverage section (None when no criteria apply to the framework)."""
    if coverage is None:
        return None
    criteria = coverage.criteria
    counts = coverage.counts()
    rows = []
    for item in coverage.items:
        criterion = item.criterion
        rows.append(
            {
                "id": criterion.id,
                "reference": t("criteria_section", lang, reference=criterion.reference(lang)),
                "name": criterion.name(lang),
                "text": criterion.text(lang),
                "kind": t(f"criteria_kind_{criterion.kind.value}", lang),
                "cumulative": criterion.kind.cumulative,
                "status": item.status.value,
                "status_label": item.status_label(lang),
                "answered": [_item(e, lang) for e in item.answered],
                "missing": [e.label(lang) for e in item.missing],
                "contradictions": [reason(lang) for reason in item.contradictions],
            }
        )
    return {
        "id": criteria.id,
        "version": criteria.version,
        "sha256": coverage.sha256,
        "title": criteria.title(lang),
        "source": criteria.source.reference,  # it names the Official Journal and its date
        "counts": t("criteria_counts", lang, total=len(rows), **counts),
        "rows": rows,
    }


def criteria_reference(view: dict[str, Any]) -> str:
    """«ipcei-mededeling-2021 2021-12 · SHA-256 …» for the colophon ('' when no criteria apply)."""
    coverage = view.get("coverage")
    if not coverage:
        return ""
    return f"{coverage['id']} {coverage['version']} · SHA-256 {coverage['sha256']}"


def _evidence_cell(w: Any, row: dict[str, Any]) -> str:
    lines = []
    if row["answered"]:
        lines.append(w.t("criteria_answered_by", items="; ".join(row["answered"])))
    if row["missing"]:
        lines.append(w.t("criteria_missing", items="; ".join(row["missing"])))
    lines += [w.t("criteria_contradicted", reason=reason) for reason in row["contradictions"]]
    return "\n\n".join(lines)


def write_coverage(w: Any, view: dict[str, Any], level: int = 1) -> None:
    """The coverage section in the Word document (``framework.report.docx.Writer``)."""
    coverage = view.get("coverage")
    if not coverage:
        return
    w.heading(w.t("criteria_title"), level)
    w.para(w.t("criteria_intro"))
    w.para(coverage["counts"], bold=True)
    header = [w.t("criteria_column_criterion"), w.t("criteria_column_status"), w.t("criteria_column_evidence")]
    rows = [
        [f"{row['reference']} · {row['kind']}\n\n{row['name']}", row["status_label"], _evidence_cell(w, row)]
        for row in coverage["rows"]
    ]
    w.table(header, rows, (5.5, 2.5, 8.0))
    w.labelled(w.t("criteria_reference"), f"{coverage['title']} ({criteria_reference(view)})")
