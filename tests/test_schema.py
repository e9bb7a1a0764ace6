"""The committed JSON Schemas: equal to the generated ones, and they accept the examples and refuse bad files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from framework.schema import SCHEMA_DIR, assessment_schema, framework_schema, render, schemas, write_schemas
from framework.yamlio import read_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def committed(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = committed(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", ["assessment", "framework"])
def test_committed_schema_is_the_generated_one(name):
    """Run ``ipcei schema --write`` when this fails after a model change."""
    assert (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8") == render(schemas()[name])


def test_write_schemas(tmp_path):
    written = write_schemas(tmp_path)
    assert sorted(p.name for p in written) == ["assessment.schema.json", "framework.schema.json"]
    assert all(p.read_text(encoding="utf-8") == (SCHEMA_DIR / p.name).read_text(encoding="utf-8") for p in written)


def test_schemas_name_themselves():
    assert assessment_schema()["$id"] == "urn:ipcei:assessment:afwegingskader-ipcei:2022-07-r2"
    assert framework_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_validates_against_the_committed_schema(path):
    data, _ = read_file(path)
    errors = list(validator("assessment").iter_errors(data))
    assert errors == []


def test_questions_yaml_validates_against_the_framework_schema():
    data, _ = read_file(ROOT / "questions.yaml")
    assert list(validator("framework").iter_errors(data)) == []


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        (("answers", "q2", "severity"), "heel_erg", ["answers", "q2", "severity"]),
        (("answers", "q2", "ernst"), "hoog", ["answers", "q2"]),
        (("answers", "q99"), {"answer": "x"}, ["answers"]),
        (("meta", "national_budget_eur"), "010", ["meta", "national_budget_eur"]),
        (("meta", "illustrative"), "yes", ["meta", "illustrative"]),
        (("meta", "kleur"), "rood", ["meta"]),
        (("answers", "q3", "objectives"), "één doel", ["answers", "q3", "objectives"]),
        (("format",), "ipcei-assessment/9", ["format"]),
    ],
)
def test_invalid_assessment_fails_the_schema(where, value, path):
    data, _ = read_file(ROOT / "examples" / "ipcei-waterstof.yaml")
    data = copy.deepcopy(data)
    target = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    errors = list(validator("assessment").iter_errors(data))
    assert errors, f"the schema accepts {where} = {value!r}"
    assert path in error_paths(errors)


def error_paths(errors) -> list[list]:
    """The paths of the errors and of those inside them (an «anyOf» of a value or null reports at its parent)."""
    found = []
    for error in errors:
        found.append(list(error.absolute_path))
        found += error_paths(error.context or [])
    return found


def test_invalid_fixture_fails_the_schema():
    data, _ = read_file(ROOT / "tests" / "invalid" / "assessment-bad-option.yaml")
    assert not validator("assessment").is_valid(data)
