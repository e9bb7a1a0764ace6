"""The wizard's domain helpers (framework/draft.py), without Streamlit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from framework import draft
from framework.assessment import Meta
from framework.draft import META_STEP, StepState
from framework.loading import load_assessment, load_framework
from framework.models import FieldType
from framework.rules import check

ROOT = Path(__file__).resolve().parent.parent
FULL = ROOT / "tests" / "fixtures" / "report_assessment.yaml"


def _meta(**changes):
    values = {
        "title": "Deelname aan IPCEI Waterstof",
        "ipcei": "IPCEI Hy2Tech",
        "ecosystem": "energie_intensief",
        "phase": "notificatie",
        "member_states": ["nl", "de", "fr", "it"],
        "national_budget_eur": 35_000_000,
        "author": "J. de Vries",
    }
    values.update(changes)
    return values


def test_steps_follow_the_framework(framework):
    steps = draft.steps(framework)
    assert steps[0].id == META_STEP
    assert [s.id for s in steps[1:]] == [q.id for q in framework.questions()]
    assert steps[1].group == "A.1" and steps[1].label("nl") == "1. Aanleiding"
    assert steps[0].label("en") == "General data"


def test_a_fifteenth_question_is_a_fifteenth_step(tmp_path, framework):
    text = (ROOT / "questions.yaml").read_text(encoding="utf-8")
    extra = """  - id: q15
    number: '15'
    title:
      nl: Een vijftiende vraag
      en: A fifteenth question
    fields:
    - id: answer
      type: text
      label:
        nl: Beknopt antwoord
        en: Concise answer
      required: true
"""
    marker = "- id: conclusion\n"
    assert marker in text
    revised = text.replace("version: 2022-07", "version: 2099-01").replace(marker, marker, 1)
    # put q15 at the end of part b2, before the concluding part
    revised = revised.replace(marker, extra + marker, 1)
    path = tmp_path / "revised.yaml"
    path.write_text(revised, encoding="utf-8")
    revised_framework = load_framework(path)
    steps = draft.steps(revised_framework)
    assert len(steps) == len(draft.steps(framework)) + 1
    assert "q15" in [s.id for s in steps]


def test_step_states(framework):
    meta, errors = draft.meta_from_form(_meta(), framework, "nl")
    assert not errors
    assessment = draft.new_assessment(framework, meta)
    data = assessment.model_dump(mode="json")
    states = draft.step_states(framework, assessment, check(framework, assessment))
    assert states["q1"] == StepState.EMPTY and states[META_STEP] == StepState.COMPLETE
    draft.set_answer(data, "q1", "answer", "Een aanleiding.")
    a = draft.assessment_from_data(data)
    assert draft.step_states(framework, a, check(framework, a))["q1"] == StepState.STARTED
    draft.set_answer(data, "q1", "answer", "Duitsland en Frankrijk hebben het initiatief genomen, want ...")
    draft.set_answer(data, "q1", "initiator", "groep_lidstaten")
    a = draft.assessment_from_data(data)
    states = draft.step_states(framework, a, check(framework, a))
    assert states["q1"] == StepState.COMPLETE
    assert draft.progress(states) == (1, len(framework.questions()))
    draft.set_answer(data, "q4", "failures", ["geen", "marktfalen"])  # contradiction: a finding
    a = draft.assessment_from_data(data)
    assert draft.step_states(framework, a, check(framework, a))["q4"] == StepState.FINDINGS


def test_full_example_is_complete(framework):
    assessment, _ = load_assessment(FULL)
    states = draft.step_states(framework, assessment, check(framework, assessment))
    assert set(states.values()) == {StepState.COMPLETE}


@pytest.mark.parametrize(
    ("kind", "form", "stored"),
    [
        (FieldType.TEXT, "  tekst  ", "  tekst  "),
        (FieldType.TEXT, "   ", None),
        (FieldType.LIST, "een\n\n twee \n", ["een", "twee"]),
        (FieldType.LIST, "", None),
        (FieldType.AMOUNT, 35_000_000.0, 35_000_000),
        (FieldType.AMOUNT, None, None),
    ],
)
def test_form_values_become_answers(framework, kind, form, stored):
    answer_field = next(f for q in framework.questions() for f in q.fields if f.type == kind)
    assert draft.from_form(answer_field, form) == stored


def test_choices_and_multichoice_keep_only_options(framework):
    q4 = framework.question("q4")
    assert draft.from_form(q4.field("verdict"), "ja") == "ja"
    assert draft.from_form(q4.field("verdict"), "misschien") is None
    assert draft.from_form(q4.field("failures"), ["transformatiefalen", "x", "marktfalen"]) == [
        "marktfalen",
        "transformatiefalen",
    ]


def test_sources_round_trip_with_dutch_dates(framework):
    sources = framework.question("q1").field("sources")
    rows = [
        {"title": "Kamerbrief", "reference": "Kamerstuk 29 826, nr. 147", "date": "08-07-2022"},
        {"title": "", "reference": "", "date": ""},
        {"title": "", "reference": "https://example.org", "date": "2021"},
        {"title": "Rapport", "reference": None, "date": "11-2021"},
    ]
    stored = draft.from_form(sources, rows)
    assert stored == [
        {"title": "Kamerbrief", "reference": "Kamerstuk 29 826, nr. 147", "date": "2022-07-08"},
        {"title": "https://example.org", "reference": "https://example.org", "date": "2021"},
        {"title": "Rapport", "reference": "", "date": "2021-11"},
    ]
    assert draft.to_form(sources, stored)[0]["date"] == "08-07-2022"
    assert draft.unreadable_source_dates([{"date": "31-02-2022"}, {"date": "2022"}]) == ["31-02-2022"]


def test_set_answer_removes_empty_values():
    data = {"answers": {}}
    assert draft.set_answer(data, "q1", "answer", "x")
    assert not draft.set_answer(data, "q1", "answer", "x")
    assert draft.set_answer(data, "q1", "answer", "  ")
    assert data["answers"] == {}


def test_meta_form_messages_per_field_in_both_languages(framework):
    meta, errors = draft.meta_from_form(_meta(title="ab", ipcei="", ecosystem=None), framework, "nl")
    assert meta is None
    assert errors == {
        "title": "Te kort; gebruik ten minste 3 tekens.",
        "ipcei": "Vul dit veld in.",
        "ecosystem": "Maak een keuze.",
    }
    _, errors = draft.meta_from_form(_meta(national_budget_eur=-5, ipcei=""), framework, "en")
    assert errors == {"ipcei": "Please fill in this field.", "national_budget_eur": "The amount cannot be negative."}
    _, errors = draft.meta_from_form(_meta(phase="onbekend"), framework, "nl")
    assert errors == {"phase": "Kies een waarde uit de lijst."}


def test_meta_form_keeps_what_it_does_not_show(framework):
    base = Meta.model_validate({**_meta(), "created": "2022-05-02", "status": "ter_review", "note": "n"})
    meta, errors = draft.meta_from_form({"title": "Nieuwe titel"}, framework, "nl", base=base)
    assert not errors
    assert (meta.title, meta.created, meta.status.value, meta.note) == (
        "Nieuwe titel",
        date(2022, 5, 2),
        "ter_review",
        "n",
    )


def test_display_values(framework):
    q12 = framework.question("q12")
    assert draft.display_value(q12.field("private_investment_eur"), 230_000_000, "nl") == "€ 230.000.000"
    partly = q12.field("willingness").option("deels").label.en
    assert draft.display_value(q12.field("willingness"), "deels", "en") == partly
    assert draft.display_value(q12.field("companies"), ["A", "B"], "nl") == "• A\n• B"
    sources = framework.question("q1").field("sources")
    shown = draft.display_value(sources, [{"title": "T", "reference": "R", "date": "2022-07-08"}], "nl")
    assert shown == "• T (R, 08-07-2022)"
    assert draft.display_meta(framework, "member_states", ["nl", "de"], "nl") == "Nederland, Duitsland"
