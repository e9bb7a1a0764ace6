"""A comparison as plain data (``ipcei compare --json``): columns, summary, questions with the ids they cite, register.

Every value is as shown (labels, texts) beside what is stored where that matters (``raw`` of a register entry,
the ids cited). A value an assessment lacks is ``null``; a field its framework lacks is marked
``"applicable": false``. Nothing here renders; the JSON is data, never markup.
"""

from __future__ import annotations

from typing import Any

from framework.compare.rows import Row
from framework.compare.sections import CITED, presence, register_counts
from framework.compare.sides import Comparison


def _values(row: Row) -> list[Any]:
    return [c.text if c.applicable and not c.empty else None for c in row.cells]


def _row(row: Row) -> dict[str, Any]:
    return {
        "field": row.field_id,
        "label": row.label,
        "kind": row.kind,
        "status": row.status.value,
        "applicable": [c.applicable for c in row.cells],
        "values": _values(row),
    }


def comparison_data(comparison: Comparison) -> dict[str, Any]:
    """The whole comparison as JSON-ready data (see the module docstring)."""
    letters = [c.letter for c in comparison.columns]
    summary = comparison.summary
    questions = []
    for q in comparison.questions:
        cited = next((r for r in q.rows if r.field_id == CITED), None)
        questions.append(
            {
                "id": q.id,
                "number": q.number,
                "heading": q.heading,
                "status": q.status.value,
                "cited": {
                    letter: list(c.raw or []) for letter, c in zip(letters, cited.cells, strict=True) if c.applicable
                }
                if cited
                else {},
                "rows": [_row(r) for r in q.rows],
            }
        )
    register = [
        {
            "id": r.field_id,
            "label": r.label,
            "status": r.status.value,
            "presence": presence(r, letters, comparison.lang),
            "entries": {
                letter: (c.raw.model_dump(mode="json", exclude_none=True) if not c.empty else None)
                for letter, c in zip(letters, r.cells, strict=True)
            },
            "values": _values(r),
        }
        for r in comparison.register
    ]
    return {
        "lang": comparison.lang,
        "columns": [
            {
                "letter": c.letter,
                "title": c.title,
                "ipcei": c.ipcei,
                "ref": c.ref,
                "revision": c.revision,
                "framework": c.framework_key,
                "status": c.status,
                "advice": c.advice,
            }
            for c in comparison.columns
        ],
        "summary": {
            "questions": summary.questions,
            "same": summary.same,
            "different": summary.different,
            "not_applicable": summary.not_applicable,
            "register": register_counts(comparison.register),
        },
        "meta": [_row(r) for r in comparison.meta],
        "questions": questions,
        "register": register,
    }
