"""Assessments side by side: per question and field, the value of each, and whether they agree.

:func:`build` takes two to six assessments, each with the framework version it answers, and returns a
:class:`Comparison`: the metadata rows, then every question of the frameworks (aligned by the stable question
id; the union over the frameworks, in their order), each with one :class:`Row` per answer field and one
:class:`Cell` per assessment. A question or field that an assessment's framework lacks is a cell that is not
applicable ("niet van toepassing"), never an error. Text is equal when it is equal after white space is
normalised; a multiple choice or a set of member states is equal regardless of order. A concluding answer that
differs from its suggestion carries that suggestion and its reason (:attr:`Cell.deviation`); the officer's
motivation is the text row of the same question. Where an assessment cites register entries for a question,
the ids cited sit beside the verdict (a row ``cited``), and :attr:`Comparison.register` lists the register
entries by id across the assessments (``framework.compare.sections``; cells and rows: ``framework.compare.rows``).

Revisions of one assessment are compared the same way, with two subjects; ``framework.compare.revisions``
adds a word-level diff per changed field and says which revision changed it last, by whom and when.

Nothing here renders: the page, the PDF and the CSV (``framework.compare.export``) draw what this returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from framework.assessment import Assessment, Status, is_empty
from framework.compare.rows import (  # noqa: F401 (used from here)
    NOT_APPLICABLE,
    PREVIEW_CHARS,
    PREVIEW_LINES,
    Cell,
    Row,
    RowStatus,
    merged_order,
    normalised,
    preview,
)
from framework.compare.rows import cell as make_cell
from framework.compare.rows import row as make_row
from framework.compare.sections import (
    FIGURES,  # noqa: F401 (used from here)
    cited_row,
    figure_rows,
    register_rows,
    with_cited,
)
from framework.draft import display_meta, display_value
from framework.errors import IpceiError
from framework.i18n import LANGUAGES, t
from framework.marks import mark_texts, unknown_text
from framework.models import AnswerField, FieldType, Framework, Question
from framework.suggestions import deviation_notes

MIN_SUBJECTS, MAX_SUBJECTS = 2, 6
META = "meta"
# The metadata compared, in the order shown; each is labelled by ``compare_meta_<name>``.
META_ROWS = (
    "title", "ipcei", "ecosystem", "phase", "member_states", "national_budget_eur",
    "created", "updated", "status", "author", "framework", "note",
    "coordinator", "few_member_states_reason", "reference_date", "secondary_ecosystems",  # format /2
)  # fmt: skip
VERDICT_TYPES = frozenset({FieldType.CHOICE, FieldType.SCALE})


class CompareError(IpceiError):
    """The comparison cannot be made as asked (too few or too many assessments, an unknown language)."""


@dataclass(frozen=True)
class Subject:
    """One assessment to compare, the framework version it answers, and where it came from."""

    assessment: Assessment
    framework: Framework
    ref: str = ""  # a store id or a file name
    revision: int | None = None


@dataclass(frozen=True)
class Column:
    """The heading of one assessment's column."""

    letter: str
    title: str
    ipcei: str
    ref: str
    revision: int | None
    framework_key: str
    status: str  # label in the comparison's language
    advice: str  # label of q14.advice, '' when not given

    @property
    def heading(self) -> str:
        suffix = f" (rev. {self.revision})" if self.revision is not None else ""
        return f"{self.letter}. {self.title}{suffix}"


@dataclass(frozen=True)
class QuestionBlock:
    """A question across the assessments: its fields as rows, and whether each framework has it."""

    id: str
    number: str
    heading: str  # "Vraag 4" / "Conclusie A"
    title: str
    part: str  # "A.1 Is een actieve overheidsrol nodig?"
    concluding: bool  # in the concluding part
    advice: bool  # the final advice (the last concluding question)
    footnote: str  # the question's footnote (q14: participation depends on funds and political decisions)
    present: tuple[bool, ...]
    rows: tuple[Row, ...]

    @property
    def status(self) -> RowStatus:
        if not all(self.present):
            return RowStatus.NOT_APPLICABLE
        return RowStatus.DIFFERENT if any(r.differs for r in self.rows) else RowStatus.SAME

    @property
    def differs(self) -> bool:
        return self.status != RowStatus.SAME


@dataclass(frozen=True)
class Summary:
    questions: int
    same: int
    different: int
    not_applicable: int
    fields_different: int
    meta_different: int

    def text(self, lang: str) -> str:
        """«1 van de 15 vragen verschilt, 13 zijn gelijk, 1 vraag staat niet in elke versie van het kader.»

        Every question of every version counts, a question that only one version has included.
        """

        def part(name: str, count: int) -> str:
            form = "one" if count == 1 else "other"
            return t(f"versions_summary_{name}_{form}", lang, count=count, total=self.questions)

        sentence = ", ".join(
            [part("different", self.different), part("same", self.same)]
            + ([part("na", self.not_applicable)] if self.not_applicable else [])
        )
        return sentence + "."


@dataclass(frozen=True)
class Comparison:
    lang: str
    columns: tuple[Column, ...]
    meta: tuple[Row, ...]
    questions: tuple[QuestionBlock, ...]
    frameworks: tuple[str, ...]  # the framework key of each assessment
    subjects: tuple[Subject, ...] = ()  # what was compared (the verdict matrix reads leanings and findings)
    register: tuple[Row, ...] = ()  # «Onderbouwing (register)»: one row per register id (framework.compare.sections)

    @property
    def frameworks_differ(self) -> bool:
        return len(set(self.frameworks)) > 1

    @property
    def summary(self) -> Summary:
        counts = {s: sum(1 for q in self.questions if q.status == s) for s in RowStatus}
        return Summary(
            questions=len(self.questions),
            same=counts[RowStatus.SAME],
            different=counts[RowStatus.DIFFERENT],
            not_applicable=counts[RowStatus.NOT_APPLICABLE],
            fields_different=sum(1 for q in self.questions for r in q.rows if r.differs),
            meta_different=sum(1 for r in self.meta if r.differs),
        )

    @property
    def conclusions(self) -> tuple[QuestionBlock, ...]:
        return tuple(q for q in self.questions if q.concluding)

    def question(self, question_id: str) -> QuestionBlock | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def row(self, question_id: str, field_id: str) -> Row | None:
        rows = self.meta if question_id == META else (q.rows if (q := self.question(question_id)) else ())
        return next((r for r in rows if r.field_id == field_id), None)

    def shown(self, only_differences: bool = False) -> tuple[tuple[Row, ...], tuple[QuestionBlock, ...]]:
        """The metadata rows and questions to show; with ``only_differences`` only rows that differ."""
        if not only_differences:
            return self.meta, self.questions
        blocks = []
        for q in self.questions:
            if q.differs:
                rows = tuple(r for r in q.rows if r.differs)
                blocks.append(replace(q, rows=rows))
        return tuple(r for r in self.meta if r.differs), tuple(blocks)

    def register_shown(self, only_differences: bool = False) -> tuple[Row, ...]:
        """The register rows to show; with ``only_differences`` only entries that differ or are not in all."""
        return tuple(r for r in self.register if r.differs) if only_differences else self.register

    def verdict_points(self) -> list[dict[str, Any]]:
        """The structured verdicts (choice and scale fields) per question and assessment, for a chart."""
        points = []
        order = 0
        for q in self.questions:
            for row in q.rows:
                if row.kind not in VERDICT_TYPES:
                    continue
                order += 1
                name = f"{row.status.marker()} {q.number} · {row.label}"
                for column, cell in zip(self.columns, row.cells, strict=True):
                    if not cell.applicable:
                        value = t("compare_na_short", self.lang)
                    else:
                        value = cell.text or t("compare_not_answered", self.lang)
                    points.append(
                        {
                            "order": order,
                            "key": row.key,
                            "question": q.number,
                            "field": name,
                            "status": row.status.value,
                            "assessment": column.heading,
                            "letter": column.letter,
                            "value": value,
                            "raw": "" if cell.raw is None else str(cell.raw),
                        }
                    )
        return points


# --- building -----------------------------------------------------------------------------------------------


def _marked_cell(
    assessment: Assessment, qid: str, answer_field: AnswerField, value: Any, lang: str
) -> tuple[Cell, Any]:
    """A field's cell with its format /2 marks: «onbekend» or «geen» in place of nothing, a qualifier after."""
    key = normalised(value, answer_field.type)
    if is_empty(value):
        marks = mark_texts(assessment, qid, answer_field.id, lang)
        if marks:
            return make_cell(marks[0], {"mark": marks[0]}), ("mark", marks[0])
        return make_cell("", value), key
    shown = make_cell(display_value(answer_field, value, lang), value)
    if qualifier := assessment.qualifier(qid, answer_field.id):
        text = f"{shown.text}\n{t('format_qualifier_short', lang)}: {qualifier}"
        shown = replace(shown, text=text, preview=preview(text), qualifier=qualifier)
        key = (key, qualifier)
    return shown, key


def meta_value(subject: Subject, name: str) -> Any:
    meta = subject.assessment.meta
    if name == "framework":
        return subject.assessment.framework.key
    if name == "national_budget_eur" and meta.national_budget_eur is None and meta.national_budget_unknown:
        return {"unknown": meta.national_budget_unknown}
    value = getattr(meta, name)
    return value.value if isinstance(value, Status) else value


def _meta_text(subject: Subject, name: str, value: Any, lang: str) -> str:
    if is_empty(value):
        return ""
    if name == "status":
        return t(f"status_{value}", lang)
    if name == "framework":
        ref = subject.assessment.framework
        return f"{ref.id} {ref.version}"
    if isinstance(value, dict) and "unknown" in value:
        return unknown_text(value["unknown"], lang)
    return display_meta(subject.framework, name, value, lang)


def _meta_rows(subjects: Sequence[Subject], lang: str) -> list[Row]:
    rows = []
    for name in META_ROWS:
        values = [meta_value(s, name) for s in subjects]
        cells = [make_cell(_meta_text(s, name, v, lang), v) for s, v in zip(subjects, values, strict=True)]
        keys = [normalised(v, name) for v in values]
        rows.append(make_row(META, name, t(f"compare_meta_{name}", lang), META, cells, keys))
    return rows + figure_rows(subjects, lang)


def question_heading(question: Question, lang: str) -> str:
    key = "compare_question" if question.number.isdigit() else "compare_conclusion"
    return f"{t(key, lang)} {question.number}"


def _question_block(
    qid: str, subjects: Sequence[Subject], lang: str, deviating: Sequence[dict[tuple[str, str], str]] = ()
) -> QuestionBlock:
    found = [s.framework.question(qid) for s in subjects]
    first_index = next(i for i, q in enumerate(found) if q is not None)
    question = found[first_index]
    assert question is not None
    framework = subjects[first_index].framework
    part = framework.part_of(qid)
    assert part is not None
    concluding = part is framework.parts[-1]
    fields = merged_order([f.id for f in q.fields] for q in found if q is not None)
    rows = []
    for field_id in fields:
        answer_fields: list[AnswerField | None] = [q.field(field_id) if q else None for q in found]
        defined = next(f for f in answer_fields if f is not None)
        cells, keys = [], []
        for index, (subject, answer_field) in enumerate(zip(subjects, answer_fields, strict=True)):
            if answer_field is None:
                cells.append(NOT_APPLICABLE)
                continue
            value = subject.assessment.value(qid, field_id)
            shown, key = _marked_cell(subject.assessment, qid, answer_field, value, lang)
            if deviating and (note := deviating[index].get((qid, field_id))):
                shown = replace(shown, deviation=note)
            cells.append(shown)
            keys.append(key)
        rows.append(make_row(qid, field_id, defined.label(lang), defined.type.value, cells, keys))
    present = tuple(q is not None for q in found)
    rows = with_cited(rows, cited_row(qid, subjects, present, lang))
    return QuestionBlock(
        id=qid,
        number=question.number,
        heading=question_heading(question, lang),
        title=question.title(lang),
        part=part.heading(lang),
        concluding=concluding,
        advice=concluding and part.questions[-1].id == qid,
        footnote=question.footnote(lang) if question.footnote else "",
        present=present,
        rows=tuple(rows),
    )


def _column(index: int, subject: Subject, lang: str) -> Column:
    a = subject.assessment
    advice = ""
    q14 = subject.framework.question("q14")
    if q14 is not None and (advice_field := q14.field("advice")) is not None:
        advice = display_value(advice_field, a.value("q14", "advice"), lang)
    return Column(
        letter="ABCDEF"[index],
        title=a.meta.title,
        ipcei=a.meta.ipcei,
        ref=subject.ref,
        revision=subject.revision,
        framework_key=a.framework.key,
        status=t(f"status_{a.meta.status.value}", lang),
        advice=advice,
    )


def build(subjects: Sequence[Subject | tuple[Assessment, Framework]], *, lang: str = "nl") -> Comparison:
    """Compare two to six assessments.

    Args:
        subjects: the assessments, each a :class:`Subject` or an ``(assessment, framework)`` pair.
        lang: language of labels and fixed texts (nl or en); user text stays as written.

    Raises:
        CompareError: fewer than two or more than six assessments, or an unknown language.
    """
    if lang not in LANGUAGES:
        raise CompareError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    items = [s if isinstance(s, Subject) else Subject(*s) for s in subjects]
    if not MIN_SUBJECTS <= len(items) <= MAX_SUBJECTS:
        raise CompareError(f"compare needs {MIN_SUBJECTS} to {MAX_SUBJECTS} assessments, not {len(items)}")
    order = merged_order([q.id for q in s.framework.questions()] for s in items)
    deviating = [deviation_notes(s.framework, s.assessment, lang) for s in items]
    return Comparison(
        lang=lang,
        columns=tuple(_column(i, s, lang) for i, s in enumerate(items)),
        meta=tuple(_meta_rows(items, lang)),
        questions=tuple(_question_block(qid, items, lang, deviating) for qid in order),
        frameworks=tuple(s.assessment.framework.key for s in items),
        subjects=tuple(items),
        register=tuple(register_rows(items, lang)),
    )
