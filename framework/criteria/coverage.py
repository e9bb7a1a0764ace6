"""How well an assessment covers the Commission's criteria, from its answers and key figures.

Per criterion (see README, «De criteria van de Commissie»):

* **covered**: every piece of evidence the criterion names is answered, and no answer contradicts it;
* **partly**: some evidence is answered, or all of it is but an answer contradicts the criterion;
* **not covered**: none of its evidence is answered.

A piece of evidence is answered when its value is not empty (the completeness rule's «empty»): a question field,
a metadata field (``meta.member_states``) or a key figure (``key_figures.cofinancing_pct``, read from the
assessment's ``key_figures`` block where it has one). A cumulative criterion (kind ``eligibility``) that is not
covered is a finding whose severity follows the phase (``not_covered_severity`` in ``criteria.yaml``).

Coverage is computed from the assessment in memory: no store call, a few dictionary look-ups per criterion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from framework import fieldtypes
from framework.assessment import Assessment, is_empty
from framework.i18n import format_date, format_eur, t
from framework.models import AnswerField, FieldType, Framework, Question, Text
from framework.rules import Finding, holds

from .model import Criteria, Criterion, criteria_for, sha_of


class Status(StrEnum):
    COVERED = "covered"
    PARTLY = "partly"
    NOT_COVERED = "not_covered"


STATUSES = (Status.COVERED, Status.PARTLY, Status.NOT_COVERED)
FINDING_PREFIX = "criterion-"  # the rule of a finding «cumulative criterion not covered»: criterion-<id>


def is_criterion_finding(finding: Finding) -> bool:
    """Whether a finding says a criterion is not covered (it is about answers not given, as completeness is)."""
    return finding.rule.startswith(FINDING_PREFIX)


@dataclass(frozen=True)
class Evidence:
    """One answer a criterion rests on: where (``q4.failures``), answered or not, its label and a short value.

    Label and value are made in the language asked for, when asked (the review page reruns often; most rows are
    never shown in both languages).
    """

    ref: str
    answered: bool
    question: str | None = None  # the question id, for a jump to it
    _label: Callable[[str], str] = field(default=str, repr=False, compare=False)
    _value: Callable[[str], str] | None = field(default=None, repr=False, compare=False)

    def label(self, lang: str) -> str:
        return self._label(lang)

    @property
    def has_value(self) -> bool:
        """Whether a short value is shown (verdicts, amounts, numbers, dates; not a free text, list or nothing)."""
        return self._value is not None

    def value(self, lang: str) -> str:
        return self._value(lang) if self._value is not None else ""

    def as_dict(self, lang: str | None) -> dict[str, Any]:
        data: dict[str, Any] = {"ref": self.ref, "answered": self.answered}
        data["label"] = self.label(lang) if lang else {"nl": self.label("nl"), "en": self.label("en")}
        if self.has_value:
            data["value"] = self.value(lang) if lang else {"nl": self.value("nl"), "en": self.value("en")}
        return data


@dataclass(frozen=True)
class CriterionCoverage:
    criterion: Criterion
    status: Status
    evidence: tuple[Evidence, ...]
    contradictions: tuple[Text, ...] = ()

    @property
    def answered(self) -> list[Evidence]:
        return [e for e in self.evidence if e.answered]

    @property
    def missing(self) -> list[Evidence]:
        return [e for e in self.evidence if not e.answered]

    def status_label(self, lang: str) -> str:
        return t(f"criteria_status_{self.status.value}", lang)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        criterion = self.criterion
        return {
            "id": criterion.id,
            "section": criterion.section,
            "point": criterion.point,
            "kind": criterion.kind.value,
            "cumulative": criterion.kind.cumulative,
            "name": criterion.name.as_data(lang),
            "status": self.status.value,
            "evidence": [e.as_dict(lang) for e in self.evidence],
            "covered_by": [e.ref for e in self.answered],
            "contradictions": [reason.as_data(lang) for reason in self.contradictions],
        }


@dataclass(frozen=True)
class Coverage:
    """The coverage of all criteria for one assessment, and the findings it gives."""

    criteria: Criteria
    sha256: str
    phase: str
    items: tuple[CriterionCoverage, ...]
    findings: tuple[Finding, ...]

    def counts(self) -> dict[str, int]:
        return {status.value: sum(1 for item in self.items if item.status is status) for status in STATUSES}

    def item(self, criterion_id: str) -> CriterionCoverage | None:
        return next((item for item in self.items if item.criterion.id == criterion_id), None)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "id": self.criteria.id,
            "version": self.criteria.version,
            "sha256": self.sha256,
            "source": self.criteria.source.reference,
            "phase": self.phase,
            "counts": self.counts(),
            "criteria": [item.as_dict(lang) for item in self.items],
        }


# --- values ----------------------------------------------------------------------------------------------


def key_figure(assessment: Assessment, name: str) -> Any:
    """A key figure of the assessment: its ``key_figures`` block may be a model or a mapping, or absent."""
    block = getattr(assessment, "key_figures", None)
    if block is None:
        return None
    if isinstance(block, dict):
        return block.get(name)
    return getattr(block, name, None)


def _both(make: Callable[[str], str]) -> Text:
    return Text(nl=make("nl"), en=make("en"))


def _key_figure_value(name: str, value: Any, lang: str) -> str:
    if name.endswith("_eur") and isinstance(value, int):
        return format_eur(value, lang)
    if name.endswith("_date"):
        try:
            return format_date(str(value), lang)
        except ValueError:
            return str(value)
    if name.endswith("_pct") and isinstance(value, int | float):
        return fieldtypes.format_number(value, lang, "%")
    return str(value)


def _fields(framework: Framework) -> dict[str, tuple[Question, AnswerField]]:
    """Every ``question.field`` of a framework, looked up once per framework object."""
    cached = _FIELDS.get(id(framework))
    if cached is not None and cached[0] is framework:
        return cached[1]
    found = {f"{q.id}.{f.id}": (q, f) for q in framework.questions() for f in q.fields}
    if len(_FIELDS) > 32:
        _FIELDS.clear()
    _FIELDS[id(framework)] = (framework, found)  # holds the framework, so its id is not reused meanwhile
    return found


_FIELDS: dict[int, tuple[Framework, dict[str, tuple[Question, AnswerField]]]] = {}
_PLAIN = (FieldType.TEXT, FieldType.LIST, FieldType.SOURCES)  # shown by their label only


def _evidence(framework: Framework, assessment: Assessment, ref: str) -> Evidence:
    owner, name = ref.split(".", 1)
    if owner == "key_figures":
        value = key_figure(assessment, name)
        answered = not is_empty(value)
        return Evidence(
            ref,
            answered,
            None,
            lambda lang: t("criteria_key_figure", lang, name=t(f"criteria_kf_{name}", lang)),
            (lambda lang: _key_figure_value(name, value, lang)) if answered else None,
        )
    if owner == "meta":
        value = getattr(assessment.meta, name, None)
        answered = not is_empty(value)
        return Evidence(
            ref,
            answered,
            None,
            lambda lang: t(f"criteria_meta_{name}", lang),
            (lambda lang: _meta_value(framework, name, value, lang)) if answered else None,
        )
    found = _fields(framework).get(ref)
    if found is None:  # pragma: no cover - references are checked at load
        return Evidence(ref, False, None, lambda lang: ref)
    question, answer_field = found
    value = assessment.value(owner, name)
    answered = not is_empty(value)
    heading = "criteria_evidence_question" if question.number.isdigit() else "criteria_evidence_conclusion"

    def shown(lang: str) -> str:
        from framework.draft import display_value

        return display_value(answer_field, value, lang)

    return Evidence(
        ref,
        answered,
        question.id,
        lambda lang: t(heading, lang, number=question.number, field=answer_field.label(lang)),
        shown if answered and answer_field.type not in _PLAIN else None,
    )


def _meta_value(framework: Framework, name: str, value: Any, lang: str) -> str:
    if name == "member_states":
        return ", ".join(framework.label("member_states", state, lang) for state in value)
    if name == "national_budget_eur":
        return format_eur(value, lang)
    if name in ("ecosystem", "phase"):
        return framework.label(f"{name}s" if name == "phase" else "ecosystems", value, lang)
    return str(value)


# --- coverage --------------------------------------------------------------------------------------------


def criterion_coverage(framework: Framework, assessment: Assessment, criterion: Criterion) -> CriterionCoverage:
    evidence = tuple(_evidence(framework, assessment, ref) for ref in criterion.evidence)
    contradictions = tuple(c.reason for c in criterion.contradicted_when if holds(c.when, assessment))
    answered = sum(1 for e in evidence if e.answered)
    if answered == 0:
        status = Status.NOT_COVERED
    elif answered == len(evidence) and not contradictions:
        status = Status.COVERED
    else:
        status = Status.PARTLY
    return CriterionCoverage(criterion, status, evidence, contradictions)


def not_covered_finding(criteria: Criteria, item: CriterionCoverage, phase: str) -> Finding:
    """The finding of a cumulative criterion that is not covered, with the severity of the phase."""
    criterion = item.criterion
    questions = tuple(dict.fromkeys(e.question for e in item.evidence if e.question))

    def message(lang: str) -> str:
        return t(
            "criteria_not_covered",
            lang,
            reference=criterion.reference(lang),
            name=criterion.name(lang),
            evidence="; ".join(e.label(lang) for e in item.evidence),
        )

    return Finding(f"{FINDING_PREFIX}{criterion.id}", criteria.severity(phase), questions, _both(message))


def compute(criteria: Criteria, framework: Framework, assessment: Assessment) -> Coverage:
    """The coverage of every criterion, and a finding for each cumulative one that is not covered."""
    phase = assessment.meta.phase
    items = tuple(criterion_coverage(framework, assessment, criterion) for criterion in criteria.criteria)
    findings = tuple(
        not_covered_finding(criteria, item, phase)
        for item in items
        if item.criterion.kind.cumulative and item.status is Status.NOT_COVERED
    )
    return Coverage(criteria, sha_of(criteria), phase, items, findings)


def coverage(framework: Framework, assessment: Assessment) -> Coverage | None:
    """The coverage of the criteria that apply to this framework (``criteria.yaml``); None where none apply."""
    criteria = criteria_for(framework)
    if criteria is None:
        return None
    return compute(criteria, framework, assessment)


def summary_lines(coverage: Coverage, lang: str) -> list[str]:
    """The short block of ``ipcei check``: the counts, then each criterion not (fully) covered, with what is missing."""
    counts = coverage.counts()
    title = t("criteria_title", lang)
    lines = [f"{title} ({coverage.criteria.id} {coverage.criteria.version}): "]
    lines[0] += t("criteria_counts", lang, total=len(coverage.items), **counts)
    for item in coverage.items:
        if item.status is Status.COVERED:
            continue
        criterion = item.criterion
        line = f"  [{item.status_label(lang)}] {criterion.reference(lang)} {criterion.name(lang)}"
        if item.missing:
            line += ": " + t("criteria_missing", lang, items="; ".join(e.label(lang) for e in item.missing))
        lines.append(line)
        lines += [f"    {t('criteria_contradicted', lang, reason=reason(lang))}" for reason in item.contradictions]
    return lines
