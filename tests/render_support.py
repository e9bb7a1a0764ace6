"""Assessments at the limits of the model, for the render-limit tests, the benchmark and the browser tests.

:func:`largest_assessment` fills every field of every question up to what the model allows (text at its
``max_length``, lists and sources at ``max_items`` with items at their longest), with ordinary words, so that
it is the biggest advice a user can make. :func:`pathological_assessment` is as big, but made to hurt the
layout: source tables whose cells are one unbroken word of 500 characters, answers that look like pipe tables,
an answer that is one unbroken word of the full length.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from framework.assessment import Assessment, SourceRef
from framework.models import FieldType, Framework

LIST_ITEM_MAX = 1000  # framework.assessment: a list item
SOURCE_TEXT_MAX = SourceRef.model_fields["title"].metadata[0].max_length  # title and reference: 500
WORDS = (
    "de overheid weegt deelname aan een belangrijk project van gemeenschappelijk Europees belang af op "
    "publiek belang marktfalen nuloptie staatssteun en Europese meerwaarde volgens het afwegingskader "
).split()


def filler(length: int, seed: str = "") -> str:
    """Ordinary Dutch words, in paragraphs of about 600 characters, exactly ``length`` characters long."""
    out, size, i = [], 0, 0
    while size < length:
        word = WORDS[i % len(WORDS)]
        piece = ("\n\n" if i and i % 90 == 0 else " " if i else "") + word
        out.append(piece)
        size += len(piece)
        i += 1
    text = (seed + " " if seed else "") + "".join(out)
    return text[:length]


def tail_marker(text: str, marker: str) -> str:
    """The same text with ``marker`` as its last characters (to find the end of an answer in the PDF)."""
    return text[: len(text) - len(marker) - 1] + " " + marker


def _meta(framework: Framework, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "ipcei": "IPCEI Grensgeval " + "x" * 180,
        "ecosystem": framework.ecosystems[0].id,
        "phase": framework.phases[0].id,
        "case_number": "EZK/" + "9" * 290,
        "ministry": filler(300),
        "department": filler(300),
        "member_states": [m.id for m in framework.member_states][:40],
        "national_budget_eur": 100_000_000_000,
        "author": "R. Grenswaarde",
        "created": date(2026, 1, 5).isoformat(),
        "updated": date(2026, 1, 6).isoformat(),
        "note": filler(2000),
    }


def _answer(answer_field: Any, question_id: str, text_of, source_of) -> Any:
    match answer_field.type:
        case FieldType.TEXT:
            return text_of(question_id, answer_field)
        case FieldType.LIST:
            return [filler(LIST_ITEM_MAX, f"{question_id} punt {i}") for i in range(answer_field.max_items)]
        case FieldType.SOURCES:
            return [source_of(question_id, i) for i in range(answer_field.max_items)]
        case FieldType.CHOICE | FieldType.SCALE:
            return answer_field.options[0].id
        case FieldType.MULTICHOICE:
            return [o.id for o in answer_field.options]
        case FieldType.AMOUNT:
            return 1_000_000_000_000
    raise AssertionError(answer_field.type)


def _build(framework: Framework, title: str, text_of, source_of, *, lists: bool = True) -> Assessment:
    answers: dict[str, dict[str, Any]] = {}
    for question in framework.questions():
        for answer_field in question.fields:
            if answer_field.type == FieldType.LIST and not lists:
                continue
            value = _answer(answer_field, question.id, text_of, source_of)
            if value is not None:
                answers.setdefault(question.id, {})[answer_field.id] = value
    data = {
        "framework": {"id": framework.id, "version": framework.version},
        "meta": _meta(framework, title),
        "answers": answers,
    }
    return Assessment.model_validate(data)


def marker_of(question_id: str, field_id: str) -> str:
    """The word that ends the text of one field in :func:`largest_assessment`."""
    return f"EINDE{question_id.upper().replace('_', '')}{field_id.upper().replace('_', '')}"


def largest_assessment(framework: Framework) -> Assessment:
    """Every field at the model's limit, in ordinary words; each text field ends with :func:`marker_of`."""

    def text_of(question_id: str, answer_field: Any) -> str:
        return tail_marker(filler(answer_field.max_length), marker_of(question_id, answer_field.id))

    def source_of(question_id: str, i: int) -> dict[str, str]:
        return {
            "title": filler(SOURCE_TEXT_MAX, f"Bron {question_id}-{i}"),
            "reference": filler(SOURCE_TEXT_MAX, f"Kamerstuk {i}"),
            "date": "2022-07-08",
        }

    return _build(framework, "Grootst mogelijke beoordeling " + "y" * 160, text_of, source_of)


def pipe_table(length: int) -> str:
    """Text that looks like a Markdown pipe table of many columns, ``length`` characters long."""
    header = "| " + " | ".join(f"kolom {c}" for c in range(12)) + " |\n"
    rule = "|" + "---|" * 12 + "\n"
    row = "| " + " | ".join(f"{c * 7:>5}" for c in range(12)) + " |\n"
    body = header + rule + row * (length // len(row) + 1)
    return body[:length]


def pathological_assessment(framework: Framework) -> Assessment:
    """Made to hurt the layout, at the model's limits: every source table full, each cell one unbroken word of
    500 characters; the first answer one unbroken word of its full length; the next two a pipe table each.
    (The other texts stay empty: their ordinary words are what :func:`largest_assessment` covers.)"""
    first, *others = [q.id for q in framework.questions()]

    def text_of(question_id: str, answer_field: Any) -> str | None:
        if answer_field.id != "answer":
            return None
        if question_id == first:
            return "W" * answer_field.max_length  # one word, no break opportunity at all
        return pipe_table(answer_field.max_length) if question_id in others[:2] else None

    def source_of(question_id: str, i: int) -> dict[str, str]:
        return {
            "title": (f"{question_id}{i}" + "T" * SOURCE_TEXT_MAX)[:SOURCE_TEXT_MAX],
            "reference": "https://example.org/" + "r" * (SOURCE_TEXT_MAX - 20),
            "date": "2022",
        }

    return _build(framework, "Pathologische tabellen " + "z" * 170, text_of, source_of, lists=False)
