"""The key figures, «wat is er veranderd sinds het vastgestelde advies» and the evidence register in the Word
document, from the same view as the PDF (``_keyfigures.html``, ``_since.html``, ``_evidence.html``): a table of
the figures given; per section of the changes a was/now table, the new and resolved findings, and each changed
answer as a word diff (inserted words underlined, deleted words struck through, as in the PDF); the register with
the questions that cite each entry."""

from __future__ import annotations

from typing import Any

from framework.report.docx import Writer, clean


def write_key_figures(w: Writer, view: dict[str, Any], level: int = 1) -> None:
    rows = view.get("key_figures") or []
    if not rows:
        return
    w.heading(w.t("phases_kf_title"), level)
    w.table(None, [[label, value] for _name, label, value in rows], (8.0, 8.0))


def write_since(w: Writer, view: dict[str, Any], level: int = 1) -> None:
    since = view.get("since")
    if since is None:
        return
    w.heading(since.title, level)
    w.para(since.base, italic=True)
    if since.nothing:
        w.para(since.nothing)
    empty = w.t("phases_since_empty")
    for section in since.sections:
        w.heading(section.heading, level + 1)
        if section.kind == "values":
            header = ["", w.t("phases_since_was"), w.t("phases_since_now")]
            w.table(header, [[line.label, line.was or empty, line.now or empty] for line in section.lines],
                    (6.0, 5.0, 5.0))  # fmt: skip
        elif section.kind == "findings":
            w.bullets([f"{line.marker}: {line.label}" for line in section.lines])
        else:
            for line in section.lines:
                w.para(f"{line.label} ({line.note})", bold=True)
                paragraph = w.para()
                for op, text in line.segments:
                    run = paragraph.add_run(clean(text))
                    if op == "insert":
                        run.underline = True
                    elif op == "delete":
                        run.font.strike = True


def write_evidence(w: Writer, view: dict[str, Any], level: int = 1) -> None:
    """The evidence register as an annex: every entry with the questions that cite it (as in the PDF)."""
    rows = view.get("evidence") or []
    if not rows:
        return
    w.heading(w.t("evidence_annex_title"), level)
    header = [w.t("evidence_id"), w.t("evidence_kind"), w.t("evidence_entry"), w.t("evidence_cited_by")]
    table = []
    for e in rows:
        entry = (
            e["title"] + (f"\n{e['reference']}" if e["reference"] else "") + (f" ({e['date']})" if e["date"] else "")
        )
        if e["supports"]:
            entry += f"\n{w.t('evidence_supports')}: {e['supports']}"
        cited = ", ".join(q["label"] for q in e["cited_by"]) or w.t("evidence_not_cited")
        table.append([f"[{e['id']}]", e["kind"], entry, cited])
    w.table(header, table, (1.5, 3.0, 8.0, 3.5))
