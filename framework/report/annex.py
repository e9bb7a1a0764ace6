"""The annex of the advice: the evidence register, each entry with the questions that cite it."""

from __future__ import annotations

from typing import Any

from framework import evidence
from framework.assessment import Assessment
from framework.i18n import t
from framework.models import Framework


def evidence_annex(framework: Framework, assessment: Assessment, lang: str) -> list[dict[str, Any]]:
    """One row per register entry (then the per-answer sources read in): id, kind, text, cited by.

    Empty when the assessment keeps no register: the advice of an older file stays as it was (its sources are
    printed at each question).
    """
    if not assessment.evidence:
        return []
    rows = []
    for item in evidence.register(framework, assessment):
        entry = item.entry
        kind = t(f"evidence_kind_{entry.kind.value}", lang)
        if entry.status is not None:
            kind += f" ({t(f'evidence_status_{entry.status.value}', lang)})"
        questions = []
        for question_id in item.cited_by:
            question = framework.question(question_id)
            number = question.number if question else question_id
            questions.append({"id": question_id, "label": t("evidence_question", lang, number=number)})
        rows.append(
            {
                "id": entry.id,
                "kind": kind,
                "title": entry.title,
                "reference": entry.reference,
                "date": entry.date,
                "supports": entry.supports,
                "derived": item.derived,
                "cited_by": questions,
            }
        )
    return rows
