"""The one page a Directeur-Generaal reads: the whole advice, its conditions, and what is still open.

Computed from the report's question views (:mod:`framework.report.view`), so the PDF and the Word document
print the same summary. Nothing is cut: the advice, the focus and every condition are printed in full; when
they do not fit on one page the PDF continues on the next with «vervolg op pagina N» (see
:mod:`framework.report.render`).
"""

from __future__ import annotations

from typing import Any

from framework.i18n import format_date, t


def advice_block(question: Any) -> dict[str, Any]:
    """The advice question (the last concluding one): its verdicts, every text in full, every list numbered."""
    return {
        "heading": question.heading,
        "title": question.title,
        "verdicts": [f for f in question.fields if f.type in ("choice", "scale")],
        "texts": [f for f in question.fields if f.type == "text"],
        "lists": [f for f in question.fields if f.type == "list"],
        "footnote": question.footnote,
    }


def findings_block(consistency: list[dict[str, str]], completeness_count: int, lang: str) -> dict[str, Any]:
    """Open findings as the summary prints them: errors named one by one, the others counted."""
    errors = [f for f in consistency if f["severity"] == "error"]
    counted = []
    for severity in ("warning", "info"):
        count = sum(1 for f in consistency if f["severity"] == severity)
        if count:
            counted.append(t(f"doc_count_{severity}", lang, count=count))
    if completeness_count:
        counted.append(t("doc_count_incomplete", lang, count=completeness_count))
    return {"errors": errors, "counted": counted, "none": not consistency and not completeness_count}


def approval_block(sheet: Any, lang: str) -> dict[str, str]:
    """Who approved (vastgesteld) the advice, and when; empty strings while it is not approved."""
    approved = getattr(sheet, "approved_by", None) if sheet is not None else None
    if approved is None:
        return {"name": "", "date": ""}
    when = approved.at if getattr(approved, "at", None) else approved.date
    if when is not None and hasattr(when, "tzinfo"):
        from framework.localtime import to_local

        when = to_local(when)
    return {"name": approved.name, "date": format_date(when, lang) if when else ""}


def member_states_block(meta: Any, labels: list[str], lang: str, framework: Any = None) -> dict[str, Any]:
    """Member states: how many, their names, and the coordinator where the assessment names one, by its name in
    ``lang`` («Duitsland», as the list names the states; the code «de» only without a framework to name it)."""
    coordinator = str(getattr(meta, "coordinator", "") or "")
    if coordinator and framework is not None:
        coordinator = framework.label("member_states", coordinator, lang)
    return {"count": len(labels), "names": labels, "coordinator": coordinator}


def coverage_block(coverage: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """The coverage of the Commission's criteria as the summary prints it: the counts covered / partly / not
    covered, and each cumulative criterion that is not covered named (section and short name).

    ``coverage`` is the section's view (:func:`framework.report.coverage.coverage_view`); None when no criteria
    apply to the framework.
    """
    if not coverage:
        return None
    missing = [
        f"{row['reference']} · {row['name']}"
        for row in coverage["rows"]
        if row["cumulative"] and row["status"] == "not_covered"
    ]
    return {"counts": coverage["counts"], "not_covered": missing}
