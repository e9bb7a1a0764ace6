"""The suggestion rules of questions.yaml: the first matching case wins, a fallback never reasons from a gap, the
suggested advice follows the conclusions. The chain as a whole is in test_suggestions.py."""

from __future__ import annotations

import pytest
from rule_support import DELETE, FRAMEWORK, build, empty_assessment, example

from framework.assessment import Assessment
from framework.rules import check, holds
from framework.suggestions import suggestions


def suggested(assessment: Assessment) -> dict[str, str]:
    return {f"{s.question}.{s.field}": s.value for s in suggestions(FRAMEWORK, assessment)}


def test_every_suggestion_targets_a_concluding_field():
    targets = [rule.target for rule in FRAMEWORK.rules.suggestions]
    assert targets == [
        "conclusion_a.government_role",
        "conclusion_a.european_cooperation",
        "conclusion_b.only_via_ipcei",
        "conclusion_b.national_participation",
        "q14.advice",
    ]


def test_first_matching_case_wins():
    """Both the «nee» case (only a partial task and no failure shown) and the «deels» case hold: «nee» comes first."""
    changes = {"answers.q4.verdict": "deels", "answers.q4.failures": ["geen"]}
    assessment = build(example("ipcei-micro-elektronica"), changes)
    rule = FRAMEWORK.rules.suggestions[0]
    assert [case.value for case in rule.cases if holds(case.when, assessment)] == ["nee", "deels"]
    assert suggested(assessment)["conclusion_a.government_role"] == "nee"


def test_a_full_task_is_never_suggested_away():
    """Q4 «ja» with a «paracetamol» problem suggests «deels», not «nee», which would contradict Q4 (an error)."""
    assessment = build(example("ipcei-micro-elektronica"), {"answers.q2.severity": "paracetamol"})
    assert suggested(assessment)["conclusion_a.government_role"] == "deels"


def test_fallback_case_when_the_strong_case_does_not_hold():
    assessment = build(example("ipcei-micro-elektronica"), {"answers.q5.fit": "nee"})
    suggestion = check(FRAMEWORK, assessment).suggestion("conclusion_a", "government_role")
    assert suggestion.value == "deels"
    assert suggestion.rule == "suggest-government-role"
    assert suggestion.questions == ("q4", "q2", "q5")  # the questions the winning case looked at


def test_a_fallback_never_reasons_from_a_gap():
    """«deels» is suggested only when the questions its reason speaks of are answered."""
    assessment = build(example("ipcei-micro-elektronica"), {"answers.q5.fit": DELETE})
    assert check(FRAMEWORK, assessment).suggestion("conclusion_a", "government_role") is None


def test_an_unanswered_category_is_a_gap_not_a_contradiction():
    assessment = build(example("ipcei-cloud"), {"answers.q8.categories": DELETE})
    result = check(FRAMEWORK, assessment)
    assert "advice-without-ipcei-category" not in [f.rule for f in result.consistency]
    assert "q8.categories" in [f.field for f in result.completeness]


def test_no_suggestion_when_no_case_holds():
    assert suggestions(FRAMEWORK, empty_assessment()) == []
    unanswered = {"answers.conclusion_b": {}, "answers.q10": DELETE}  # B1 has no suggestion either
    assert "q14.advice" not in suggested(build(example("ipcei-micro-elektronica"), unanswered))


@pytest.mark.parametrize(
    ("changes", "advice"),
    [
        ({}, "deelnemen"),
        ({"answers.conclusion_a.european_cooperation": "deels"}, "deelnemen_onder_voorwaarden"),
        ({"answers.conclusion_b.only_via_ipcei": "nee"}, "niet_deelnemen"),
        (
            {"answers.conclusion_b.only_via_ipcei": "nee", "answers.conclusion_a.government_role": "deels"},
            "niet_deelnemen",
        ),
    ],
)
def test_suggested_advice_follows_the_conclusions(changes, advice):
    assert suggested(build(example("ipcei-micro-elektronica"), changes))["q14.advice"] == advice


def test_suggestions_give_their_reasons():
    for name in ("ipcei-micro-elektronica", "ipcei-cloud", "ipcei-negatief-advies"):
        found = suggestions(FRAMEWORK, build(example(name)))
        assert len(found) == 5
        for suggestion in found:
            assert suggestion.reason.nl.strip() and suggestion.reason.en.strip()
            assert suggestion.questions and all(FRAMEWORK.question(q) for q in suggestion.questions)
            data = suggestion.as_dict("nl")
            assert data["reason"] == suggestion.reason.nl and data["based_on"] == list(suggestion.questions)
