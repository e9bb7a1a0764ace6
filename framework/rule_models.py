"""The rules of a framework as data: conditions on fields, consistency rules, suggestions and the
completeness messages (``rules:`` in ``questions.yaml``); :mod:`framework.rules` applies them and
:class:`framework.models.Framework` checks that every field they name exists."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StrictBool, StrictFloat, StrictInt, model_validator

from framework.strict import Identifier, RuleId, Strict, Text


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


FieldRef = Annotated[str, Field(pattern=r"^(meta|[a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*$")]


class FieldOperand(Strict):
    """The other side of a comparison taken from another field: ``lte: {field: q9.funding_gap_eur}``."""

    field: FieldRef


# A comparison's other side: a number, an ISO date (YYYY-MM-DD) or another field.
Operand = StrictInt | StrictFloat | Annotated[str, Field(max_length=10)] | FieldOperand


class Condition(Strict):
    """A test on one field (``q2.severity`` or ``meta.member_states``), or a combination of tests.

    Exactly one of ``all``/``any``/``not`` or ``field`` with one operator is given.
    """

    field: FieldRef | None = None
    equals: str | StrictInt | StrictBool | None = None
    in_: tuple[str, ...] | None = Field(default=None, alias="in")
    not_in: tuple[str, ...] | None = None
    contains: str | None = None  # for multichoice/list fields
    empty: StrictBool | None = None
    count_lt: StrictInt | None = None
    count_gte: StrictInt | None = None
    lt: Operand | None = None  # number, integer, amount and date fields (framework.operators)
    lte: Operand | None = None
    gt: Operand | None = None
    gte: Operand | None = None
    between: tuple[Operand, Operand] | None = None  # inclusive
    all: tuple[Condition, ...] | None = None
    any: tuple[Condition, ...] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        combos = [x for x in (self.all, self.any, self.not_) if x is not None]
        ops = [
            x
            for x in (
                self.equals,
                self.in_,
                self.not_in,
                self.contains,
                self.empty,
                self.count_lt,
                self.count_gte,
                self.lt,
                self.lte,
                self.gt,
                self.gte,
                self.between,
            )
            if x is not None
        ]
        if self.field is None:
            if len(combos) != 1 or ops:
                raise ValueError("a condition is either a field test or one of all/any/not")
        elif combos or len(ops) != 1:
            raise ValueError("a field test names exactly one operator")
        return self

    def fields(self) -> list[str]:
        refs = [self.field] if self.field else []
        for operand in (self.lt, self.lte, self.gt, self.gte, *(self.between or ())):
            if isinstance(operand, FieldOperand):
                refs.append(operand.field)
        for child in (*(self.all or ()), *(self.any or ()), *([self.not_] if self.not_ else [])):
            refs.extend(child.fields())
        return refs


class ConsistencyRule(Strict):
    id: RuleId
    severity: Severity
    questions: tuple[Identifier, ...] = Field(min_length=1)
    when: Condition
    message: Text


class SuggestionCase(Strict):
    value: Identifier
    when: Condition
    reason: Text


class SuggestionRule(Strict):
    """Suggests a value for a concluding field from the answers; the first case that holds wins."""

    id: RuleId
    target: FieldRef
    cases: tuple[SuggestionCase, ...] = Field(min_length=1)


class CompletenessMessages(Strict):
    missing: Text  # placeholders: {question}, {field}
    too_short: Text  # placeholders: {question}, {field}, {length}, {minimum}
    min_text_length: StrictInt = Field(default=40, ge=0)


class Rules(Strict):
    completeness: CompletenessMessages
    consistency: tuple[ConsistencyRule, ...] = ()
    suggestions: tuple[SuggestionRule, ...] = ()
