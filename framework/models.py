"""The framework as data: parts, questions, answer fields, reference lists and rules.

These models describe ``questions.yaml``. They are strict: an unknown key, a duplicate id, a rule that names
a missing question or field, or a text without its translation is an error. The building blocks (``Strict``,
``Text``, ``Located``) are in :mod:`framework.strict`, the rules' models in :mod:`framework.rule_models`; both are
importable from here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, model_validator

from framework import operators
from framework.rule_models import (
    CompletenessMessages,
    Condition,
    ConsistencyRule,
    FieldOperand,
    FieldRef,
    Operand,
    Rules,
    Severity,
    SuggestionCase,
    SuggestionRule,
)
from framework.strict import LANGUAGES, Identifier, Located, RuleId, Strict, Text, slug, unique


class Correction(Strict):
    """An obvious slip in the annex, shown corrected; the original is kept here for the record."""

    original: str
    corrected: str
    note: str


class FieldType(StrEnum):
    TEXT = "text"  # free text, the "beknopt antwoord"
    CHOICE = "choice"  # one of the options
    SCALE = "scale"  # one of ordered options (low to high)
    MULTICHOICE = "multichoice"  # any of the options
    LIST = "list"  # a list of short texts
    SOURCES = "sources"  # a list of sources: title, optional reference/URL and date
    AMOUNT = "amount"  # a whole number of euros
    NUMBER = "number"  # a number with decimals, e.g. a percentage; optional min, max, step and unit
    INTEGER = "integer"  # a whole number, e.g. a count of fte; optional min, max, step and unit
    DATE = "date"  # a calendar date: ISO (YYYY-MM-DD) in the file, DD-MM-YYYY on screen and paper


class Leaning(StrEnum):
    """Which way an option points for Dutch participation (the compare chart colours by it)."""

    FAVOURABLE = "favourable"
    NEUTRAL = "neutral"
    UNFAVOURABLE = "unfavourable"


class Option(Strict):
    id: Identifier
    label: Text
    description: Text | None = None
    leaning: Leaning | None = None  # optional: for participation, neutral, or against


class AnswerField(Strict):
    """One thing a question asks to record."""

    id: Identifier
    type: FieldType
    label: Text
    help: Text | None = None
    required: StrictBool = False
    recommended_length: StrictInt | None = Field(default=None, ge=50, le=20000)
    max_length: StrictInt = Field(default=20000, ge=1, le=1_000_000)
    options: tuple[Option, ...] = ()
    max_items: StrictInt = Field(default=50, ge=1, le=500)
    # number and integer fields (min and max also for amount): the bounds, the widget's step and a unit
    min: StrictInt | StrictFloat | None = Field(default=None, allow_inf_nan=False)
    max: StrictInt | StrictFloat | None = Field(default=None, allow_inf_nan=False)
    step: StrictInt | StrictFloat | None = Field(default=None, gt=0, allow_inf_nan=False)
    unit: Annotated[str, Field(min_length=1, max_length=16)] | None = None

    @model_validator(mode="after")
    def _options_fit_type(self) -> AnswerField:
        needs = self.type in (FieldType.CHOICE, FieldType.SCALE, FieldType.MULTICHOICE)
        if needs and len(self.options) < 2:
            raise ValueError(f"a {self.type.value} field needs at least two options")
        if not needs and self.options:
            raise ValueError(f"a {self.type.value} field takes no options")
        unique([o.id for o in self.options], "option id", ("options", "{}", "id"))
        self._bounds_fit_type()
        return self

    def _bounds_fit_type(self) -> None:
        numeric = (FieldType.NUMBER, FieldType.INTEGER)
        for key in ("unit", "step", "min", "max"):
            allowed = (*numeric, FieldType.AMOUNT) if key in ("min", "max") else numeric
            if getattr(self, key) is not None and self.type not in allowed:
                kinds = " or ".join(t.value for t in allowed)
                article = "an" if self.type.value[0] in "aeiou" else "a"
                raise Located((key,), f"{key} is only for a {kinds} field, not for {article} {self.type.value} field")
        if self.type in (FieldType.INTEGER, FieldType.AMOUNT):
            for key in ("min", "max", "step"):
                if isinstance(getattr(self, key), float):
                    raise Located((key,), f"{key} of an {self.type.value} field is a whole number")
        if self.type == FieldType.AMOUNT and self.min is not None and self.min < 0:
            raise Located(("min",), "an amount is never negative")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise Located(("max",), f"max ({self.max}) is below min ({self.min})")

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class Question(Strict):
    id: Identifier
    number: Annotated[str, Field(pattern=r"^[0-9A-Z]{1,3}$")]
    title: Text
    text: Text | None = None  # the question as asked, where the annex gives more than its title
    guidance: Text | None = None
    footnote: Text | None = None
    corrections: tuple[Correction, ...] = ()
    fields: tuple[AnswerField, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_fields(self) -> Question:
        unique([f.id for f in self.fields], "field id", ("fields", "{}", "id"))
        return self

    def field(self, field_id: str) -> AnswerField | None:
        return next((f for f in self.fields if f.id == field_id), None)


class Part(Strict):
    id: Identifier
    code: Annotated[str, Field(min_length=1, max_length=12)]
    title: Text  # the part's question («Is een actieve overheidsrol nodig?») or its heading
    name: Text | None = None  # a short name besides the title («Economische veiligheid»)
    questions: tuple[Question, ...] = Field(min_length=1)

    def heading(self, lang: str, separator: str = " ") -> str:
        """«A.1 Is een actieve overheidsrol nodig?», «C Economische veiligheid: Is de keten weerbaar?»."""
        title = self.title(lang)
        if self.name is not None:
            title = f"{self.name(lang)}: {title}"
        return title if self.code == self.title.nl else f"{self.code}{separator}{title}"


class Source(Strict):
    reference: str
    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    title: Text
    section: Text


class ListEntry(Strict):
    """An entry of a reference list (ecosystems, phases, member states)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
    label: Text


# --- the framework ---------------------------------------------------------------------------------------

META_FIELDS = {
    "member_states": "list",
    "national_budget_eur": "amount",
    "ecosystem": "choice",
    "phase": "choice",
    "created": "date",
    "few_member_states_reason": "text",  # format /2: a justification turns the fewer-than-four finding into info
}


class Framework(Strict):
    """A versioned weighing framework: ``questions.yaml`` or a later revision of it."""

    format: Literal["ipcei-framework/1"]
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{2,60}$")]
    version: Annotated[str, Field(pattern=r"^[0-9A-Za-z.\-]{1,20}$")]
    title: Text
    source: Source
    introduction: Text
    corrections_note: Text | None = None
    # A revision says what changed against the version before it (our own words; shown in the upgrade plan).
    revision_note: Text | None = None
    ecosystems: tuple[ListEntry, ...] = Field(min_length=1)
    phases: tuple[ListEntry, ...] = Field(min_length=1)
    member_states: tuple[ListEntry, ...] = Field(min_length=1)
    parts: tuple[Part, ...] = Field(min_length=1)
    rules: Rules

    @model_validator(mode="after")
    def _references_resolve(self) -> Framework:
        unique([p.id for p in self.parts], "part id", ("parts", "{}", "id"))
        numbered = [(pi, qi, q) for pi, p in enumerate(self.parts) for qi, q in enumerate(p.questions)]
        for attr in ("id", "number"):
            seen: dict[str, bool] = {}
            for pi, qi, q in numbered:
                value = getattr(q, attr)
                if value in seen:
                    raise Located(("parts", pi, "questions", qi, attr), f"duplicate question {attr} {value!r}")
                seen[value] = True
        for name in ("ecosystems", "phases", "member_states"):
            unique([e.id for e in getattr(self, name)], f"{name} id", (name, "{}", "id"))
        for ri, rule in enumerate(self.rules.consistency):
            where = ("rules", "consistency", ri)
            for qi, qid in enumerate(rule.questions):
                if self.question(qid) is None:
                    raise Located((*where, "questions", qi), f"names the question {qid!r}, which does not exist")
            self._check_condition((*where, "when"), rule.when)
        unique([r.id for r in self.rules.consistency], "rule id", ("rules", "consistency", "{}", "id"))
        unique([r.id for r in self.rules.suggestions], "rule id", ("rules", "suggestions", "{}", "id"))
        for ri, rule in enumerate(self.rules.suggestions):
            where = ("rules", "suggestions", ri)
            target = self._resolve((*where, "target"), rule.target)
            for ci, case in enumerate(rule.cases):
                if target is not None and target.options and target.option(case.value) is None:
                    raise Located((*where, "cases", ci, "value"), f"{case.value!r} is not an option of {rule.target}")
                self._check_condition((*where, "cases", ci, "when"), case.when)
        return self

    def _resolve(self, where: tuple, ref: str) -> AnswerField | None:
        owner, field_id = ref.split(".", 1)
        if owner == "meta":
            if field_id not in META_FIELDS:
                raise Located(where, f"names meta.{field_id}, which rules cannot test")
            return None
        question = self.question(owner)
        if question is None:
            raise Located(where, f"names the question {owner!r}, which does not exist")
        answer_field = question.field(field_id)
        if answer_field is None:
            raise Located(where, f"names the field {ref!r}, which does not exist")
        return answer_field

    def _kind(self, where: tuple, ref: str) -> str:
        """The type of the field a rule names (``meta.*`` from :data:`META_FIELDS`)."""
        answer_field = self._resolve(where, ref)
        return answer_field.type.value if answer_field is not None else META_FIELDS[ref.split(".", 1)[1]]

    def _check_condition(self, where: tuple, condition: Condition) -> None:
        if condition.field:
            answer_field = self._resolve((*where, "field"), condition.field)
            kind = self._kind((*where, "field"), condition.field)
            problem = operators.problem(condition, kind, lambda ref, at: self._kind((*where, *at), ref))
            if problem is not None:
                raise Located((*where, *problem[0]), problem[1])
            wanted = [condition.equals] if isinstance(condition.equals, str) else []
            wanted += list(condition.in_ or ()) + list(condition.not_in or ())
            wanted += [condition.contains] if condition.contains else []
            if answer_field is not None and answer_field.options:
                for value in wanted:
                    if answer_field.option(value) is None:
                        raise Located(where, f"tests {condition.field} for {value!r}, which is not an option")
            self._check_meta_values(where, condition.field, wanted)
        for key in ("all", "any"):
            for ci, child in enumerate(getattr(condition, key) or ()):
                self._check_condition((*where, key, ci), child)
        if condition.not_:
            self._check_condition((*where, "not"), condition.not_)

    def _check_meta_values(self, where: tuple, ref: str, wanted: list[Any]) -> None:
        """A test of ``meta.phase``, ``meta.ecosystem`` or ``meta.member_states`` names entries of their lists."""
        lists = {"meta.phase": "phases", "meta.ecosystem": "ecosystems", "meta.member_states": "member_states"}
        if ref not in lists:
            return
        known = {entry.id for entry in getattr(self, lists[ref])}
        for value in wanted:
            if value not in known:
                raise Located(where, f"tests {ref} for {value!r}, which is not in the framework's {lists[ref]}")

    # --- look-ups ---

    def questions(self) -> list[Question]:
        return [q for part in self.parts for q in part.questions]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions() if q.id == question_id), None)

    def part_of(self, question_id: str) -> Part | None:
        return next((p for p in self.parts if any(q.id == question_id for q in p.questions)), None)

    def label(self, list_name: str, entry_id: str, lang: str = "nl") -> str:
        entry = next((e for e in getattr(self, list_name) if e.id == entry_id), None)
        return entry.label(lang) if entry else entry_id

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"


__all__ = [
    "LANGUAGES",
    "META_FIELDS",
    "AnswerField",
    "CompletenessMessages",
    "Condition",
    "ConsistencyRule",
    "Correction",
    "FieldOperand",
    "FieldRef",
    "FieldType",
    "Framework",
    "Identifier",
    "Leaning",
    "ListEntry",
    "Located",
    "Operand",
    "Option",
    "Part",
    "Question",
    "RuleId",
    "Rules",
    "Severity",
    "Source",
    "Strict",
    "SuggestionCase",
    "SuggestionRule",
    "Text",
    "slug",
]
