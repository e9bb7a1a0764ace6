"""JSON Schemas of the two file formats, generated from the models (``schema/`` holds the committed copies)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import create_model

from framework.assessment import Assessment, answer_model
from framework.loading import default_framework
from framework.models import Framework

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


def assessment_schema(framework: Framework | None = None) -> dict[str, Any]:
    """The schema of an assessment file, with the answers of the given (default: current) framework."""
    framework = framework or default_framework()
    model = create_model(
        "Assessment",
        __base__=Assessment,
        answers=(answer_model(framework), ...),
    )
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:ipcei:assessment:{framework.id}:{framework.version}"
    schema["title"] = f"IPCEI assessment ({framework.key})"
    schema["description"] = (
        "An assessment answering the IPCEI afwegingskader. Generated from framework/assessment.py and "
        f"{framework.key}; do not edit, run `ipcei schema --write`."
    )
    return schema


def framework_schema() -> dict[str, Any]:
    schema = Framework.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:ipcei:framework:1"
    schema["title"] = "IPCEI weighing framework (questions.yaml)"
    schema["description"] = "Generated from framework/models.py; do not edit, run `ipcei schema --write`."
    return schema


def schemas() -> dict[str, dict[str, Any]]:
    return {"assessment": assessment_schema(), "framework": framework_schema()}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = directory / f"{name}.schema.json"
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
