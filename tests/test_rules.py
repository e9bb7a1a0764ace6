"""The consistency rules of questions.yaml: each rule fires on a case made for it (tests/rule_cases.py) and not on
its negation; one cause gives one finding; every finding is listed. Conditions, suggestions and completeness are
in test_rules_conditions.py, test_rules_suggestions.py and test_rules_completeness.py."""

from __future__ import annotations

import pytest
from rule_cases import B1, BUDGET, MORE_FIRING, MORE_QUIET, PHASE, RULE_CASES
from rule_support import DELETE, FRAMEWORK, build, empty_assessment, example, fired

from framework.models import Severity
from framework.rules import check, consistency

RULE_IDS = [rule.id for rule in FRAMEWORK.rules.consistency]


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
