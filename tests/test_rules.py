"""The rules of questions.yaml: each consistency rule fires on a case made for it and not on its negation;
suggestions (first matching case wins); completeness per question."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from framework.assessment import Assessment
from framework.loading import DEFAULT_FRAMEWORK, assessment_from_data, load_framework
from framework.models import Condition, Severity
from framework.rules import check, completeness, consistency, holds, suggestions
from framework.yamlio import read_file

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = load_framework(DEFAULT_FRAMEWORK)
RULE_IDS = [rule.id for rule in FRAMEWORK.rules.consistency]
DELETE = object()


def example(name: str) -> dict:
    data, _ = read_file(ROOT / "examples" / f"{name}.yaml")
    return data


def build(data: dict, changes: dict | None = None) -> Assessment:
    """An assessment from example data with changes: ``{"answers.q14.advice": "...", "meta.x": DELETE}``."""
    data = copy.deepcopy(data)
    for dotted, value in (changes or {}).items():
        *parents, last = dotted.split(".")
        target = data
        for part in parents:
            target = target.setdefault(part, {})
        if value is DELETE:
            target.pop(last, None)
        else:
            target[last] = value
    return assessment_from_data(data, "test", framework=FRAMEWORK)[0]


def fired(assessment: Assessment) -> list[str]:
    return [finding.rule for finding in consistency(FRAMEWORK, assessment)]


def empty_assessment() -> Assessment:
    return build(example("ipcei-micro-elektronica"), {"answers": {}})


# rule id -> (example, changes under which it fires, changes under which it stays quiet)
# The quiet case differs from the firing one in one condition of the rule, so both sides of the rule are tested.
RULE_CASES = {
    "advice-against-conclusion-a": (
        "ipcei-micro-elektronica",
        {"answers.conclusion_a.government_role": "nee"},
        {"answers.conclusion_a.government_role": "nee", "answers.q14.advice": "niet_deelnemen"},
    ),
    "advice-against-conclusion-b": (
        "ipcei-micro-elektronica",
        {"answers.conclusion_b.national_participation": "nee"},
        {"answers.conclusion_b.national_participation": "deels"},
    ),
    "advice-without-state-aid": (
        "ipcei-micro-elektronica",
        {"answers.q9.state_aid_necessary": "nee"},
        {"answers.q9.state_aid_necessary": "deels"},
    ),
    "advice-without-funding-gap": (
        "ipcei-cloud",
        {},
        {"answers.q9.funding_gap": "aannemelijk"},
    ),
    "advice-without-ipcei-category": (
        "ipcei-micro-elektronica",
        {"answers.q8.fits": "nee"},
        {"answers.q8.fits": "deels"},
    ),
    "too-few-member-states": (
        "ipcei-micro-elektronica",
        {"meta.member_states": ["nl", "de", "fr"]},
        {"meta.member_states": ["nl", "de", "fr", "it"]},
    ),
    "advice-companies-unwilling": (
        "ipcei-waterstof",
        {"answers.q12.willingness": "nee"},
        {"answers.q12.willingness": "deels"},
    ),
    "advice-drawbacks-outweigh": (
        "ipcei-waterstof",
        {"answers.q13.balance": "nadelen_groter"},
        {"answers.q13.balance": "in_evenwicht"},
    ),
    "advice-without-budget": (
        "ipcei-waterstof",
        {"meta.national_budget_eur": DELETE},
        {"meta.national_budget_eur": DELETE, "answers.q14.advice": "niet_deelnemen"},
    ),
    "conditions-missing": (
        "ipcei-cloud",
        {"answers.q14.conditions": []},
        {"answers.q14.conditions": [], "answers.q14.advice": "deelnemen"},
    ),
    "negative-advice-but-b-positive": (
        "ipcei-micro-elektronica",
        {"answers.q14.advice": "niet_deelnemen"},
        {"answers.q14.advice": "niet_deelnemen", "answers.conclusion_b.only_via_ipcei": "deels"},
    ),
    "government-role-without-failure": (
        "ipcei-micro-elektronica",
        {"answers.q4.failures": ["geen"]},
        {"answers.q4.failures": ["geen"], "answers.conclusion_a.government_role": "deels"},
    ),
    "failure-contradiction": (
        "ipcei-micro-elektronica",
        {"answers.q4.failures": ["marktfalen", "geen"]},
        {"answers.q4.failures": ["marktfalen", "transformatiefalen"]},
    ),
    "category-contradiction": (
        "ipcei-micro-elektronica",
        {"answers.q8.categories": ["rdi", "geen"]},
        {"answers.q8.categories": ["rdi", "industriele_toepassing"]},
    ),
    "paracetamol-but-active-role": (
        "ipcei-waterstof",
        {"answers.q2.severity": "paracetamol"},
        {"answers.q2.severity": "beperkt"},
    ),
    "only-ipcei-but-better-alternative": (
        "ipcei-waterstof",
        {"answers.q10.ipcei_best_instrument": "nee"},
        {"answers.q10.ipcei_best_instrument": "deels"},
    ),
    "european-cooperation-against-q6": (
        "ipcei-waterstof",
        {"answers.q6.verdict": "nee"},
        {"answers.q6.verdict": "deels"},
    ),
}

# Further ways a rule fires: the other branch of an «any», or the other value of an «in».
MORE_FIRING = [
    ("advice-against-conclusion-a", "ipcei-cloud", {"answers.conclusion_a.european_cooperation": "nee"}),
    ("advice-against-conclusion-b", "ipcei-cloud", {"answers.conclusion_b.only_via_ipcei": "nee"}),
    ("advice-without-ipcei-category", "ipcei-cloud", {"answers.q8.categories": ["geen"]}),
    ("government-role-without-failure", "ipcei-waterstof", {"answers.q4.verdict": "nee"}),
    ("failure-contradiction", "ipcei-waterstof", {"answers.q4.failures": ["transformatiefalen", "geen"]}),
    ("too-few-member-states", "ipcei-waterstof", {"meta.member_states": ["nl"]}),
    ("advice-without-state-aid", "ipcei-cloud", {"answers.q9.state_aid_necessary": "nee"}),
]


def test_every_rule_has_a_case():
    assert sorted(RULE_CASES) == sorted(RULE_IDS)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_on_its_case_and_not_on_its_negation(rule_id):
    name, firing, quiet = RULE_CASES[rule_id]
    assert rule_id in fired(build(example(name), firing))
    assert rule_id not in fired(build(example(name), quiet))


@pytest.mark.parametrize(
    ("rule_id", "name", "changes"), MORE_FIRING, ids=[f"{m[0]}-{i}" for i, m in enumerate(MORE_FIRING)]
)
def test_rule_fires_on_its_other_branches(rule_id, name, changes):
    assert rule_id in fired(build(example(name), changes))


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_finding_carries_the_rule(rule_id):
    name, firing, _ = RULE_CASES[rule_id]
    rule = next(r for r in FRAMEWORK.rules.consistency if r.id == rule_id)
    finding = next(f for f in consistency(FRAMEWORK, build(example(name), firing)) if f.rule == rule_id)
    assert (finding.severity, finding.questions, finding.message) == (rule.severity, rule.questions, rule.message)
    assert finding.as_dict("en")["message"] == rule.message.en
    assert finding.as_dict()["message"] == {"nl": rule.message.nl, "en": rule.message.en}


def test_errors_are_contradictions_of_the_advice_or_within_an_answer():
    errors = sorted(r.id for r in FRAMEWORK.rules.consistency if r.severity == Severity.ERROR)
    assert errors == [
        "advice-against-conclusion-a",
        "advice-against-conclusion-b",
        "advice-without-ipcei-category",
        "category-contradiction",
        "failure-contradiction",
    ]


def test_an_empty_assessment_has_no_consistency_findings():
    """A test on an unanswered field is false, so an unfinished assessment is not accused of what it has not said."""
    assert fired(empty_assessment()) == []


def test_all_findings_are_listed_not_only_the_first():
    changes = {
        "answers.q9.state_aid_necessary": "nee",
        "answers.q9.funding_gap": "niet_aangetoond",
        "answers.q12.willingness": "nee",
        "meta.member_states": ["nl"],
    }
    assert fired(build(example("ipcei-micro-elektronica"), changes)) == [
        "advice-without-state-aid",
        "advice-without-funding-gap",
        "too-few-member-states",
        "advice-companies-unwilling",
    ]


# --- conditions ---


@pytest.fixture(scope="module")
def micro() -> Assessment:
    return build(example("ipcei-micro-elektronica"))


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "q2.severity", "equals": "ernstig"}, True),
        ({"field": "q2.severity", "equals": "wezenlijk"}, False),
        ({"field": "q2.severity", "in": ["wezenlijk", "ernstig"]}, True),
        ({"field": "q2.severity", "not_in": ["wezenlijk", "ernstig"]}, False),
        ({"field": "q4.failures", "contains": "marktfalen"}, True),
        ({"field": "q4.failures", "contains": "geen"}, False),
        ({"field": "q5.national_priorities", "count_gte": 4}, True),
        ({"field": "q5.national_priorities", "count_lt": 4}, False),
        ({"field": "meta.member_states", "count_gte": 14}, True),
        ({"field": "meta.national_budget_eur", "equals": 230000000}, True),
        ({"field": "meta.ecosystem", "equals": "elektronica"}, True),
        ({"field": "q4.zero_option", "empty": False}, True),
        ({"field": "q4.zero_option", "empty": True}, False),
        ({"not": {"field": "q2.severity", "equals": "ernstig"}}, False),
        ({"any": [{"field": "q2.severity", "equals": "beperkt"}, {"field": "q6.verdict", "equals": "ja"}]}, True),
        ({"all": [{"field": "q2.severity", "equals": "ernstig"}, {"field": "q6.verdict", "equals": "nee"}]}, False),
    ],
)
def test_condition_operators(micro, condition, expected):
    assert holds(Condition.model_validate(condition), micro) is expected


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "q2.severity", "equals": "ernstig"},
        {"field": "q2.severity", "not_in": ["ernstig"]},
        {"field": "q4.failures", "contains": "geen"},
        {"field": "q13.benefits", "count_lt": 99},
        {"field": "q2.severity", "empty": False},
    ],
)
def test_a_test_on_an_unanswered_field_is_false(condition):
    assert holds(Condition.model_validate(condition), empty_assessment()) is False


def test_empty_true_holds_for_unanswered_blank_and_empty():
    condition = Condition.model_validate({"field": "q4.zero_option", "empty": True})
    base = example("ipcei-micro-elektronica")
    for value in (DELETE, "", "   \n", None):
        assert holds(condition, build(base, {"answers.q4.zero_option": value})) is True
    lists = Condition.model_validate({"field": "q13.benefits", "empty": True})
    assert holds(lists, build(base, {"answers.q13.benefits": []})) is True


# --- suggestions ---


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
    """Both the «nee» case (failures contain «geen») and the «ja» case hold: «nee» comes first and wins."""
    assessment = build(example("ipcei-micro-elektronica"), {"answers.q4.failures": ["marktfalen", "geen"]})
    rule = FRAMEWORK.rules.suggestions[0]
    assert [case.value for case in rule.cases if holds(case.when, assessment)] == ["nee", "ja", "deels"]
    assert suggested(assessment)["conclusion_a.government_role"] == "nee"


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
    assert "q14.advice" not in suggested(build(example("ipcei-micro-elektronica"), {"answers.conclusion_b": {}}))


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


# --- completeness ---


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
