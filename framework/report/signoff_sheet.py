"""The sign-off sheet (parafenlijst) of the advice: its models (who drafted, reviewed and approved, the reviewer's
notes, the warnings acknowledged) and the rows the templates and the Word document print of it.

Split from :mod:`framework.report.view`, which builds the whole report view and re-exports these names.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from framework.i18n import catalog, format_date, format_datetime, t
from framework.localtime import to_local
from framework.models import Framework, Question
from framework.report.phase_view import PhaseNotes


class SignOffEntry(BaseModel):
    """One line of the sign-off sheet (parafenlijst): who did it, in which position, and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    role: Annotated[str, StringConstraints(max_length=120)] = ""
    date: Date | None = None
    at: datetime | None = None  # the moment (UTC in the store); printed in IPCEI_TIMEZONE


class ReviewNote(BaseModel):
    """A reviewer's verdict and comment on one answer, as the parafenlijst lists it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    verdict: Annotated[str, StringConstraints(max_length=40)] = ""
    comment: Annotated[str, StringConstraints(max_length=4000)] = ""
    by: Annotated[str, StringConstraints(max_length=120)] = ""
    at: datetime | None = None
    earlier: bool = False  # given on an earlier text than the current one (a review round before a revision)


class SignOffSheet(BaseModel):
    """The sign-off block of the advice. Lines left ``None`` print as empty lines to fill in by hand."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    drafted_by: SignOffEntry | None = None
    imported_by: SignOffEntry | None = None  # who put a file drafted elsewhere into this store, and when
    reviewed_by: list[SignOffEntry] = Field(default=[], max_length=10)
    approved_by: SignOffEntry | None = None
    reviews: list[ReviewNote] = Field(default=[], max_length=500)
    submit_reason: Annotated[str, StringConstraints(max_length=2000)] = ""  # submitted despite open findings, because
    accepted: list[Annotated[str, StringConstraints(max_length=2200)]] = Field(default=[], max_length=50)
    phases: PhaseNotes | None = None  # the signed-off advice this one follows: what changed, what was carried over


def question_heading(question: Question, lang: str) -> str:
    """'Vraag 14' for a numbered question, 'Conclusie A' for a lettered (concluding) one."""
    key = "report_question" if question.number.isdigit() else "report_conclusion"
    return f"{t(key, lang)} {question.number}"


def role_label(role: str, lang: str) -> str:
    """A workflow role as the app shows it (``vaststeller``, ``approver``); a stated role as it was stated."""
    key = f"wf_role_{role.strip().lower().replace(' ', '_')}"
    return t(key, lang) if key in catalog() else role


def moment(entry: Any, lang: str) -> str:
    """Date and time in ``IPCEI_TIMEZONE`` when the moment is known, else the date."""
    if getattr(entry, "at", None) is not None:
        return format_datetime(to_local(entry.at), lang)
    return format_date(entry.date, lang) if getattr(entry, "date", None) else ""


def signoff_rows(sheet: SignOffSheet, lang: str) -> list[dict[str, str]]:
    """The parafenlijst's lines: step, name, the role as the app shows it, local date and time."""
    rows = [("report_signoff_drafted", sheet.drafted_by)]
    rows += [("report_signoff_imported", sheet.imported_by)] if sheet.imported_by else []
    rows += [("report_signoff_reviewed", entry) for entry in sheet.reviewed_by or [None]]
    rows += [("report_signoff_approved", sheet.approved_by)]
    return [
        {
            "role": t(key, lang),
            "name": entry.name if entry else "",
            "function": role_label(entry.role, lang) if entry else "",
            "date": moment(entry, lang) if entry else "",
        }
        for key, entry in rows
    ]


def review_rows(sheet: SignOffSheet, framework: Framework, lang: str) -> list[dict[str, str]]:
    """The reviewer's verdicts and comments per answer, with the question named: in the order of the questions
    (q1 … q13, A, B, q14, as the advice reads), each question's verdicts oldest first; a question the framework does
    not know comes last. Not in the order given: one review round that named q9 first printed q9 above q1."""
    order = {question.id: index for index, question in enumerate(framework.questions())}
    notes = sorted(sheet.reviews, key=lambda note: order.get(note.question, len(order)))  # stable: oldest first
    rows = []
    for note in notes:
        question = framework.question(note.question)
        verdict_key = f"wf_verdict_{note.verdict}"
        rows.append(
            {
                "question": question_heading(question, lang) if question else note.question,
                "title": question.title(lang) if question else "",
                "verdict": _verdict_text(note, verdict_key, lang),
                "comment": note.comment,
                "by": note.by,
                "at": moment(note, lang),
            }
        )
    return rows


def _verdict_text(note: ReviewNote, verdict_key: str, lang: str) -> str:
    """The verdict as the app shows it; one given on an earlier text says so, so no one reads it as the review
    the text was signed off on."""
    text = t(verdict_key, lang) if verdict_key in catalog() else note.verdict
    return t("walk2_verdict_earlier_text", lang, verdict=text) if note.earlier else text


def _get(item: Any, *names: str) -> str:
    for name in names:
        value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
        if value:
            return str(value)
    return ""


def acknowledged_rows(sheet: Any) -> list[dict[str, str]]:
    """The warnings the approver acknowledged at sign-off (``finding: reason``), with the reasons.

    Tolerant of what the sheet carries: a :class:`SignOffSheet` (``accepted`` lines, ``approved_by``), or an object
    or mapping that already carries ``acknowledged`` rows (``message``, ``reason``, ``by``); fields it lacks are empty.
    """
    if sheet is None:
        return []
    carried = sheet.get("acknowledged") if isinstance(sheet, dict) else getattr(sheet, "acknowledged", None)
    if carried:
        return [
            {"message": _get(item, "message", "finding"), "reason": _get(item, "reason"), "by": _get(item, "by")}
            for item in carried
        ]
    approved = sheet.get("approved_by") if isinstance(sheet, dict) else getattr(sheet, "approved_by", None)
    by = _get(approved, "name") if approved else ""
    lines = sheet.get("accepted") if isinstance(sheet, dict) else getattr(sheet, "accepted", None)
    rows = []
    for line in lines or []:
        finding, _, reason = str(line).partition(": ")
        rows.append({"message": finding, "reason": reason, "by": by})
    return rows
