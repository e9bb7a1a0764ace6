"""The advice as an editable Word document (.docx), built with python-docx from the same view as the PDF.

Two variants: ``advies`` (the whole advice: cover facts, summary, the questions with their official text,
answers, verdicts and sources, the parafenlijst) and ``beslisnota`` (Advies, Kernpunten, Toelichting, and the
whole assessment as «Bijlage: de beoordeling»), for the ministry's document flow.

Word's own structure: real heading styles (Title, Heading 1-3), tables, numbered lists (each list restarts at
1), bulleted lists. User text stays text: it goes into runs as a value (python-docx escapes it as XML), never
into a field code, a formula or a hyperlink; characters XML cannot hold are shown as ``[U+0001]`` and hidden
format characters as ``[U+202E]``, as in the PDF. Nothing reads the clock: the document's dates are the
assessment's (see :func:`framework.report.render.document_dates`).
"""

from __future__ import annotations

import re
from copy import deepcopy
from io import BytesIO
from typing import Any

from framework.assessment import Assessment, reveal_hidden
from framework.errors import ReportError
from framework.i18n import t
from framework.models import Framework
from framework.report.coverage import criteria_reference, write_coverage

VARIANTS = ("advies", "beslisnota")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(value: Any) -> str:
    """User or fixed text as it may stand in a run: hidden characters shown, XML-invalid ones named."""
    text = reveal_hidden(str(value or ""))
    return _NOT_XML.sub(lambda found: f"[U+{ord(found.group()):04X}]", text)


def blocks(text: str) -> list[str]:
    """Paragraphs of a user text: a blank line starts a new one (a single newline stays a line break)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return [b.strip("\n") for b in re.split(r"\n[ \t]*\n", text) if b.strip()]


class Writer:
    """A python-docx document with the few building blocks the advice needs."""

    def __init__(self, lang: str) -> None:
        import docx
        from docx.shared import Cm, Pt

        self.lang = lang
        self.doc = docx.Document()
        normal = self.doc.styles["Normal"]
        normal.font.name = "DejaVu Sans"
        normal.font.size = Pt(10)
        for section in self.doc.sections:  # A4, the ministry's paper
            section.page_width, section.page_height = Cm(21.0), Cm(29.7)
            section.left_margin, section.right_margin = Cm(2.2), Cm(2.0)
            section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
        # Style ids by name, looked up once: python-docx looks a name up in the XML on every use.
        self.style_ids = {style.name: style.style_id for style in self.doc.styles}

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    def heading(self, text: str, level: int) -> None:
        self.para(text, style="Title" if level == 0 else f"Heading {level}")

    def para(self, text: str = "", *, style: str | None = None, bold: bool = False, italic: bool = False) -> Any:
        paragraph = self.doc.add_paragraph()
        if style:
            paragraph._p.style = self.style_ids[style]
        if text:
            run = paragraph.add_run(clean(text))
            run.bold, run.italic = bold or None, italic or None
        return paragraph

    def labelled(self, label: str, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(clean(label) + ": ").bold = True
        paragraph.add_run(clean(text))

    def user_text(self, text: str) -> None:
        for block in blocks(text):
            self.para(block)

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.para(item, style="List Bullet")

    def numbered(self, items: list[str]) -> None:
        """A numbered list that starts at 1 (a fresh numbering instance of the List Number style)."""
        if not items:
            return
        num_id = self._restart_numbering()
        for item in items:
            paragraph = self.para(item, style="List Number")
            numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            numbering.get_or_add_ilvl().val = 0
            numbering.get_or_add_numId().val = num_id

    def _restart_numbering(self) -> int:
        from docx.oxml.ns import qn

        part = self.doc.part.numbering_part.element
        style = self.doc.styles["List Number"].element
        base = style.pPr.numPr.numId.val
        template = next(n for n in part.findall(qn("w:num")) if n.numId == base)
        new = deepcopy(template)
        new_id = max(n.numId for n in part.findall(qn("w:num"))) + 1
        new.set(qn("w:numId"), str(new_id))
        override = new.makeelement(qn("w:lvlOverride"), {qn("w:ilvl"): "0"})
        override.append(new.makeelement(qn("w:startOverride"), {qn("w:val"): "1"}))
        new.append(override)
        part.append(new)
        return new_id

    def table(self, header: list[str] | None, rows: list[list[str]], widths: tuple[float, ...] = ()) -> None:
        from docx.shared import Cm

        columns = len(header or rows[0]) if (header or rows) else 0
        if not columns:
            return
        table = self.doc.add_table(rows=0, cols=columns)
        table._tbl.tblStyleVal = self.style_ids["Table Grid"]
        for index, values in enumerate(([header] if header else []) + rows):
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=False):
                lines = blocks(value) or [""]
                cell.paragraphs[0].add_run(clean(lines[0])).bold = (index == 0 and header is not None) or None
                for line in lines[1:]:
                    cell.add_paragraph(clean(line))
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)
        self.doc.add_paragraph()

    def finish(self, view: dict[str, Any]) -> bytes:
        doc = view["doc"]
        core = self.doc.core_properties
        core.title = clean(view["pdf"]["title"])[:255]
        core.author = clean(view["pdf"]["author"])[:255]
        core.subject = clean(view["pdf"]["subject"])[:255]
        core.keywords = clean(", ".join(view["pdf"]["keywords"]))[:255]
        core.language = self.lang
        core.last_modified_by = ""
        core.comments = ""
        core.revision = 1
        from datetime import datetime

        core.created = datetime.strptime(view["pdf"]["created"], "%Y-%m-%dT%H:%M:%SZ")
        core.modified = datetime.strptime(view["pdf"]["modified"], "%Y-%m-%dT%H:%M:%SZ")
        for section in self.doc.sections:
            footer = section.footer.paragraphs[0]
            footer.text = clean(f"{doc['framework_id']} {doc['framework_version']} · {doc['hash_short']}")
            if view["watermark"]:
                section.header.paragraphs[0].text = clean(self.t("report_watermark"))
        out = BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _verdict_text(w: Writer, f: Any) -> str:
    if f.empty:
        return w.t("report_not_answered")
    if f.type == "multichoice":
        return "\n".join(f.items)
    if f.type == "scale":
        steps = " · ".join(f"[{label}]" if chosen else label for label, chosen in f.scale)
        return f"{f.value}\n{steps}"
    return f.value


def write_question(w: Writer, question: Any) -> None:
    w.heading(f"{question.heading} {question.title}", 2)
    if question.text:
        w.para(question.text, bold=True)
    if question.guidance:
        w.para(f"{w.t('report_guidance')}. {question.guidance}", italic=True)
    if question.verdicts:
        w.table(None, [[f.label, _verdict_text(w, f)] for f in question.verdicts], (7.0, 9.0))
    for f in question.blocks:
        w.heading(f.label, 3)
        if f.empty:
            w.para(w.t("report_not_answered"), italic=True)
        elif f.type == "text":
            w.user_text(f.text)
        else:
            w.bullets(f.items)
    for f in question.sources:
        w.heading(f.label, 3)
        header = [w.t("report_source_title"), w.t("report_source_reference"), w.t("report_source_date")]
        w.table(header, [[s["title"], s["reference"], s["date"]] for s in f.sources], (7.5, 6.0, 2.5))
    if question.footnote:
        w.para(question.footnote, italic=True)


def write_cover(w: Writer, view: dict[str, Any]) -> None:
    doc = view["doc"]
    w.para(w.t("report_document_type"), bold=True)
    w.heading(doc["title"], 0)
    w.para(doc["ipcei"])
    w.labelled(w.t("report_status"), doc["status_label"])
    if doc["illustrative"]:
        w.para(f"{w.t('illustrative')}. {w.t('report_illustrative_notice')}", italic=True)
    facts = [
        (w.t("report_ipcei"), doc["ipcei"]),
        (w.t("report_ecosystem"), doc["ecosystem"]),
        (w.t("report_phase"), doc["phase"]),
        (w.t("report_case_number"), doc["case_number"]),
        (w.t("report_ministry"), doc["ministry"]),
        (w.t("report_department"), doc["department"]),
        (w.t("doc_approved_on"), doc["approved_on"] or w.t("doc_not_yet_approved")),
        (w.t("doc_approver"), doc["approver"]),
        (w.t("report_author"), doc["author"]),
        (w.t("report_date"), doc["date"]),
        (w.t("report_member_states"), ", ".join(doc["member_states"])),
        (w.t("report_budget"), doc["budget"]),
        (w.t("report_framework"), f"{doc['framework_title']} ({doc['framework_source']})"),
        (w.t("report_page_reference"), f"{doc['framework_id']} {doc['framework_version']} · {doc['hash_short']}"),
    ]
    w.table(None, [[label, value] for label, value in facts if value], (5.0, 11.0))


def write_advice(w: Writer, view: dict[str, Any], *, with_heading: bool = True) -> None:
    advice = view["summary"]["advice"]
    if advice is None:
        return
    if with_heading:
        w.heading(f"{advice['heading']} {advice['title']}", 2)
    for verdict in advice["verdicts"]:
        w.labelled(verdict.label, w.t("report_not_answered") if verdict.empty else verdict.value)
    for index, f in enumerate(advice["texts"]):
        if f.empty:
            continue
        if index:
            w.heading(f.label, 3)
        w.user_text(f.text)
    for f in advice["lists"]:
        if not f.empty:
            w.heading(f.label, 3)
            w.numbered(f.items)
    if advice["footnote"]:
        w.para(advice["footnote"], italic=True)


def key_points(w: Writer, view: dict[str, Any]) -> list[str]:
    """The summary's facts as lines: budget, member states, conclusions A and B, deviations, status."""
    doc, summary = view["doc"], view["summary"]
    states = summary["member_states"]
    lines = [f"{w.t('report_budget')}: {doc['budget'] or '—'}"]
    member_line = f"{w.t('report_member_states')}: "
    member_line += (
        f"{w.t('doc_member_state_count', count=states['count'])} ({', '.join(states['names'])})"
        if states["count"]
        else "—"
    )
    if states["coordinator"]:
        member_line += f"; {w.t('doc_coordinator')}: {states['coordinator']}"
    lines.append(member_line)
    for conclusion in summary["opinions"]:
        for verdict in conclusion["verdicts"]:
            value = w.t("report_not_answered") if verdict.empty else verdict.value
            lines.append(f"{conclusion['heading']}, {verdict.label} {value}")
    if coverage := summary.get("coverage"):
        missing = f"; {w.t('since_summary_not_covered')}: {'; '.join(coverage['not_covered'])}"
        lines.append(
            f"{w.t('since_summary_coverage')}: {coverage['counts']}{missing if coverage['not_covered'] else ''}"
        )
    lines += list(view.get("deviations") or summary.get("deviations") or [])
    status = doc["status_label"]
    if doc["approver"]:
        status += " · " + w.t("doc_approved_by", name=doc["approver"], date=doc["approved_on"])
    lines.append(f"{w.t('report_status')}: {status}")
    return lines


def write_findings(w: Writer, view: dict[str, Any]) -> None:
    summary = view["summary"]
    w.heading(w.t("report_open_findings"), 2)
    if not summary["consistency"]:
        w.para(w.t("report_no_findings"))
    for finding in summary["consistency"]:
        where = f" ({finding['questions']})" if finding["questions"] else ""
        w.para(f"{finding['severity_label']}: {finding['message']}{where}", style="List Bullet")
    w.heading(w.t("report_completeness"), 2)
    if summary["completeness_count"]:
        w.para(w.t("report_incomplete", count=summary["completeness_count"]))
        w.bullets(summary["completeness"])
        if summary["completeness_more"]:
            w.para(w.t("report_more", count=summary["completeness_more"]))
    else:
        w.para(w.t("report_complete"))


def write_summary(w: Writer, view: dict[str, Any]) -> None:
    w.heading(w.t("report_summary"), 1)
    write_advice(w, view)
    w.bullets(key_points(w, view))
    write_findings(w, view)
    if view["doc"]["note"]:
        w.heading(w.t("report_note"), 2)
        w.user_text(view["doc"]["note"])


def write_signoff(w: Writer, view: dict[str, Any]) -> None:
    w.heading(w.t("report_signoff"), 1)
    header = [w.t("report_signoff_role"), w.t("report_signoff_name"), w.t("report_signoff_function")]
    header += [w.t("doc_date_time"), w.t("report_signoff_initials")]
    rows = [[r["role"], r["name"], r["function"], r["date"], ""] for r in view["signoff"]]
    w.table(header, rows, (3.0, 4.0, 3.0, 3.5, 2.5))
    w.para(w.t("doc_timezone_note", zone=view["timezone"]), italic=True)
    reason = getattr(view["signoff_sheet"], "submit_reason", "")
    if reason:
        w.heading(w.t("doc_submit_reason"), 2)
        w.para(w.t("gate_report_submit_reason") + ":")
        w.user_text(str(reason))
    if view["reviews"]:
        w.heading(w.t("doc_reviews"), 2)
        header = [w.t("doc_review_question"), w.t("doc_review_verdict"), w.t("doc_review_comment")]
        header.append(w.t("doc_review_by"))
        rows = [[r["question"], r["verdict"], r["comment"], f"{r['by']}\n{r['at']}"] for r in view["reviews"]]
        w.table(header, rows, (2.5, 2.5, 8.0, 3.0))
    if view["acknowledged"]:
        w.heading(w.t("doc_acknowledged"), 2)
        for item in view["acknowledged"]:
            line = item["message"] + (f": {item['reason']}" if item["reason"] else "")
            w.para(line, style="List Bullet")
    doc = view["doc"]
    w.labelled(w.t("report_framework"), f"{doc['framework_title']} ({doc['framework_id']} {doc['framework_version']})")
    if criteria := criteria_reference(view):
        w.labelled(w.t("criteria_reference"), criteria)
    w.labelled(w.t("report_hash"), doc["hash"])
    w.para(w.t("report_hash_explained"), italic=True)


def write_assessment(w: Writer, view: dict[str, Any], level: int = 1) -> None:
    for part in view["parts"]:
        w.heading(part["heading"], level)
        for question in part["questions"]:
            write_question(w, question)


def build_advies(w: Writer, view: dict[str, Any]) -> None:
    from framework.report.docx_phases import write_evidence, write_key_figures, write_since

    write_cover(w, view)
    w.doc.add_page_break()
    write_summary(w, view)
    write_key_figures(w, view)
    write_since(w, view)
    w.doc.add_page_break()
    write_assessment(w, view)
    write_evidence(w, view)
    write_coverage(w, view)
    w.doc.add_page_break()
    write_signoff(w, view)


def build_beslisnota(w: Writer, view: dict[str, Any]) -> None:
    doc = view["doc"]
    w.para(w.t("doc_beslisnota"), bold=True)
    w.heading(doc["title"], 0)
    w.table(
        None,
        [
            [label, value]
            for label, value in (
                (w.t("report_case_number"), doc["case_number"]),
                (w.t("report_ministry"), doc["ministry"]),
                (w.t("report_department"), doc["department"]),
                (w.t("report_status"), doc["status_label"]),
                (w.t("doc_approved_on"), doc["approved_on"]),
                (w.t("doc_approver"), doc["approver"]),
            )
            if value
        ],
        (5.0, 11.0),
    )
    w.heading(w.t("doc_beslisnota_advice"), 1)
    write_advice(w, view, with_heading=False)
    w.heading(w.t("doc_beslisnota_points"), 1)
    w.bullets(key_points(w, view))
    w.heading(w.t("doc_beslisnota_explanation"), 1)
    for question in view["parts"][-1]["questions"][:-1] if view["parts"] else []:
        w.heading(f"{question.heading} {question.title}", 2)
        for f in question.fields:
            if f.type == "text" and not f.empty:
                w.user_text(f.text)
    write_findings(w, view)
    from framework.report.docx_phases import write_evidence, write_key_figures, write_since

    write_key_figures(w, view)
    write_since(w, view)
    w.doc.add_page_break()
    w.heading(w.t("doc_beslisnota_annex"), 1)
    write_assessment(w, view, level=1)
    write_evidence(w, view)
    write_coverage(w, view)
    write_signoff(w, view)


def render_docx(
    assessment: Assessment,
    framework: Framework,
    *,
    lang: str = "nl",
    include_guidance: bool = True,
    signoff: Any = None,
    variant: str = "advies",
) -> bytes:
    """The advice (or the beslisnota) as .docx bytes, in ``lang``, from the same view as the PDF."""
    from framework.report.render import ReportOptions, advice_view

    if variant not in VARIANTS:
        raise ReportError(f"unknown Word variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    options = ReportOptions.of(lang, include_guidance, signoff)
    view = advice_view(assessment, framework, options)
    writer = Writer(options.lang)
    (build_beslisnota if variant == "beslisnota" else build_advies)(writer, view)
    return writer.finish(view)
