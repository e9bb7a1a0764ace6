"""Helpers of the rule tests (test_rules*.py): the examples as data, an assessment built from one with changes, the
consistency rules that fire on it."""

from __future__ import annotations

import copy
from pathlib import Path

from framework.assessment import Assessment
from framework.loading import DEFAULT_FRAMEWORK, assessment_from_data, load_framework
from framework.rules import consistency
from framework.yamlio import read_file

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = load_framework(DEFAULT_FRAMEWORK)
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
