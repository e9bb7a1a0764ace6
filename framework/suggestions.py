"""The suggestion chain, and where the officer's concluding answers deviate from it.

The suggestion rules (``rules.suggestions`` in ``questions.yaml``) each suggest a value for one concluding field
(conclusion A, conclusion B, the advice of question 14). They are tried in the order of the file, and they form
a chain: a rule that reads the target of an earlier rule (the advice reads A and B) sees

- the officer's own value, where the officer has answered that field;
- the suggested value, where the officer has not (the suggestion then says which values it assumed).

Where the officer's own value of such an earlier target differs from its suggestion, the suggestion also gives
the other line of reasoning: what the rule says when every earlier target is taken as suggested
(:attr:`Suggestion.alternative`). So one list never says «B1: nee» and, unexplained, «deelnemen: A and B are all
yes».

A deviation (:func:`deviations`) is a concluding field the officer answered differently from its suggestion,
shown with the suggestion's reasoning and the officer's motivation (the text of that question).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from framework.assessment import Assessment, is_empty
from framework.i18n import LANGUAGES, t
from framework.models import FieldType, Framework, SuggestionRule, Text
from framework.rules import holds

MOTIVATION_EXCERPT = 300  # characters of the officer's motivation in a one-line deviation


@dataclass(frozen=True)
class Suggestion:
    """A value the rules suggest for a concluding field, with the reasoning behind it.

    ``note`` says which suggested values of earlier concluding fields the reasoning assumed (they are not filled
    in yet); ``alternative`` is the suggestion that follows from the suggested conclusions where the officer's
    own conclusions differ from them.
    """

    rule: str
    question: str
    field: str
    value: str
    reason: Text
    questions: tuple[str, ...] = ()
    note: Text | None = None
    alternative: Suggestion | None = None

    def explanation(self, lang: str) -> str:
        """The reason, and the note on assumed values where there is one."""
        return f"{self.reason(lang)} {self.note(lang)}" if self.note else self.reason(lang)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "question": self.question,
            "field": self.field,
            "value": self.value,
            "reason": self.reason.as_data(lang),
            "note": self.note.as_data(lang) if self.note is not None else None,
            "based_on": list(self.questions),
            "alternative": self.alternative.as_dict(lang) if self.alternative else None,
        }


@dataclass(frozen=True)
class Deviation:
    """A concluding field whose answer differs from its suggestion, with both sides' reasoning."""

    question: str
    field: str
    value: str  # the officer's option id
    suggested: str  # the suggested option id
    heading: Text  # "Conclusie B" / "Vraag 14"
    label: Text  # the field's label
    value_label: Text
    suggested_label: Text
    reason: Text  # why the suggestion (with its note)
    motivation: str  # the officer's text for the question, '' when not written

    def sentence(self, lang: str) -> str:
        """One line: where, what was answered, what was suggested and why, and the officer's motivation."""
        motivation = " ".join(self.motivation.split())
        if len(motivation) > MOTIVATION_EXCERPT:
            motivation = motivation[:MOTIVATION_EXCERPT].rsplit(" ", 1)[0].rstrip(",;:.") + " …"
        return t(
            "checks_deviation_sentence" if motivation else "checks_deviation_sentence_unmotivated",
            lang,
            heading=self.heading(lang),
            field=self.label(lang),
            value=self.value_label(lang),
            suggested=self.suggested_label(lang),
            reason=self.reason(lang).rstrip("."),
            motivation=motivation,
        )

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "question": self.question,
            "field": self.field,
            "value": self.value,
            "suggested": self.suggested,
            "reason": self.reason.as_data(lang),
            "motivation": self.motivation,
            "sentence": self.sentence(lang) if lang else {code: self.sentence(code) for code in LANGUAGES},
        }


# --- the chain --------------------------------------------------------------------------------------------------


def _overlay(assessment: Assessment, values: dict[str, Any]) -> Assessment:
    """The assessment with these concluding values filled in (``{"conclusion_b.only_via_ipcei": "nee"}``)."""
    if not values:
        return assessment
    answers = {question_id: dict(fields) for question_id, fields in assessment.answers.items()}
    for ref, value in values.items():
        question_id, field_id = ref.split(".", 1)
        answers.setdefault(question_id, {})[field_id] = value
    return assessment.model_copy(update={"answers": answers})


def _first(rule: SuggestionRule, assessment: Assessment) -> tuple[str, Text, tuple[str, ...], list[str]] | None:
    """The first case that holds: its value, reason, the questions it looked at and the fields it read."""
    for case in rule.cases:
        if holds(case.when, assessment):
            refs = case.when.fields()
            questions = tuple(dict.fromkeys(ref.split(".", 1)[0] for ref in refs if not ref.startswith("meta.")))
            return case.value, case.reason, questions, refs
    return None


def _choices(framework: Framework, pairs: list[tuple[str, str]], template: str) -> Text:
    """«label» = «value» for each (field, value), joined, in the catalog text ``template``, in both languages."""

    def render(lang: str) -> str:
        items = []
        for ref, value in pairs:
            label, option = _labels(framework, ref, value, lang)
            items.append(t("checks_field_value", lang, field=label, value=option))
        return t(template, lang, fields="; ".join(items))

    return Text(nl=render("nl"), en=render("en"))


def _labels(framework: Framework, ref: str, value: str, lang: str) -> tuple[str, str]:
    question_id, field_id = ref.split(".", 1)
    question = framework.question(question_id)
    answer_field = question.field(field_id) if question else None
    if answer_field is None:
        return ref, value
    option = answer_field.option(value)
    return answer_field.label(lang), option.label(lang) if option else value


def suggestions(framework: Framework, assessment: Assessment) -> list[Suggestion]:
    """Every suggestion the rules give, in the order of the rules, as a chain (see the module's docstring)."""
    own_line: dict[str, Any] = {}  # unanswered targets, filled with their suggestion
    suggested_line: dict[str, Any] = {}  # every target, taken as suggested
    found = []
    for rule in framework.rules.suggestions:
        question_id, field_id = rule.target.split(".", 1)
        primary = _first(rule, _overlay(assessment, own_line))
        other = _first(rule, _overlay(assessment, suggested_line))
        if other is not None:
            suggested_line[rule.target] = other[0]
        if primary is None:
            continue
        value, reason, questions, refs = primary
        assumed = [(ref, own_line[ref]) for ref in dict.fromkeys(refs) if ref in own_line]
        note = _choices(framework, assumed, "checks_suggestion_assumed") if assumed else None
        alternative = None
        if other is not None and other[0] != value:
            read = dict.fromkeys(ref for case in rule.cases for ref in case.when.fields())
            differing = [
                (ref, suggested_line[ref])
                for ref in read
                if ref in suggested_line and ref not in own_line and _own(assessment, ref) != suggested_line[ref]
            ]
            if differing:
                alt_note = _choices(framework, differing, "checks_suggestion_alternative")
                alternative = Suggestion(rule.id, question_id, field_id, other[0], other[1], other[2], alt_note)
        found.append(Suggestion(rule.id, question_id, field_id, value, reason, questions, note, alternative))
        if is_empty(_own(assessment, rule.target)):
            own_line[rule.target] = value
    return found


def _own(assessment: Assessment, ref: str) -> Any:
    question_id, field_id = ref.split(".", 1)
    return assessment.value(question_id, field_id)


# --- deviations ---------------------------------------------------------------------------------------------------


def _motivation(framework: Framework, assessment: Assessment, question_id: str) -> str:
    """The officer's text for a question: its ``answer`` field, else its first text field."""
    question = framework.question(question_id)
    if question is None:
        return ""
    texts = [f for f in question.fields if f.type == FieldType.TEXT]
    chosen = next((f for f in texts if f.id == "answer"), texts[0] if texts else None)
    value = assessment.value(question_id, chosen.id) if chosen else None
    return value.strip() if isinstance(value, str) else ""


def _option_text(framework: Framework, ref: str, option_id: str) -> Text:
    return Text(nl=_labels(framework, ref, option_id, "nl")[1], en=_labels(framework, ref, option_id, "en")[1])


def _heading(number: str) -> Text:
    key = "report_question" if number.isdigit() else "report_conclusion"
    return Text(nl=f"{t(key, 'nl')} {number}", en=f"{t(key, 'en')} {number}")


def deviations(framework: Framework, assessment: Assessment, found: list[Suggestion] | None = None) -> list[Deviation]:
    """The concluding fields answered otherwise than suggested, in the order of the suggestion rules.

    Args:
        framework: the framework version the assessment answers.
        assessment: the assessment.
        found: its suggestions, when already computed (else they are).
    """
    result = []
    for suggestion in suggestions(framework, assessment) if found is None else found:
        value = assessment.value(suggestion.question, suggestion.field)
        question = framework.question(suggestion.question)
        answer_field = question.field(suggestion.field) if question else None
        if is_empty(value) or value == suggestion.value or question is None or answer_field is None:
            continue
        ref = f"{suggestion.question}.{suggestion.field}"
        reason = suggestion.reason
        if suggestion.note:
            reason = Text(nl=suggestion.explanation("nl"), en=suggestion.explanation("en"))
        result.append(
            Deviation(
                question=suggestion.question,
                field=suggestion.field,
                value=str(value),
                suggested=suggestion.value,
                heading=_heading(question.number),
                label=answer_field.label,
                value_label=_option_text(framework, ref, str(value)),
                suggested_label=_option_text(framework, ref, suggestion.value),
                reason=reason,
                motivation=_motivation(framework, assessment, suggestion.question),
            )
        )
    return result


def deviation_notes(framework: Framework, assessment: Assessment, lang: str) -> dict[tuple[str, str], str]:
    """Per (question, field) answered otherwise than suggested: «differs from the suggestion X: reason»."""
    notes = {}
    for deviation in deviations(framework, assessment):
        suggested, reason = deviation.suggested_label(lang), deviation.reason(lang)
        note = t("checks_deviation_from", lang, suggested=suggested, reason=reason)
        notes[(deviation.question, deviation.field)] = note
    return notes
