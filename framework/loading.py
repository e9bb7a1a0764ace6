"""Loading the framework and assessments from files, with every problem named by file, line and field."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from framework.assessment import Assessment, answer_model, format2_problems, meta_problems
from framework.errors import FrameworkMismatchError, InputError, Problem
from framework.messages import readable
from framework.models import Framework, Located
from framework.yamlio import LineMap, dotted, line_of, parse_bytes, read_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FRAMEWORK = ROOT / "questions.yaml"
FRAMEWORKS_DIR = ROOT / "frameworks"


def problems_from_validation(exc: ValidationError, source: str, lines: LineMap, prefix: tuple = ()) -> list[Problem]:
    """Turn pydantic's errors into problems with the line of each field in the file."""
    problems = []
    errors = exc.errors(include_url=False)
    for error in errors:
        # A list whose items failed is also «too short after validation»: that follows from the item's error
        if error["type"] == "too_short" and any(
            len(other["loc"]) > len(error["loc"]) and other["loc"][: len(error["loc"])] == error["loc"]
            for other in errors
        ):
            continue
        loc = (*prefix, *error["loc"])
        # pydantic adds the name of a union member or a function validator to the location: drop those parts
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        message = error["msg"]
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, Located):
            loc = (*loc, *cause.path)
            message = str(cause)
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        if (plain := readable(error)) is not None:
            message = plain
        if error["type"] == "extra_forbidden":
            message = "unknown field (not part of the format)"
        elif error["type"] == "missing":
            message = "required field is missing"
        problems.append(Problem(source=source, line=line_of(lines, loc), field=dotted(loc), message=message))
    return problems


def _validate(model: type[BaseModel], data: Any, source: str, lines: LineMap, prefix: tuple = ()) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, source, lines, prefix)) from None


def framework_from_data(data: Any, source: str, lines: LineMap | None = None) -> Framework:
    return _validate(Framework, data, source, lines or {})


def load_framework(path: str | Path) -> Framework:
    """Read and validate a framework file such as ``questions.yaml``."""
    data, lines = read_file(path)
    return framework_from_data(data, str(path), lines)


@lru_cache(maxsize=16)
def _cached_framework(path: str, mtime_ns: int) -> Framework:
    return load_framework(path)


def default_framework() -> Framework:
    """The framework the tool works with now (``IPCEI_FRAMEWORK`` or ``questions.yaml``), read once per change."""
    path = Path(os.environ.get("IPCEI_FRAMEWORK", DEFAULT_FRAMEWORK))
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise InputError.single(str(path), "no such file") from None
    return _cached_framework(str(path), mtime)


def available_frameworks() -> list[Framework]:
    """The default framework and earlier versions kept as files in ``frameworks/``."""
    found = [default_framework()]
    if FRAMEWORKS_DIR.is_dir():
        for path in sorted(FRAMEWORKS_DIR.glob("*.yaml")):
            found.append(_cached_framework(str(path), path.stat().st_mtime_ns))
    return found


def find_framework(framework_id: str, version: str, extra: list[Framework] | None = None) -> Framework | None:
    for candidate in [*(extra or []), *available_frameworks()]:
        if candidate.id == framework_id and candidate.version == version:
            return candidate
    return None


def assessment_from_data(
    data: Any, source: str, lines: LineMap | None = None, *, framework: Framework | None = None
) -> tuple[Assessment, Framework]:
    """Validate assessment data, then its answers and lists against the framework version it names.

    Args:
        data: the parsed YAML or JSON.
        source: the file name (or other label) for error messages.
        lines: the line map of the parsed file.
        framework: the framework to check against; found from the assessment's reference when omitted.
    """
    lines = lines or {}
    assessment = _validate(Assessment, data, source, lines)
    ref = assessment.framework
    if framework is None:
        framework = find_framework(ref.id, ref.version)
    if framework is None or (framework.id, framework.version) != (ref.id, ref.version):
        raise FrameworkMismatchError.single(
            source,
            f"the framework {ref.key} is not available" + (f" (this check uses {framework.key})" if framework else ""),
            line=line_of(lines, ("framework",)),
            field="framework",
        )
    problems: list[Problem] = []
    try:
        answer_model(framework).model_validate(assessment.answers)
    except ValidationError as exc:
        problems += problems_from_validation(exc, source, lines, ("answers",))
    for path, message in [*meta_problems(framework, assessment.meta), *format2_problems(framework, assessment)]:
        problems.append(Problem(source, line_of(lines, path), dotted(path), message))
    if problems:
        raise InputError(problems)
    return assessment, framework


def load_assessment(path: str | Path, *, framework: Framework | None = None) -> tuple[Assessment, Framework]:
    data, lines = read_file(path)
    return assessment_from_data(data, str(path), lines, framework=framework)


def assessment_from_bytes(
    content: bytes, source: str, *, framework: Framework | None = None
) -> tuple[Assessment, Framework]:
    """For uploads: the same checks as a file, on bytes in memory."""
    data, lines = parse_bytes(content, source)
    return assessment_from_data(data, source, lines, framework=framework)


def kind_of(data: Any) -> str:
    """'framework' or 'assessment', judged from the document's ``format`` key (or its shape)."""
    if isinstance(data, dict):
        fmt = str(data.get("format", ""))
        if fmt.startswith("ipcei-framework/") or "parts" in data:
            return "framework"
        if fmt.startswith("ipcei-assessment/") or "answers" in data or "meta" in data:
            return "assessment"
    return "unknown"


def validate_file(path: str | Path, *, framework: Framework | None = None) -> tuple[str, Any]:
    """Validate one framework or assessment file; returns its kind and the validated object."""
    data, lines = read_file(path)
    kind = kind_of(data)
    if kind == "framework":
        return kind, framework_from_data(data, str(path), lines)
    if kind == "assessment":
        return kind, assessment_from_data(data, str(path), lines, framework=framework)[0]
    raise InputError.single(
        str(path),
        "neither a framework nor an assessment"
        " (no 'format: ipcei-framework/1', 'ipcei-assessment/1' or 'ipcei-assessment/2')",
    )
