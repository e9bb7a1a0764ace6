"""What the advice report shows: the assessment and its framework turned into plain values for the templates.

Everything a template needs is computed here (labels in the chosen language, Dutch-style dates and amounts,
the open findings), so that the templates only lay it out. User text stays plain ``str``: the templates escape
it, and :func:`paragraphs` turns it into ``<p>``/``<br>`` without ever trusting it as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from framework import fieldtypes, keyfigures
from framework.assessment import Assessment, SourceRef, Status, is_empty
from framework.i18n import format_date, format_eur, t
from framework.localtime import local_zone
from framework.marks import unknown_text
from framework.models import AnswerField, FieldType, Framework
from framework.report import summary as summary_view
from framework.report.annex import evidence_annex
from framework.report.coverage import coverage_view
from framework.report.signoff_sheet import (  # the sign-off sheet's models, kept importable from here
    ReviewNote,
    SignOffEntry,
    SignOffSheet,
    acknowledged_rows,
    question_heading,
    review_rows,
    signoff_rows,
)
from framework.rules import check

__all__ = [
    "ReviewNote",
    "SignOffEntry",
    "SignOffSheet",
    "acknowledged_rows",
    "build_view",
    "paragraphs",
    "question_heading",
    "review_rows",
    "signoff_rows",
]

FINAL_STATUSES = frozenset({Status.VASTGESTELD, Status.GEARCHIVEERD})
SUMMARY_EXCERPT = 500  # characters of the advice shown on the summary page
SUMMARY_COMPLETENESS = 5  # completeness findings listed on the summary page


def paragraphs(text: str) -> Markup:
    """User text as HTML: a blank line starts a paragraph, a single newline is a line break; all else escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(Markup("<br>").join(b.strip("\n").split("\n"))) for b in blocks)


def plain(text: str) -> str:
    """Text for PDF metadata: one line, no control characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def format_partial_date(value: str, lang: str) -> str:
    """A source date that may be ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, Dutch style."""
    parts = value.split("-")
    if len(parts) == 3:
        return format_date(value, lang)
    return "-".join(reversed(parts))


@dataclass
class FieldView:
    """One answer field as the report shows it."""

    id: str
    type: str
    label: str
    required: bool
    empty: bool
    text: str = ""  # text
    value: str = ""  # choice, scale, amount, number, integer, date
    scale: list[tuple[str, bool]] = field(default_factory=list)  # scale: (option label, chosen)
    items: list[str] = field(default_factory=list)  # multichoice, list
    sources: list[dict[str, str]] = field(default_factory=list)
    carried: bool = False  # still as carried over from the signed-off advice of the previous phase
    qualifier: str = ""  # format /2: the toelichting beside a choice or scale
    unknown: str = ""  # format /2: an amount explicitly «onbekend», as words with the reason
    none_stated: str = ""  # format /2: a list explicitly answered «geen», as the word


@dataclass
class QuestionView:
    id: str
    number: str
    heading: str
    title: str
    text: str
    guidance: str
    footnote: str
    corrections: list[str]
    fields: list[FieldView]
    deviations: list[dict[str, str]] = field(default_factory=list)  # concluding answers that differ from a suggestion
    citations: list[str] = field(default_factory=list)  # format /2: the register entries this answer cites

    def _shown(self, types: tuple[str, ...]) -> list[FieldView]:
        """Fields of these types that have an answer, or are required (then shown as not filled in)."""
        return [f for f in self.fields if f.type in types and (not f.empty or f.required)]

    @property
    def verdicts(self) -> list[FieldView]:
        return self._shown(("choice", "scale", "multichoice", "amount", "number", "integer", "date"))

    @property
    def blocks(self) -> list[FieldView]:
        return self._shown(("text", "list"))

    @property
    def sources(self) -> list[FieldView]:
        return [f for f in self.fields if f.type == "sources" and not f.empty]


def _field_view(
    answer_field: AnswerField, value: Any, lang: str, assessment: Assessment | None = None, question_id: str = ""
) -> FieldView:
    view = FieldView(
        answer_field.id, answer_field.type.value, answer_field.label(lang), answer_field.required, is_empty(value)
    )
    if assessment is not None:
        view.qualifier = assessment.qualifier(question_id, answer_field.id)
        reason = assessment.unknown_reason(question_id, answer_field.id)
        if view.empty and reason is not None:
            view.unknown, view.empty = unknown_text(reason, lang), False
        if view.empty and assessment.stated_none(question_id, answer_field.id):
            view.none_stated, view.empty = t("format_none", lang), False
    if is_empty(value):
        return view

    def label(option_id: str) -> str:
        option = answer_field.option(option_id)
        return option.label(lang) if option else str(option_id)

    match answer_field.type:
        case FieldType.TEXT:
            view.text = str(value)
        case FieldType.CHOICE:
            view.value = label(value)
        case FieldType.SCALE:
            view.value = label(value)
            view.scale = [(o.label(lang), o.id == value) for o in answer_field.options]
        case FieldType.MULTICHOICE:
            chosen = set(value)
            view.items = [o.label(lang) for o in answer_field.options if o.id in chosen]
        case FieldType.LIST:
            view.items = [str(item) for item in value]
        case FieldType.SOURCES:
            for source in value:
                ref = source if isinstance(source, SourceRef) else SourceRef.model_validate(source)
                view.sources.append(
                    {
                        "title": ref.title,
                        "reference": ref.reference,
                        "date": format_partial_date(ref.date, lang) if ref.date else "",
                    }
                )
        case FieldType.AMOUNT:
            view.value = format_eur(int(value), lang)
        case FieldType.NUMBER | FieldType.INTEGER | FieldType.DATE:
            view.value = fieldtypes.show(answer_field, value, lang)
    return view


def _carried(view: FieldView, question_id: str, carried: set[str]) -> FieldView:
    view.carried = not view.empty and f"{question_id}.{view.id}" in carried
    return view


def _finding(finding: Any, framework: Framework, lang: str) -> dict[str, str]:
    numbers = [q.number for qid in finding.questions if (q := framework.question(qid))]
    return {
        "severity": finding.severity.value,
        "severity_label": t(f"severity_{finding.severity.value}", lang),
        "message": finding.message(lang),
        "questions": t("report_questions", lang, questions=", ".join(numbers)) if numbers else "",
    }


def _deviation(deviation: Any, lang: str) -> dict[str, str]:
    """A concluding answer that differs from its suggestion, as the question in the report shows it."""
    suggested, reason = deviation.suggested_label(lang), deviation.reason(lang)
    return {
        "field": deviation.label(lang),
        "value": deviation.value_label(lang),
        "suggested": suggested,
        "reason": reason,
        "text": t("checks_deviation_from", lang, suggested=suggested, reason=reason),
        "motivation": t("checks_deviation_motivation" if deviation.motivation else "checks_no_motivation", lang),
    }


def _excerpt(text: str, limit: int = SUMMARY_EXCERPT) -> str:
    first = re.split(r"\n[ \t]*\n", text.strip(), maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + " …"


def build_view(
    assessment: Assessment,
    framework: Framework,
    *,
    lang: str,
    include_guidance: bool,
    signoff: SignOffSheet | None,
    timestamps: tuple[str, str],
    from_file: bool = False,
) -> dict[str, Any]:
    """The template context of the advice; ``from_file``: a file that no store signed off (always a concept)."""
    meta = assessment.meta
    result = check(framework, assessment)
    content_hash = assessment.content_hash()
    notes = signoff.phases if signoff is not None else None
    carried = set(notes.carried) if notes is not None else set()
    final = meta.status in FINAL_STATUSES and not from_file
    status = "file" if from_file else meta.status.value
    status_label = t("gate_status_file", lang) if from_file else t(f"status_{meta.status.value}", lang)
    consistency = [_finding(f, framework, lang) for f in result.consistency]
    deviating: dict[str, list[dict[str, str]]] = {}
    for deviation in result.deviations:
        deviating.setdefault(deviation.question, []).append(_deviation(deviation, lang))

    parts = []
    for part in framework.parts:
        questions = []
        for question in part.questions:
            questions.append(
                QuestionView(
                    id=question.id,
                    number=question.number,
                    heading=question_heading(question, lang),
                    title=question.title(lang),
                    text=question.text(lang) if question.text else "",
                    guidance=question.guidance(lang) if question.guidance and include_guidance else "",
                    footnote=question.footnote(lang) if question.footnote else "",
                    corrections=[c.note for c in question.corrections] if include_guidance and lang == "nl" else [],
                    fields=[
                        _carried(
                            _field_view(f, assessment.value(question.id, f.id), lang, assessment, question.id),
                            question.id,
                            carried,
                        )
                        for f in question.fields
                    ],
                    deviations=deviating.get(question.id, []),
                    citations=list(assessment.citations.get(question.id, [])),
                )
            )
        heading = part.heading(lang)
        parts.append({"id": part.id, "code": part.code, "heading": heading, "questions": questions})

    # The summary: the concluding part (the last one), its verdicts, and the advice itself in full.
    conclusions = []
    concluding = parts[-1]["questions"] if parts else []
    for index, question in enumerate(concluding):
        verdicts = [f for f in question.fields if f.type in ("choice", "scale")]
        texts = [f for f in question.fields if f.type == "text" and not f.empty]
        is_advice = index == len(concluding) - 1
        conclusions.append(
            {
                "heading": question.heading,
                "title": question.title,
                "verdicts": verdicts,
                "excerpt": _excerpt(texts[0].text) if is_advice and texts else "",
                "footnote": question.footnote if is_advice else "",
            }
        )
    completeness = [f.message(lang) for f in result.completeness]
    sheet = signoff or SignOffSheet()
    member_state_labels = [framework.label("member_states", s, lang) for s in meta.member_states]
    approval = summary_view.approval_block(signoff, lang)
    criteria_view = coverage_view(result.coverage, lang)
    return {
        "lang": lang,
        "doc": {
            "title": meta.title,
            "ipcei": meta.ipcei,
            "ecosystem": framework.label("ecosystems", meta.ecosystem, lang),
            "phase": framework.label("phases", meta.phase, lang),
            "case_number": meta.case_number,
            "ministry": meta.ministry,
            "department": meta.department,
            "author": meta.author,
            "created": format_date(meta.created, lang),
            "updated": format_date(meta.updated, lang) if meta.updated else "",
            "date": format_date(meta.updated or meta.created, lang),
            "status": status,
            "status_label": status_label,
            "final": final,
            "illustrative": meta.illustrative,
            "note": meta.note,
            "member_states": member_state_labels,
            "approver": approval["name"],
            "approved_on": approval["date"],
            "budget": (
                unknown_text(meta.national_budget_unknown, lang)
                if meta.national_budget_unknown and meta.national_budget_eur is None
                else format_eur(meta.national_budget_eur, lang)
            ),
            # format /2 metadata (for the cover and summary templates)
            "coordinator": framework.label("member_states", meta.coordinator, lang) if meta.coordinator else "",
            "few_member_states_reason": meta.few_member_states_reason,
            "reference_date": format_date(meta.reference_date, lang) if meta.reference_date else "",
            "secondary_ecosystems": [framework.label("ecosystems", e, lang) for e in meta.secondary_ecosystems],
            "answers_in_other_language": meta.language != lang,
            "hash": content_hash,
            "hash_short": content_hash[:12],
            "framework_id": framework.id,
            "framework_version": framework.version,
            "framework_title": framework.title(lang),
            "framework_source": f"{framework.source.reference} ({format_date(framework.source.date, lang)})",
        },
        "pdf": {
            "title": plain(meta.title),
            "author": plain(meta.author),
            "subject": plain(t("report_subject", lang, ipcei=meta.ipcei, framework=framework.title(lang))),
            "keywords": [*t("report_keywords", lang).split(", "), plain(meta.ipcei)],
            "created": timestamps[0],
            "modified": timestamps[1],
        },
        "watermark": not final,
        "include_guidance": include_guidance,
        "summary": {
            "conclusions": conclusions,
            "consistency": consistency,
            "completeness": completeness[:SUMMARY_COMPLETENESS],
            "completeness_more": max(0, len(completeness) - SUMMARY_COMPLETENESS),
            "completeness_count": len(completeness),
            "advice": summary_view.advice_block(concluding[-1]) if concluding else None,
            "opinions": conclusions[:-1],
            "findings": summary_view.findings_block(consistency, len(completeness), lang),
            "member_states": summary_view.member_states_block(meta, member_state_labels, lang, framework),
            "coverage": summary_view.coverage_block(criteria_view, lang),
        },
        "parts": parts,
        "evidence": evidence_annex(framework, assessment, lang),  # the register, as an annex
        "coverage": criteria_view,  # the Commission's criteria (framework.criteria)
        # one line per concluding answer that differs from its suggestion, with the motivation (summary page)
        "deviations": [deviation.sentence(lang) for deviation in result.deviations],
        "signoff": signoff_rows(sheet, lang),
        "signoff_sheet": sheet,
        "reviews": review_rows(sheet, framework, lang),
        "acknowledged": acknowledged_rows(sheet),
        "timezone": local_zone().key,
        "since": notes.since.get(lang) if notes is not None else None,
        "key_figures": keyfigures.rows(assessment.key_figures, lang),
        "carried_note": notes.carried_note(lang) if notes is not None else "",
    }
