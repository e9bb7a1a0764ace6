"""Helpers for the comparison tests (tests/test_compare*.py): the examples, and a revised framework version."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from framework.assessment import Assessment
from framework.loading import load_assessment
from framework.models import Framework

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NAMES = ("ipcei-micro-elektronica", "ipcei-cloud", "ipcei-waterstof", "ipcei-negatief-advies", "ipcei-onvolledig")


def example(name: str) -> tuple[Assessment, Framework]:
    return load_assessment(EXAMPLES / f"{name}.yaml")


def examples(*names: str) -> list[tuple[Assessment, Framework]]:
    return [example(n) for n in names or NAMES if (EXAMPLES / f"{n}.yaml").exists()]


def revised_framework(framework: Framework, version: str = "2030-01") -> Framework:
    """A later framework version: q13 dropped, a q15 after q12, q4 without its zero option, q2 with a trend."""
    data = framework.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["version"] = version
    for part in data["parts"]:
        questions = []
        for question in part["questions"]:
            if question["id"] == "q13":
                continue
            if question["id"] == "q4":
                question["fields"] = [f for f in question["fields"] if f["id"] != "zero_option"]
            if question["id"] == "q2":
                question["fields"].append(
                    {
                        "id": "trend",
                        "type": "choice",
                        "label": {"nl": "Ontwikkeling van het probleem", "en": "Trend of the problem"},
                        "options": [
                            {"id": "groeit", "label": {"nl": "Groeit", "en": "Growing"}},
                            {"id": "stabiel", "label": {"nl": "Stabiel", "en": "Stable"}},
                        ],
                    }
                )
            questions.append(question)
            if question["id"] == "q12":
                q15 = copy.deepcopy(question)
                q15.update(id="q15", number="15", title={"nl": "Een vijftiende vraag", "en": "A fifteenth question"})
                q15.pop("text", None)
                q15["fields"] = [f for f in q15["fields"] if f["id"] == "answer"]
                questions.append(q15)
        part["questions"] = questions

    def mentions(rule: dict, *names: str) -> bool:
        text = json.dumps(rule)
        return any(f'"{name}.' in text or f'"{name}"' in text for name in names)

    rules = data["rules"]
    rules["consistency"] = [r for r in rules["consistency"] if not mentions(r, "q13", "q4.zero_option")]
    rules["suggestions"] = [r for r in rules["suggestions"] if not mentions(r, "q13")]
    for rule in rules["suggestions"]:
        rule["cases"] = [c for c in rule["cases"] if not mentions(c, "q13")]
    return Framework.model_validate(data)


def for_revised(assessment: Assessment, framework: Framework) -> Assessment:
    """The assessment moved to the revised framework: q13 and q4.zero_option gone, q15 and q2.trend answered."""
    data = assessment.model_dump(mode="json")
    data["framework"]["version"] = framework.version
    answers = data["answers"]
    answers.pop("q13", None)
    answers.get("q4", {}).pop("zero_option", None)
    answers.setdefault("q2", {})["trend"] = "groeit"
    answers["q15"] = {"answer": "Een antwoord op de vijftiende vraag."}
    return Assessment.model_validate(data)


def with_answer(assessment: Assessment, question: str, field: str, value: object) -> Assessment:
    answers = copy.deepcopy(assessment.answers)
    answers.setdefault(question, {})[field] = value
    return assessment.model_copy(update={"answers": answers})


def with_meta(assessment: Assessment, **changes: object) -> Assessment:
    return assessment.model_copy(update={"meta": assessment.meta.model_copy(update=changes)})
