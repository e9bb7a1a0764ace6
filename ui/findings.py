"""Findings of the rules, each with buttons to the questions it concerns."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from framework.i18n import t
from framework.models import Framework, Question, Severity
from framework.rules import Finding
from ui.i18n import lang, tr

_ALERT = {Severity.ERROR: st.error, Severity.WARNING: st.warning, Severity.INFO: st.info}
_ICON = {Severity.ERROR: ":material/error:", Severity.WARNING: ":material/warning:", Severity.INFO: ":material/info:"}


def heading(question: Question) -> str:
    """«Vraag 4. Ligt er ...» for a numbered question, «Conclusie A. ...» for a concluding one."""
    key = "ui_question_heading" if question.number.isdigit() else "ui_conclusion_heading"
    return tr(key, number=question.number, title=question.title(lang()))


def question_label(framework: Framework, question_id: str) -> str:
    question = framework.question(question_id)
    if question is None:
        return question_id
    return tr("ui_question_short", number=question.number, title=question.title(lang()))


def show(framework: Framework, findings: Iterable[Finding], context: str, here: str | None = None) -> str | None:
    """Draw findings as alerts with jump buttons; returns the question to jump to if one was clicked."""
    target = None
    for index, finding in enumerate(findings):
        severity = t(f"severity_{finding.severity.value}", lang())
        _ALERT[finding.severity](f"**{severity}.** {finding.message(lang())}", icon=_ICON[finding.severity])
        others = [q for q in finding.questions if q != here]
        if others:
            cols = st.columns(len(others) + 1)
            for col, question_id in zip(cols, others, strict=False):
                if col.button(
                    tr("ui_goto", label=question_label(framework, question_id)),
                    key=f"jump|{context}|{index}|{question_id}",
                    type="tertiary",
                    icon=":material/arrow_forward:",
                ):
                    target = question_id
    return target


def missing_fields(framework: Framework, findings: Iterable[Finding], question_id: str) -> list[str]:
    """Labels of the fields of one question that completeness says are missing or too short."""
    question = framework.question(question_id)
    labels = []
    for finding in findings:
        if finding.field and question is not None and finding.field.startswith(f"{question_id}."):
            answer_field = question.field(finding.field.split(".", 1)[1])
            if answer_field is not None:
                labels.append(answer_field.label(lang()))
    return labels
