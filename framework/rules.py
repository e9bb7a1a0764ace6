"""The framework's rules, evaluated on an assessment: completeness, consistency and suggested conclusions.

The rules themselves are data in ``questions.yaml``; this module only knows how to read a condition. Every
rule yields findings (or suggestions) instead of stopping at the first. The suggestion chain and the deviations
from it are in ``framework.suggestions``; :func:`check` gathers all of it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from framework import operators
from framework.assessment import Assessment, hidden_texts, is_empty
from framework.i18n import t
from framework.marks import answered
from framework.models import Condition, FieldType, Framework, Severity, Text

if TYPE_CHECKING:
    from framework.criteria import Coverage
    from framework.suggestions import Deviation, Suggestion


@dataclass(frozen=True)
class Finding:
    """Something a reviewer should see: what is missing or does not add up."""

    rule: str
    severity: Severity
    questions: tuple[str, ...]
    message: Text
    field: str | None = None

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "questions": list(self.questions),
            "field": self.field,
            "message": self.message.as_data(lang),
        }


@dataclass
class Check:
    """All that the rules say of one assessment."""

    completeness: list[Finding] = field(default_factory=list)
    consistency: list[Finding] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    coverage: Coverage | None = None  # the Commission's criteria (framework.criteria); None where none apply

    @property
    def findings(self) -> list[Finding]:
        return [*self.completeness, *self.consistency]

    def for_question(self, question_id: str) -> list[Finding]:
        return [f for f in self.findings if question_id in f.questions]

    def suggestion(self, question_id: str, field_id: str) -> Suggestion | None:
        return next((s for s in self.suggestions if (s.question, s.field) == (question_id, field_id)), None)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "complete": not self.completeness,
            "completeness": [f.as_dict(lang) for f in self.completeness],
            "consistency": [f.as_dict(lang) for f in self.consistency],
            "suggestions": [s.as_dict(lang) for s in self.suggestions],
            "deviations": [d.as_dict(lang) for d in self.deviations],
            "criteria": self.coverage.as_dict(lang) if self.coverage is not None else None,
        }


def _value(assessment: Assessment, ref: str) -> Any:
    owner, field_id = ref.split(".", 1)
    if owner == "meta":
        return getattr(assessment.meta, field_id)
    return assessment.value(owner, field_id)


def holds(condition: Condition, assessment: Assessment) -> bool:
    """Whether a condition holds; a test on an unanswered field holds only for ``empty: true``."""
    if condition.all is not None:
        return all(holds(c, assessment) for c in condition.all)
    if condition.any is not None:
        return any(holds(c, assessment) for c in condition.any)
    if condition.not_ is not None:
        return not holds(condition.not_, assessment)
    assert condition.field is not None
    value = _value(assessment, condition.field)
    if condition.empty is not None:
        return is_empty(value) == condition.empty
    if is_empty(value):
        return False
    if condition.equals is not None:
        return value == condition.equals
    if condition.in_ is not None:
        return value in condition.in_
    if condition.not_in is not None:
        return value not in condition.not_in
    if condition.contains is not None:
        return isinstance(value, list) and condition.contains in value
    compared = operators.compare(condition, value, lambda ref: _value(assessment, ref))
    if compared is not None:
        return compared
    size = len(value) if isinstance(value, list | str) else 1
    if condition.count_lt is not None:
        return size < condition.count_lt
    if condition.count_gte is not None:
        return size >= condition.count_gte
    return False  # pragma: no cover - the model allows no other form


def completeness(framework: Framework, assessment: Assessment) -> list[Finding]:
    messages = framework.rules.completeness
    findings = []
    for question in framework.questions():
        for answer_field in question.fields:
            value = assessment.value(question.id, answer_field.id)
            number = question.number
            # an explicit «onbekend» or «geen» (format /2) is an answer, not a gap
            if answer_field.required and not answered(assessment, question.id, answer_field.id):
                text = Text(
                    nl=messages.missing.nl.format(question=number, field=answer_field.label.nl),
                    en=messages.missing.en.format(question=number, field=answer_field.label.en),
                )
                findings.append(
                    Finding("required", Severity.WARNING, (question.id,), text, f"{question.id}.{answer_field.id}")
                )
            elif (
                answer_field.type == FieldType.TEXT
                and answer_field.required
                and isinstance(value, str)
                and len(value.strip()) < messages.min_text_length
            ):
                params = {
                    "question": number,
                    "length": len(value.strip()),
                    "minimum": messages.min_text_length,
                }
                text = Text(
                    nl=messages.too_short.nl.format(field=answer_field.label.nl, **params),
                    en=messages.too_short.en.format(field=answer_field.label.en, **params),
                )
                findings.append(
                    Finding("too-short", Severity.INFO, (question.id,), text, f"{question.id}.{answer_field.id}")
                )
    return findings


def consistency(framework: Framework, assessment: Assessment) -> list[Finding]:
    return [
        Finding(rule.id, rule.severity, rule.questions, rule.message)
        for rule in framework.rules.consistency
        if holds(rule.when, assessment)
    ]


def hidden_characters(assessment: Assessment) -> list[Finding]:
    """A warning for every text with invisible characters (e.g. a right-to-left override in the title).

    Such a text can read differently on screen or paper from what is stored, so a reviewer must see it.
    """
    findings = []
    for where, chars in hidden_texts(assessment):
        names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in chars)
        owner = where.split(".", 1)[0].split("[", 1)[0]
        questions = () if owner == "meta" else (owner,)
        text = Text(
            nl=t("check_hidden_characters", "nl", field=where, characters=names),
            en=t("check_hidden_characters", "en", field=where, characters=names),
        )
        findings.append(Finding("hidden-characters", Severity.WARNING, questions, text, where))
    return findings


def meta_dates(assessment: Assessment) -> list[Finding]:
    """A last-updated date before the date the assessment was created is a typing error in one of the two (a
    warning, not a refusal: stored assessments with such dates stay readable), reported at ``meta.updated``."""
    from framework.i18n import format_date

    created, updated = assessment.meta.created, assessment.meta.updated
    if updated is None or updated >= created:
        return []
    text = Text(
        **{
            lang: t(
                "check_updated_before_created",
                lang,
                created=format_date(created, lang),
                updated=format_date(updated, lang),
            )
            for lang in ("nl", "en")
        }
    )
    return [Finding("meta-updated-before-created", Severity.WARNING, (), text, "meta.updated")]


SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def check(framework: Framework, assessment: Assessment) -> Check:
    """Run every rule of the framework on the assessment: findings, the suggestion chain and its deviations, and
    the coverage of the Commission's criteria (a cumulative criterion not covered is a finding)."""
    from framework import evidence, keyfigures, state_aid
    from framework.criteria import coverage  # coverage reads conditions through holds()
    from framework.suggestions import deviations, suggestions  # the chain reads conditions through holds()

    found = suggestions(framework, assessment)
    covered = coverage(framework, assessment)
    return Check(
        completeness=completeness(framework, assessment),
        # Errors first, then warnings, then notes (stable: within a severity the order of the rules), so every list
        # of open findings (review page, wizard, ``ipcei check``, the PDF's summary) leads with what blocks.
        consistency=sorted(
            [
                *hidden_characters(assessment),
                *meta_dates(assessment),
                *consistency(framework, assessment),
                *keyfigures.findings(assessment),  # the rules on the key figures (format /2)
                *state_aid.findings(assessment),  # question 9 against itself and the key figures
                *evidence.findings(framework, assessment),
                *(covered.findings if covered is not None else ()),
            ],
            key=lambda finding: SEVERITY_ORDER.index(finding.severity),
        ),
        suggestions=found,
        deviations=deviations(framework, assessment, found),
        coverage=covered,
    )


def __getattr__(name: str) -> Any:
    """``Suggestion`` and ``suggestions`` moved to ``framework.suggestions`` (the chain); still found here."""
    if name in ("Suggestion", "suggestions"):
        from framework import suggestions as chain

        return getattr(chain, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
