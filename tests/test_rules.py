"""The rules of questions.yaml: each consistency rule fires on a case made for it and not on its negation;
suggestions (first matching case wins); completeness per question."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from framework.assessment import Assessment
from framework.loading import DEFAULT_FRAMEWORK, assessment_from_data, load_framework
from framework.models import Condition, Severity
from framework.rules import check, completeness, consistency, holds
from framework.suggestions import suggestions
from framework.yamlio import read_file

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = load_framework(DEFAULT_FRAMEWORK)
RULE_IDS = [rule.id for rule in FRAMEWORK.rules.consistency]
DELETE = object()


def example(name: str) -> dict:
    """An example's data as an answer to the current framework (whose revisions only add options)."""
    data, _ = read_file(ROOT / "examples" / f"{name}.yaml")
    data["framework"]["version"] = FRAMEWORK.version
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
# Examples: micro-elektronica (pre-notificatie, every verdict «ja», advice deelnemen), waterstof (notificatie, the
# same), cloud (pre-notificatie, B1 «deels», funding gap not shown, deelnemen onder voorwaarden), negatief-advies.
A1, A2 = "answers.conclusion_a.government_role", "answers.conclusion_a.european_cooperation"
B1, B2 = "answers.conclusion_b.only_via_ipcei", "answers.conclusion_b.national_participation"
ADVICE, BUDGET, PHASE = "answers.q14.advice", "meta.national_budget_eur", "meta.phase"
Q4 = "answers.q4.verdict"
IMPACTS = [f"answers.q11.impact_{name}" for name in ("broad_welfare", "productivity", "employment", "knowledge")]
RULE_CASES = {
    "advice-against-conclusion-a": (
        "ipcei-micro-elektronica",
        {A1: "nee"},
        {A1: "nee", ADVICE: "niet_deelnemen"},
    ),
    "advice-against-conclusion-b": (
        "ipcei-micro-elektronica",
        {B2: "nee"},
        {B2: "deels"},
    ),
    "negative-advice-but-b-positive": (
        "ipcei-micro-elektronica",
        {ADVICE: "niet_deelnemen"},
        {ADVICE: "niet_deelnemen", B1: "deels"},
    ),
    "advice-unconditional-on-partial-conclusions": (
        "ipcei-micro-elektronica",
        {A2: "deels"},
        {A2: "deels", ADVICE: "deelnemen_onder_voorwaarden"},
    ),
    "conditions-missing": (
        "ipcei-cloud",
        {"answers.q14.conditions": []},
        {"answers.q14.conditions": [], ADVICE: "deelnemen"},
    ),
    "government-role-against-q4": (
        "ipcei-micro-elektronica",
        {"answers.q4.verdict": "nee"},
        {"answers.q4.verdict": "nee", A1: "deels"},
    ),
    "government-role-denied-against-q4": (
        "ipcei-micro-elektronica",
        {A1: "nee"},
        {A1: "nee", "answers.q4.verdict": "deels"},
    ),
    "government-role-without-failure": (
        "ipcei-micro-elektronica",
        {"answers.q4.failures": ["geen"]},
        {"answers.q4.failures": ["geen"], A1: "deels"},
    ),
    "paracetamol-but-active-role": (
        "ipcei-waterstof",
        {"answers.q2.severity": "paracetamol"},
        {"answers.q2.severity": "beperkt"},
    ),
    "government-role-outside-priorities": (
        "ipcei-micro-elektronica",
        {"answers.q5.fit": "nee"},
        {"answers.q5.fit": "deels"},
    ),
    "failure-contradiction": (
        "ipcei-micro-elektronica",
        {"answers.q4.failures": ["marktfalen", "geen"]},
        {"answers.q4.failures": ["marktfalen", "transformatiefalen"]},
    ),
    "advice-against-q4": (
        "ipcei-micro-elektronica",
        {"answers.q4.verdict": "nee", A1: "deels"},
        {"answers.q4.verdict": "nee", A1: "deels", ADVICE: "niet_deelnemen"},
    ),
    "european-cooperation-against-q6": (
        "ipcei-waterstof",
        {"answers.q6.verdict": "nee"},
        {"answers.q6.verdict": "deels"},
    ),
    "european-cooperation-denied-against-q6": (
        "ipcei-micro-elektronica",
        {A2: "nee"},
        {A2: "nee", "answers.q6.verdict": "deels"},
    ),
    "european-cooperation-without-support": (
        "ipcei-micro-elektronica",
        {"answers.q7.common_interest": "nee"},
        {"answers.q7.common_interest": "deels"},
    ),
    "advice-against-q6": (
        "ipcei-micro-elektronica",
        {"answers.q6.verdict": "nee", A2: "deels"},
        {"answers.q6.verdict": "nee", A2: "deels", ADVICE: "niet_deelnemen"},
    ),
    "category-contradiction": (
        "ipcei-micro-elektronica",
        {"answers.q8.categories": ["rdi", "geen"]},
        {"answers.q8.categories": ["rdi", "industriele_toepassing"]},
    ),
    "only-ipcei-against-q8": (
        "ipcei-micro-elektronica",
        {"answers.q8.fits": "nee"},
        {"answers.q8.fits": "deels"},
    ),
    "only-ipcei-against-q9": (
        "ipcei-micro-elektronica",
        {"answers.q9.state_aid_necessary": "nee"},
        {"answers.q9.state_aid_necessary": "deels"},
    ),
    "only-ipcei-but-better-alternative": (
        "ipcei-waterstof",
        {"answers.q10.ipcei_best_instrument": "nee"},
        {"answers.q10.ipcei_best_instrument": "deels"},
    ),
    "only-ipcei-partly-fits": (
        "ipcei-micro-elektronica",
        {"answers.q8.fits": "deels"},
        {"answers.q8.fits": "deels", B1: "deels"},
    ),
    "only-ipcei-state-aid-partly": (
        "ipcei-micro-elektronica",
        {"answers.q9.state_aid_necessary": "deels"},
        {"answers.q9.state_aid_necessary": "deels", B1: "deels"},
    ),
    "only-ipcei-partly-best-instrument": (
        "ipcei-micro-elektronica",
        {"answers.q10.ipcei_best_instrument": "deels"},
        {"answers.q10.ipcei_best_instrument": "deels", B1: "deels"},
    ),
    "only-ipcei-denied-against-answers": (
        "ipcei-micro-elektronica",
        {B1: "nee"},
        {B1: "nee", "answers.q10.ipcei_best_instrument": "deels"},
    ),
    "advice-without-ipcei-category": (
        "ipcei-cloud",
        {"answers.q8.fits": "nee"},
        {"answers.q8.fits": "nee", B1: "ja"},
    ),
    "advice-without-state-aid": (
        "ipcei-cloud",
        {"answers.q9.state_aid_necessary": "nee"},
        {"answers.q9.state_aid_necessary": "nee", B1: "ja"},
    ),
    "advice-against-q10": (
        "ipcei-cloud",
        {"answers.q10.ipcei_best_instrument": "nee"},
        {"answers.q10.ipcei_best_instrument": "nee", B1: "ja"},
    ),
    "advice-without-funding-gap": (
        "ipcei-cloud",
        {},
        {"answers.q9.funding_gap": "aannemelijk"},
    ),
    "funding-gap-still-plausible": (
        "ipcei-waterstof",
        {"answers.q9.funding_gap": "aannemelijk"},
        {"answers.q9.funding_gap": "aannemelijk", PHASE: "pre_notificatie"},
    ),
    "participation-against-q12": (
        "ipcei-waterstof",
        {"answers.q12.willingness": "nee"},
        {"answers.q12.willingness": "deels"},
    ),
    "participation-against-q13": (
        "ipcei-waterstof",
        {"answers.q13.balance": "nadelen_groter"},
        {"answers.q13.balance": "in_evenwicht"},
    ),
    "participation-without-impact": (
        "ipcei-waterstof",
        dict.fromkeys(IMPACTS, "geen"),
        {**dict.fromkeys(IMPACTS, "geen"), IMPACTS[-1]: "beperkt"},
    ),
    "participation-denied-against-answers": (
        "ipcei-waterstof",
        {B2: "nee"},
        {B2: "nee", "answers.q13.balance": "in_evenwicht"},
    ),
    "advice-companies-unwilling": (
        "ipcei-waterstof",
        {"answers.q12.willingness": "nee", B2: "deels"},
        {"answers.q12.willingness": "nee", B2: "ja"},
    ),
    "advice-drawbacks-outweigh": (
        "ipcei-waterstof",
        {"answers.q13.balance": "nadelen_groter", B2: "deels"},
        {"answers.q13.balance": "nadelen_groter", B2: "ja"},
    ),
    "too-few-member-states": (
        "ipcei-micro-elektronica",
        {"meta.member_states": ["nl", "de", "fr"]},
        {"meta.member_states": ["nl", "de", "fr", "it"]},
    ),
    "few-member-states-noted": (
        "ipcei-negatief-advies",
        {},
        {"meta.member_states": ["fr", "it", "pt", "es"]},
    ),
    "advice-without-budget": (
        "ipcei-waterstof",
        {BUDGET: DELETE},
        {BUDGET: DELETE, PHASE: "pre_notificatie"},
    ),
    "advice-without-budget-early": (
        "ipcei-micro-elektronica",
        {BUDGET: DELETE},
        {BUDGET: DELETE, PHASE: "notificatie"},
    ),
    "negative-advice-with-budget": (
        "ipcei-micro-elektronica",
        {ADVICE: "niet_deelnemen"},
        {ADVICE: "niet_deelnemen", BUDGET: DELETE},
    ),
}

JUSTIFIED = "meta.few_member_states_reason"

# Further ways a rule fires: the other branch of an «any», or the other value of an «in».
MORE_FIRING = [
    ("advice-against-conclusion-a", "ipcei-cloud", {A2: "nee"}),
    ("advice-against-conclusion-b", "ipcei-cloud", {B1: "nee"}),
    ("advice-unconditional-on-partial-conclusions", "ipcei-waterstof", {B2: "deels"}),
    ("advice-without-ipcei-category", "ipcei-cloud", {"answers.q8.categories": ["geen"]}),
    ("only-ipcei-against-q8", "ipcei-waterstof", {"answers.q8.categories": ["geen"]}),
    ("failure-contradiction", "ipcei-waterstof", {"answers.q4.failures": ["transformatiefalen", "geen"]}),
    ("too-few-member-states", "ipcei-waterstof", {"meta.member_states": ["nl"]}),
    ("few-member-states-noted", "ipcei-micro-elektronica", {"meta.member_states": ["nl"], PHASE: "verkenning"}),
    # a justification for fewer than four member states (format /2) turns the warning into this info
    ("few-member-states-noted", "ipcei-micro-elektronica", {"meta.member_states": ["nl"], JUSTIFIED: "Aard project"}),
    ("european-cooperation-without-support", "ipcei-waterstof", {"answers.q7.member_state_support": "geen"}),
    ("advice-without-funding-gap", "ipcei-waterstof", {"answers.q9.funding_gap": "niet_aangetoond"}),
    ("advice-without-funding-gap", "ipcei-cloud", {B1: "ja", ADVICE: "niet_deelnemen"}),
    ("funding-gap-still-plausible", "ipcei-cloud", {"answers.q9.funding_gap": "aannemelijk", PHASE: "uitvoering"}),
    ("advice-without-budget", "ipcei-cloud", {BUDGET: DELETE, PHASE: "afgerond"}),
    ("advice-without-budget-early", "ipcei-waterstof", {BUDGET: DELETE, PHASE: "verkenning"}),
]

# Further ways a rule stays quiet, where another rule already speaks of the same cause (one cause, one finding).
MORE_QUIET = [
    ("government-role-without-failure", "ipcei-waterstof", {"answers.q4.failures": ["geen"], Q4: "nee"}),
    ("government-role-without-failure", "ipcei-micro-elektronica", {"answers.q4.failures": ["marktfalen", "geen"]}),
    ("advice-without-funding-gap", "ipcei-cloud", {"answers.q9.state_aid_necessary": "nee"}),
    ("advice-without-funding-gap", "ipcei-cloud", {ADVICE: "niet_deelnemen"}),
    ("advice-without-ipcei-category", "ipcei-cloud", {"answers.q8.categories": ["rdi", "geen"]}),
    ("only-ipcei-denied-against-answers", "ipcei-micro-elektronica", {B1: "nee", "answers.q8.categories": ["geen"]}),
    ("too-few-member-states", "ipcei-micro-elektronica", {"meta.member_states": ["nl"], PHASE: "verkenning"}),
    ("few-member-states-noted", "ipcei-micro-elektronica", {"meta.member_states": ["nl"]}),
    ("too-few-member-states", "ipcei-micro-elektronica", {"meta.member_states": ["nl"], JUSTIFIED: "Aard project"}),
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


@pytest.mark.parametrize(
    ("rule_id", "name", "changes"), MORE_QUIET, ids=[f"{m[0]}-{i}" for i, m in enumerate(MORE_QUIET)]
)
def test_rule_stays_quiet_where_another_speaks(rule_id, name, changes):
    assert rule_id not in fired(build(example(name), changes))


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_finding_carries_the_rule(rule_id):
    name, firing, _ = RULE_CASES[rule_id]
    rule = next(r for r in FRAMEWORK.rules.consistency if r.id == rule_id)
    finding = next(f for f in consistency(FRAMEWORK, build(example(name), firing)) if f.rule == rule_id)
    assert (finding.severity, finding.questions, finding.message) == (rule.severity, rule.questions, rule.message)
    assert finding.as_dict("en")["message"] == rule.message.en
    assert finding.as_dict()["message"] == {"nl": rule.message.nl, "en": rule.message.en}


def test_errors_are_contradictions_of_the_advice_or_within_an_answer():
    """Error: the advice or a conclusion says the opposite of an answer it rests on, or an answer contradicts itself."""
    errors = sorted(r.id for r in FRAMEWORK.rules.consistency if r.severity == Severity.ERROR)
    assert errors == sorted(
        [
            "advice-against-conclusion-a", "advice-against-conclusion-b", "negative-advice-but-b-positive",
            "advice-against-q4", "advice-against-q6", "advice-without-ipcei-category", "advice-without-state-aid",
            "advice-against-q10", "advice-companies-unwilling", "advice-drawbacks-outweigh",
            "government-role-against-q4", "government-role-denied-against-q4",
            "european-cooperation-against-q6", "european-cooperation-denied-against-q6",
            "only-ipcei-against-q8", "only-ipcei-against-q9", "only-ipcei-but-better-alternative",
            "only-ipcei-denied-against-answers", "participation-against-q12", "participation-against-q13",
            "participation-denied-against-answers", "failure-contradiction", "category-contradiction",
        ]
    )  # fmt: skip
    infos = sorted(r.id for r in FRAMEWORK.rules.consistency if r.severity == Severity.INFO)
    assert infos == ["advice-without-budget-early", "few-member-states-noted", "negative-advice-with-budget"]


def test_every_rule_tests_a_concluding_answer_or_contradicts_within_one():
    """A rule about a conclusion or the advice names it; only the two within-an-answer errors name one question."""
    concluding = {"conclusion_a", "conclusion_b", "q14"}
    alone = sorted(r.id for r in FRAMEWORK.rules.consistency if not concluding & set(r.questions))
    assert alone == ["category-contradiction", "failure-contradiction", "few-member-states-noted"]


@pytest.mark.parametrize(
    ("name", "changes", "expected"),
    [
        # Q9 «not necessary» with B1 «ja»: conclusion B contradicts Q9; not also the advice, not the funding gap
        ("ipcei-micro-elektronica", {"answers.q9.state_aid_necessary": "nee"}, ["only-ipcei-against-q9"]),
        # ... with B1 «deels» and no funding gap shown: the advice contradicts Q9, once
        ("ipcei-cloud", {"answers.q9.state_aid_necessary": "nee"}, ["advice-without-state-aid"]),
        # ... with B1 «nee»: the advice contradicts conclusion B, once
        ("ipcei-cloud", {"answers.q9.state_aid_necessary": "nee", B1: "nee"}, ["advice-against-conclusion-b"]),
        # Q12 unwilling with B2 «ja»: conclusion B contradicts Q12; the advice follows B and is not accused again
        ("ipcei-waterstof", {"answers.q12.willingness": "nee"}, ["participation-against-q12"]),
        # Q4 «no task» with A1 «ja»
        ("ipcei-waterstof", {"answers.q4.verdict": "nee"}, ["government-role-against-q4"]),
    ],
)
def test_one_cause_gives_one_finding(name, changes, expected):
    assert fired(build(example(name), changes)) == expected


def test_an_empty_assessment_has_no_consistency_findings():
    """A test on an unanswered field is false, so an unfinished assessment is not accused of what it has not said."""
    assert fired(empty_assessment()) == []


def test_all_findings_are_listed_not_only_the_first():
    changes = {
        "answers.q9.state_aid_necessary": "nee",
        "answers.q12.willingness": "nee",
        "answers.q5.fit": "nee",
        "meta.member_states": ["nl"],
    }
    assert fired(build(example("ipcei-micro-elektronica"), changes)) == [
        "government-role-outside-priorities",
        "only-ipcei-against-q9",
        "participation-against-q12",
        "too-few-member-states",
    ]


def test_the_phase_is_not_held_against_an_early_assessment():
    """In verkenning and pre-notificatie a plausible funding gap and no budget are no warnings; later they are."""
    early = {"answers.q9.funding_gap": "aannemelijk", BUDGET: DELETE, PHASE: "pre_notificatie"}
    result = check(FRAMEWORK, build(example("ipcei-waterstof"), early))
    assert [(f.rule, f.severity) for f in result.consistency] == [("advice-without-budget-early", Severity.INFO)]
    assert result.suggestion("conclusion_b", "only_via_ipcei").value == "ja"
    late = check(FRAMEWORK, build(example("ipcei-waterstof"), {**early, PHASE: "notificatie"}))
    assert [(f.rule, f.severity) for f in late.consistency] == [
        ("funding-gap-still-plausible", Severity.WARNING),
        ("advice-without-budget", Severity.WARNING),
    ]
    assert late.suggestion("conclusion_b", "only_via_ipcei").value == "deels"


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
