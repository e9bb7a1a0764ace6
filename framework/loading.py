"""Loading the framework and assessments from files, with every problem named by file, line and field."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from framework.assessment import Assessment, answer_model, format2_problems, meta_problems
from framework.errors import FrameworkMismatchError, InputError, Problem
from framework.i18n import t
from framework.messages import readable
from framework.models import Framework, Located
from framework.yamlio import LineMap, dotted, line_of, parse_bytes, read_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FRAMEWORK = ROOT / "questions.yaml"
FRAMEWORKS_DIR = ROOT / "frameworks"


# pydantic's error types the Dutch interface names in Dutch (robust_err_<type> in framework/texts/robust.yaml)
_DUTCH_TYPES = (
    "missing", "extra_forbidden", "string_too_long", "string_too_short", "too_long", "too_short", "literal_error",
    "int_type", "int_parsing", "string_type", "list_type", "dict_type", "greater_than_equal", "less_than_equal",
    "date_from_datetime_parsing", "date_parsing", "bool_type", "enum",
)  # fmt: skip


_NUMBER_TAGS = ("int", "float")  # pydantic's names of the members of StrictInt | StrictFloat in an error's location
_NUMBER_ERRORS = ("int_type", "int_parsing", "int_from_float", "float_type", "float_parsing", "finite_number")


def _dutch(error: dict) -> str:
    """A pydantic error in Dutch, from the catalog ('' for a type without a Dutch text)."""
    kind = error["type"]
    if kind not in _DUTCH_TYPES:
        return ""
    ctx = error.get("ctx") or {}
    names = ("max_length", "min_length", "ge", "le", "expected")
    return t(f"robust_err_{kind}", "nl", **{name: ctx.get(name, "") for name in names})


def problems_from_validation(exc: ValidationError, source: str, lines: LineMap, prefix: tuple = ()) -> list[Problem]:
    """Turn pydantic's errors into problems with the line of each field in the file."""
    problems = []
    errors = exc.errors(include_url=False)
    numbers_seen: set[tuple] = set()
    for error in errors:
        # A number that may be whole or decimal (StrictInt | StrictFloat: a percentage) fails once per member of the
        # union, tagged «int» and «float»: one problem at the field, saying what a number is (not «35000000»)
        if error["loc"] and error["loc"][-1] in _NUMBER_TAGS and error["type"] in _NUMBER_ERRORS:
            base = (*prefix, *error["loc"][:-1])
            if base in numbers_seen:
                continue
            numbers_seen.add(base)
            value = error.get("input")
            shown = f" ({value!r})" if isinstance(value, str | int | float) and len(repr(value)) <= 60 else ""
            problems.append(
                Problem(
                    source=source,
                    line=line_of(lines, base),
                    field=dotted(base),
                    message=t("newuser_err_number", "en", shown=shown),
                    nl=t("newuser_err_number", "nl", shown=shown),
                )
            )
            continue
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
            message = str(cause).removeprefix(f"{dotted(loc)}: ")  # the field is printed once, before the message
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        if (plain := readable(error)) is not None:
            message = plain
        if error["type"] == "extra_forbidden":
            message = "unknown field (not part of the format)"
        elif error["type"] == "missing":
            message = "required field is missing"
        nl = _dutch(error) if not isinstance(cause, Located) else ""
        problems.append(Problem(source=source, line=line_of(lines, loc), field=dotted(loc), message=message, nl=nl))
    return problems


def _validate(model: type[BaseModel], data: Any, source: str, lines: LineMap, prefix: tuple = ()) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, source, lines, prefix)) from None


def framework_from_data(data: Any, source: str, lines: LineMap | None = None) -> Framework:
    try:
        return _validate(Framework, data, source, lines or {})
    except InputError as exc:
        raise InputError([_named(p, data) for p in exc.problems]) from None


_INDEXED = re.compile(r"(parts|questions|fields|options|consistency|suggestions|cases)\[(\d+)\]")
_KINDS = {"parts": "part", "questions": "question", "fields": "field", "consistency": "rule", "suggestions": "rule"}


def _named(problem: Problem, data: Any) -> Problem:
    """A framework problem at ``parts[4].questions[0].fields[1].unit`` also names the ids: question q15, field ..."""
    node, names = data, []
    for step in problem.field.split("."):
        match = _INDEXED.fullmatch(step)
        key, index = (match[1], int(match[2])) if match else (step, None)
        node = node.get(key) if isinstance(node, dict) else None
        if index is not None:
            node = node[index] if isinstance(node, list) and index < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str) and key in _KINDS:
                names.append(f"{_KINDS[key]} {node['id']}")
        if node is None:
            break
    if not names:
        return problem
    return Problem(problem.source, problem.line, problem.field, f"{problem.message} ({', '.join(names)})")


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


def frameworks_dir() -> Path:
    """The folder of framework files (other versions than the current one): ``IPCEI_FRAMEWORKS_DIR``, else
    ``frameworks/`` beside ``questions.yaml``."""
    return Path(os.environ.get("IPCEI_FRAMEWORKS_DIR") or FRAMEWORKS_DIR)


def framework_files() -> list[Path]:
    """The current framework file, then every ``*.yaml`` in :func:`frameworks_dir`, in name order."""
    current = Path(os.environ.get("IPCEI_FRAMEWORK", DEFAULT_FRAMEWORK))
    folder = frameworks_dir()
    found = [current]
    if folder.is_dir():
        found += [p for p in sorted(folder.glob("*.yaml")) if p.resolve() != current.resolve()]
    return found


def version_line(path: str | Path) -> int | None:
    """The line of ``version:`` in a framework file (for a message about a version)."""
    try:
        return line_of(read_file(path)[1], ("version",))
    except (InputError, OSError):
        return None


def available_frameworks() -> list[Framework]:
    """The current framework and the other versions kept as files in :func:`frameworks_dir`.

    Raises:
        InputError: two files carry the same id and version with different content (naming the later file).
    """
    found = [default_framework()]
    seen = {found[0].key: (found[0], Path(os.environ.get("IPCEI_FRAMEWORK", DEFAULT_FRAMEWORK)))}
    for path in framework_files()[1:]:
        framework = _cached_framework(str(path), path.stat().st_mtime_ns)
        earlier = seen.get(framework.key)
        if earlier is not None and earlier[0] != framework:
            raise InputError.single(
                str(path),
                f"version {framework.version} of {framework.id} is also {earlier[1]}, with different content; "
                "give this revision a version of its own",
                line=version_line(path),
                field="version",
            )
        if earlier is None:
            seen[framework.key] = (framework, path)
            found.append(framework)
    return found


def find_framework_file(framework_id: str, version: str, extra: list[Framework] | None = None) -> Framework | None:
    """The framework with this id and version among ``extra`` and the framework files; None if none has it."""
    for candidate in [*(extra or []), *available_frameworks()]:
        if candidate.id == framework_id and candidate.version == version:
            return candidate
    return None


# Where else to look for a version no file holds: the store's copies (``framework.versions.use_store_copies``).
_FALLBACKS: list[Callable[[str, str], Framework | None]] = []


def add_fallback(lookup: Callable[[str, str], Framework | None]) -> None:
    if lookup not in _FALLBACKS:
        _FALLBACKS.append(lookup)


def find_framework(framework_id: str, version: str, extra: list[Framework] | None = None) -> Framework | None:
    """The framework with this id and version: ``extra``, the framework files, else a kept copy (see above)."""
    found = find_framework_file(framework_id, version, extra)
    for lookup in _FALLBACKS:
        if found is not None:
            break
        found = lookup(framework_id, version)
    return found


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
            f"the framework {ref.key} is not available"
            + (f" (this check uses {framework.key})" if framework else "")
            + f": version {ref.version} is neither the current framework file, nor in {frameworks_dir()}/"
            " (IPCEI_FRAMEWORKS_DIR), nor kept in the database",
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
    """'framework', 'assessment' or 'criteria', judged from the document's ``format`` key (or its shape)."""
    if isinstance(data, dict):
        fmt = str(data.get("format", ""))
        if fmt.startswith("ipcei-criteria/"):
            return "criteria"
        if fmt.startswith("ipcei-framework/") or "parts" in data:
            return "framework"
        if fmt.startswith("ipcei-assessment/") or "answers" in data or "meta" in data:
            return "assessment"
    return "unknown"


def validate_file(path: str | Path, *, framework: Framework | None = None) -> tuple[str, Any]:
    """Validate one framework, assessment or criteria file; returns its kind and the validated object.

    A criteria file (``criteria.yaml``) is checked against the current framework (:mod:`framework.criteria`).
    """
    data, lines = read_file(path)
    kind = kind_of(data)
    if kind == "criteria":
        from framework.criteria import load_criteria

        return kind, load_criteria(path, default_framework())
    if kind == "framework":
        return kind, framework_from_data(data, str(path), lines)
    if kind == "assessment":
        return kind, assessment_from_data(data, str(path), lines, framework=framework)[0]
    raise InputError.single(
        str(path),
        "neither a framework nor an assessment"
        " (no 'format: ipcei-framework/1', 'ipcei-assessment/1' or 'ipcei-assessment/2')",
    )
