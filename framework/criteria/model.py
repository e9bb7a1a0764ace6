"""The European Commission's criteria for an IPCEI as data: ``criteria.yaml``, beside ``questions.yaml``.

The file lists the criteria of Communication 2021/C 528/02, each with its section (and point where a public
source confirms it), a short name and text in nl and en, its kind, and the answers that give evidence for it.
It is read like the framework: the strict YAML reader, a pydantic model that refuses unknown keys, and every
problem named by file, line and criterion. Every reference is checked against the framework the criteria are
used with; an unknown question or field is an error naming the criterion.

A criteria file is versioned (``id`` and ``version``) and identified by the SHA-256 of its canonical JSON (as a
framework is, :func:`framework.store.frameworks.identity`): the advice prints both where it prints the
framework's, and ``ipcei check --json`` carries them.
"""

from __future__ import annotations

import hashlib
import json
import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from framework.errors import InputError, Problem
from framework.keyfigures import NAMES
from framework.models import META_FIELDS, Condition, Framework, Located, Severity, Text
from framework.yamlio import LineMap, dotted, line_of, read_file

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_CRITERIA = ROOT / "criteria.yaml"
FORMAT = "ipcei-criteria/1"

# The key figures an assessment may carry in its top-level ``key_figures`` block (``framework.keyfigures``);
# evidence names them as ``key_figures.<name>``.
KEY_FIGURES = NAMES

# Evidence: ``q4.failures``, ``meta.member_states`` or ``key_figures.cofinancing_pct``.
EvidenceRef = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}\.[a-z][a-z0-9_]{0,39}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CriteriaSource(Strict):
    """The Communication the criteria come from."""

    reference: Annotated[str, Field(min_length=1, max_length=300)]
    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    title: Text


class Kind(StrEnum):
    """What a criterion is in the Communication's assessment."""

    DEFINITION = "definition"  # what counts as a project (section 3.1)
    ELIGIBILITY = "eligibility"  # general cumulative criteria: all must hold (section 3.2.1)
    INDICATOR = "indicator"  # positive indicators, counted in favour (section 3.2.2)
    IMPORTANCE = "importance"  # importance of the project (section 3.2.3)
    COMPATIBILITY = "compatibility"  # compatibility of the aid (section 4)

    @property
    def cumulative(self) -> bool:
        return self is Kind.ELIGIBILITY


class Contradiction(Strict):
    """Answers that speak against a criterion: a condition as in the framework's rules, and why."""

    when: Condition
    reason: Text


class Criterion(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,49}$")]
    section: Annotated[str, Field(pattern=r"^[1-9][0-9]?(\.[1-9][0-9]?){0,3}$")]
    point: Annotated[str, Field(pattern=r"^[1-9][0-9]{0,2}(-[1-9][0-9]{0,2})?$")] | None = None
    kind: Kind
    name: Text
    text: Text
    evidence: tuple[EvidenceRef, ...] = Field(min_length=1, max_length=20)
    contradicted_when: tuple[Contradiction, ...] = ()

    @model_validator(mode="after")
    def _evidence_once(self) -> Criterion:
        seen: set[str] = set()
        for index, ref in enumerate(self.evidence):
            if ref in seen:
                raise Located(("evidence", index), f"evidence {ref!r} is named twice")
            seen.add(ref)
        return self

    def reference(self, lang: str) -> str:
        """«3.2.3, punt 23-24» / «3.2.3, point 23-24», or the section alone."""
        if self.point is None:
            return self.section
        return f"{self.section}, {'punt' if lang == 'nl' else 'point'} {self.point}"


class Criteria(Strict):
    """A versioned list of criteria for one framework (by id): ``criteria.yaml``."""

    format: Literal["ipcei-criteria/1"]
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{2,60}$")]
    version: Annotated[str, Field(pattern=r"^[0-9A-Za-z.\-]{1,20}$")]
    framework: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{2,60}$")]
    title: Text
    source: CriteriaSource
    not_covered_severity: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")], Severity] = Field(
        min_length=1
    )
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Criteria:
        seen: set[str] = set()
        for index, criterion in enumerate(self.criteria):
            if criterion.id in seen:
                raise Located(("criteria", index, "id"), f"duplicate criterion id {criterion.id!r}")
            seen.add(criterion.id)
        return self

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def severity(self, phase: str) -> Severity:
        """The severity of «cumulative criterion not covered» in this phase (a phase not listed: warning)."""
        return self.not_covered_severity.get(phase, Severity.WARNING)


def identity(criteria: Criteria) -> str:
    """The SHA-256 of the criteria's canonical JSON (a comment-only edit of the YAML is the same criteria)."""
    data = criteria.model_dump(mode="json", by_alias=True)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- references checked against a framework ---------------------------------------------------------------


def reference_problem(framework: Framework, ref: str) -> str | None:
    """Why an evidence reference does not resolve in this framework (None when it does)."""
    owner, name = ref.split(".", 1)
    if owner == "key_figures":
        return None if name in KEY_FIGURES else f"names the key figure {name!r}, which is not one of the key figures"
    if owner == "meta":
        return None if name in META_FIELDS else f"names meta.{name}, which is no metadata field evidence can name"
    question = framework.question(owner)
    if question is None:
        return f"names the question {owner!r}, which does not exist in {framework.key}"
    if question.field(name) is None:
        return f"names the field {ref!r}, which does not exist in {framework.key}"
    return None


def reference_problems(criteria: Criteria, framework: Framework, source: str, lines: LineMap) -> list[Problem]:
    """Every reference of the criteria that does not resolve in ``framework``: evidence, conditions, phases."""
    problems: list[Problem] = []

    def add(path: tuple, message: str, criterion: Criterion | None = None) -> None:
        named = f"{message} (criterion {criterion.id})" if criterion is not None else message
        problems.append(Problem(source, line_of(lines, path), dotted(path), named))

    if criteria.framework != framework.id:
        add(("framework",), f"the criteria are for {criteria.framework}, not for {framework.id}")
        return problems
    for ci, criterion in enumerate(criteria.criteria):
        for ei, ref in enumerate(criterion.evidence):
            if (message := reference_problem(framework, ref)) is not None:
                add(("criteria", ci, "evidence", ei), message, criterion)
        for xi, contradiction in enumerate(criterion.contradicted_when):
            where = ("criteria", ci, "contradicted_when", xi, "when")
            try:
                framework._check_condition(where, contradiction.when)  # the rules' own check of a condition
            except Located as exc:
                add(exc.path, str(exc), criterion)
    phases = [phase.id for phase in framework.phases]
    for phase in criteria.not_covered_severity:
        if phase not in phases:
            add(("not_covered_severity", phase), f"{phase!r} is not a phase of {framework.key}: {', '.join(phases)}")
    missing = [phase for phase in phases if phase not in criteria.not_covered_severity]
    if missing:
        add(("not_covered_severity",), f"gives no severity for the phase(s) {', '.join(missing)}")
    return problems


# --- loading ----------------------------------------------------------------------------------------------


def criteria_from_data(data: Any, source: str, lines: LineMap | None = None) -> Criteria:
    """Validate parsed criteria data (without the framework check); problems name file, line and criterion."""
    from framework.loading import _validate

    lines = lines or {}
    try:
        return _validate(Criteria, data, source, lines)
    except InputError as exc:
        raise InputError([_named(problem, data) for problem in exc.problems]) from None


def _named(problem: Problem, data: Any) -> Problem:
    """A problem at ``criteria[3].evidence[1]`` also names the criterion: ``(criterion four-member-states)``."""
    if not problem.field.startswith("criteria[") or not isinstance(data, dict):
        return problem
    try:
        index = int(problem.field.split("[", 1)[1].split("]", 1)[0])
        criterion_id = data["criteria"][index]["id"]
    except (KeyError, IndexError, TypeError, ValueError):
        return problem
    if not isinstance(criterion_id, str) or f"criterion {criterion_id}" in problem.message:
        return problem
    return Problem(problem.source, problem.line, problem.field, f"{problem.message} (criterion {criterion_id})")


def load_criteria(path: str | Path, framework: Framework) -> Criteria:
    """Read ``criteria.yaml`` (or another criteria file) and check every reference against ``framework``."""
    return _checked(str(path), _mtime(Path(path)), framework)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        raise InputError.single(str(path), "no such file") from None


@lru_cache(maxsize=8)
def _parsed(path: str, mtime_ns: int) -> tuple[Criteria, LineMap, str]:
    data, lines = read_file(path)
    criteria = criteria_from_data(data, path, lines)
    return criteria, lines, identity(criteria)


def _checked(path: str, mtime_ns: int, framework: Framework) -> Criteria:
    """The file's criteria, their references checked against ``framework`` once per file version and framework."""
    key = (path, mtime_ns, id(framework))
    known = _CHECKED.get(key)
    if known is not None and known[0] is framework:
        return known[1]
    criteria, lines, _sha = _parsed(path, mtime_ns)
    problems = reference_problems(criteria, framework, path, lines)
    if problems:
        raise InputError(problems)
    if len(_CHECKED) > 32:
        _CHECKED.clear()
    _CHECKED[key] = (framework, criteria)  # holds the framework, so its id is not reused meanwhile
    return criteria


_CHECKED: dict[tuple[str, int, int], tuple[Framework, Criteria]] = {}


def criteria_path() -> Path:
    """The criteria file the tool works with: ``IPCEI_CRITERIA``, else ``criteria.yaml`` beside ``questions.yaml``."""
    return Path(os.environ.get("IPCEI_CRITERIA") or DEFAULT_CRITERIA)


def current_identity() -> str | None:
    """The identity (content hash) of the criteria file the tool works with now; None when it cannot be read
    (the check then says why). For caches keyed by content (``framework.memo``)."""
    path = criteria_path()
    try:
        return _parsed(str(path), _mtime(path))[2]
    except InputError:
        return None


def criteria_for(framework: Framework) -> Criteria | None:
    """The criteria that apply to assessments under ``framework``; None for a framework with another id.

    Raises:
        InputError: the criteria file is missing or invalid, or names what this framework version lacks.
    """
    path = criteria_path()
    mtime = _mtime(path)
    criteria, _lines, _sha = _parsed(str(path), mtime)
    if criteria.framework != framework.id:
        return None
    return _checked(str(path), mtime, framework)


def sha_of(criteria: Criteria) -> str:
    """The SHA-256 of criteria (cached for the file's own criteria)."""
    path = criteria_path()
    try:
        cached, _lines, sha = _parsed(str(path), path.stat().st_mtime_ns)
    except (InputError, OSError):
        return identity(criteria)
    return sha if cached is criteria else identity(criteria)
