"""The conditions of the rules (framework.rules.holds): every operator, and a test on an unanswered field."""

from __future__ import annotations

import pytest
from rule_support import DELETE, build, empty_assessment, example

from framework.assessment import Assessment
from framework.models import Condition
from framework.rules import holds


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
