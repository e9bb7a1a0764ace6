"""Completeness per question (framework.rules.completeness): every required field in order, a very short text a
note; and the whole check as a dict."""

from __future__ import annotations

from rule_support import DELETE, FRAMEWORK, build, empty_assessment, example

from framework.models import Severity
from framework.rules import check, completeness


def required_fields() -> list[str]:
    return [f"{q.id}.{f.id}" for q in FRAMEWORK.questions() for f in q.fields if f.required]


def test_empty_assessment_lists_every_required_field_in_order():
    findings = completeness(FRAMEWORK, empty_assessment())
    assert [f.field for f in findings] == required_fields()
    assert {f.rule for f in findings} == {"required"}
    assert {f.severity for f in findings} == {Severity.WARNING}
    first = findings[0]
    assert first.questions == ("q1",)
    assert first.message.nl == "Vraag 1: «Beknopt antwoord» is nog niet ingevuld."
    assert first.message.en == "Question 1: «Concise answer» has not been filled in yet."
    conclusion = next(f for f in findings if f.field == "conclusion_a.government_role")
    assert conclusion.message.nl == "Vraag A: «Is een actieve overheidsrol nodig?» is nog niet ingevuld."


def test_completeness_per_question():
    data = example("ipcei-micro-elektronica")
    changes = {
        "answers.q3.objectives": [],
        "answers.q4.zero_option": "  ",
        "answers.q7": DELETE,
        "answers.q12.companies": DELETE,  # not required
        "answers.q5.national_priorities": [],  # not required
        "answers.q1.sources": DELETE,  # not required
    }
    findings = completeness(FRAMEWORK, build(data, changes))
    assert [(f.rule, f.field) for f in findings] == [
        ("required", "q3.objectives"),
        ("required", "q4.zero_option"),
        ("required", "q7.answer"),
        ("required", "q7.eu_priorities"),
        ("required", "q7.common_interest"),
        ("required", "q7.member_state_support"),
    ]
    assert check(FRAMEWORK, build(data, changes)).for_question("q7") == findings[2:]


def test_a_very_short_text_is_a_note():
    findings = completeness(FRAMEWORK, build(example("ipcei-waterstof"), {"answers.q6.answer": "  Ja, nodig.  "}))
    assert [(f.rule, f.severity, f.field) for f in findings] == [("too-short", Severity.INFO, "q6.answer")]
    assert findings[0].message.nl == "Vraag 6: «Beknopt antwoord» is erg kort (10 tekens; verwacht ten minste 40)."


def test_check_as_dict():
    result = check(FRAMEWORK, build(example("ipcei-cloud")))
    data = result.as_dict("nl")
    assert data["complete"] is True
    assert [f["rule"] for f in data["consistency"]] == ["advice-without-funding-gap"]
    assert data["consistency"][0]["severity"] == "warning"
    assert len(data["suggestions"]) == 5
