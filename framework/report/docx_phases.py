"""The key figures and «wat is er veranderd sinds het vastgestelde advies» in the Word document, from the same
view as the PDF (``_keyfigures.html`` and ``_since.html``): a table of the figures given, and per section of the
changes a was/now table, the new and resolved findings, and each changed answer as a word diff (inserted words
underlined, deleted words struck through, as in the PDF)."""

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
