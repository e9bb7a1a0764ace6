"""The examples in examples/: each validates, the rules find what the example was written to show, and the
conclusions it chose are the ones the rules suggest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.assessment import Status
from framework.loading import assessment_from_bytes, load_assessment, validate_file
from framework.models import FieldType
from framework.rules import check
from framework.yamlio import dump_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
COMPLETE = ["ipcei-micro-elektronica", "ipcei-cloud", "ipcei-waterstof", "ipcei-negatief-advies"]

# What each example was written to show: its consistency findings (rule ids, in order) and its advice.
DESIGNED = {
    "ipcei-micro-elektronica": {"consistency": [], "advice": "deelnemen"},
    # the funding gap of the industrial deployment is not yet shown: participate under that condition
    "ipcei-cloud": {"consistency": ["advice-without-funding-gap"], "advice": "deelnemen_onder_voorwaarden"},
    "ipcei-waterstof": {"consistency": [], "advice": "deelnemen"},
    # a fictitious initiative with three member states, in verkenning and with a negative advice: a note, not a warning
    "ipcei-negatief-advies": {"consistency": ["few-member-states-noted"], "advice": "niet_deelnemen"},
    # a draft: q4 names market failure and «no failure shown» together; q11, q13, A, B and 14 still open, so two
    # cumulative criteria of the Commission are not covered yet (a note in verkenning, criteria.yaml)
    "ipcei-onvolledig": {
        "consistency": ["failure-contradiction", "criterion-cofinancing", "criterion-do-no-significant-harm"],
        "advice": None,
    },
}
FACTS = {  # Kamerstuk 29 826, nr. 147, Tabel 5
    "ipcei-micro-elektronica": ("elektronica", 230_000_000),
    "ipcei-cloud": ("digitaal", 70_000_000),
    "ipcei-waterstof": ("hernieuwbare_energie", 35_000_000),
}
DRAFT_OPEN = [
    "q4.zero_option",
    "q7.member_state_support",
    "q8.fits",
    "q10.ipcei_best_instrument",
    "q11.answer",
    "q11.impact_broad_welfare",
    "q11.impact_productivity",
    "q11.impact_employment",
    "q11.impact_knowledge",
    "q12.willingness",
    "q13.answer",
    "q13.benefits",
    "q13.drawbacks",
    "q13.balance",
    "conclusion_a.government_role",
    "conclusion_a.european_cooperation",
    "conclusion_a.answer",
    "conclusion_b.only_via_ipcei",
    "conclusion_b.national_participation",
    "conclusion_b.answer",
    "q14.advice",
    "q14.answer",
    "q14.focus",
]


def loaded(name: str):
    return load_assessment(EXAMPLES_DIR / f"{name}.yaml")


def test_the_examples_are_the_designed_ones():
    assert sorted(p.stem for p in EXAMPLES) == sorted(DESIGNED)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_validates(path):
    kind, assessment = validate_file(path)
    assert kind == "assessment"
    assert (assessment.framework.id, assessment.framework.version) == ("afwegingskader-ipcei", "2022-07")


@pytest.mark.parametrize("name", DESIGNED)
def test_example_is_marked_illustrative(name):
    meta = loaded(name)[0].meta
    assert meta.illustrative is True
    assert meta.language == "nl"
    assert "Illustratief voorbeeld" in meta.note
    assert "Kamerstuk 29 826, nr. 147" in meta.note
    assert "geen echt advies" in meta.note


@pytest.mark.parametrize("name", DESIGNED)
def test_example_has_the_designed_findings(name):
    assessment, framework = loaded(name)
    result = check(framework, assessment)
    assert [f.rule for f in result.consistency] == DESIGNED[name]["consistency"]
    assert assessment.value("q14", "advice") == DESIGNED[name]["advice"]


@pytest.mark.parametrize("name", COMPLETE)
def test_complete_example_is_complete_and_without_errors(name):
    assessment, framework = loaded(name)
    result = check(framework, assessment)
    assert result.completeness == []
    assert all(f.severity.value != "error" for f in result.consistency)


@pytest.mark.parametrize("name", COMPLETE)
def test_complete_example_chose_the_suggested_conclusions(name):
    assessment, framework = loaded(name)
    found = check(framework, assessment).suggestions
    assert [f"{s.question}.{s.field}" for s in found] == [r.target for r in framework.rules.suggestions]
    for suggestion in found:
        assert assessment.value(suggestion.question, suggestion.field) == suggestion.value, suggestion.rule


@pytest.mark.parametrize("name", COMPLETE)
def test_complete_example_fills_every_field(name):
    """Every field of every question, with texts of roughly the recommended length."""
    assessment, framework = loaded(name)
    # A negative advice names no conditions: the field is for «deelnemen onder voorwaarden».
    allowed_empty = {("ipcei-negatief-advies", "q14.conditions")}
    for question in framework.questions():
        for answer_field in question.fields:
            ref = f"{question.id}.{answer_field.id}"
            value = assessment.value(question.id, answer_field.id)
            if (name, ref) in allowed_empty:
                assert not value
                continue
            assert value not in (None, "", []), ref
            if answer_field.type == FieldType.TEXT and answer_field.recommended_length:
                ratio = len(value) / answer_field.recommended_length
                assert 0.4 <= ratio <= 1.2, f"{ref}: {len(value)} of {answer_field.recommended_length}"
            if answer_field.type == FieldType.SOURCES:
                assert all(source["title"] and source["date"] for source in value), ref


def test_positive_examples_carry_the_facts_of_the_letter():
    for name, (ecosystem, budget) in FACTS.items():
        meta = loaded(name)[0].meta
        assert (meta.ecosystem, meta.national_budget_eur) == (ecosystem, budget)
        assert "nl" in meta.member_states and len(meta.member_states) >= 4
        assert meta.status in (Status.TER_REVIEW, Status.VASTGESTELD)


def test_every_example_cites_the_letter_and_the_ipcei_communication():
    for name in COMPLETE:
        text = (EXAMPLES_DIR / f"{name}.yaml").read_text(encoding="utf-8")
        assert "Kamerstuk 29 826, nr. 147" in text
        assert "2021/C 528/02" in text


def test_the_draft_has_its_gaps():
    assessment, framework = loaded("ipcei-onvolledig")
    result = check(framework, assessment)
    assert assessment.meta.status == Status.CONCEPT
    assert [f.field for f in result.completeness if f.rule == "required"] == DRAFT_OPEN
    assert [(f.rule, f.field) for f in result.completeness if f.rule != "required"] == [("too-short", "q5.answer")]
    assert [f.severity.value for f in result.consistency] == ["error", "info", "info"]  # criteria: a note in verkenning
    assert {f"{s.question}.{s.field}": s.value for s in result.suggestions} == {
        # Q4 says «ja», so never «nee» (that would contradict Q4); the contradictory «geen falen aangetoond» keeps
        # it from «ja»
        "conclusion_a.government_role": "deels",
        # no «deels» for European cooperation: question 7 is still open, and a fallback never reasons from a gap
    }
    assert assessment.meta.national_budget_eur is None


# --- the content hash ---


@pytest.mark.parametrize("name", DESIGNED)
def test_content_hash_is_stable(name, tmp_path):
    path = EXAMPLES_DIR / f"{name}.yaml"
    assessment, _ = load_assessment(path)
    digest = assessment.content_hash()
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert load_assessment(path)[0].content_hash() == digest
    assert assessment_from_bytes(path.read_bytes(), path.name)[0].content_hash() == digest
    as_json = tmp_path / f"{name}.json"
    as_json.write_text(json.dumps(assessment.model_dump(mode="json"), indent=4, sort_keys=True), encoding="utf-8")
    assert load_assessment(as_json)[0].content_hash() == digest
    as_yaml = tmp_path / f"{name}.yaml"
    as_yaml.write_text(dump_yaml(assessment.model_dump(mode="json")), encoding="utf-8")
    assert load_assessment(as_yaml)[0].content_hash() == digest
    changed = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"author": "Iemand anders"})})
    assert changed.content_hash() != digest


def test_content_hashes_differ_between_examples():
    digests = {loaded(name)[0].content_hash() for name in DESIGNED}
    assert len(digests) == len(DESIGNED)
