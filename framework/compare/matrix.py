"""The verdicts first: one matrix of every structured verdict of the compared assessments, and the key facts.

:func:`build_matrix` reads a :class:`~framework.compare.sides.Comparison` and gives one row per choice or scale
field that carries a verdict (the options of ``questions.yaml`` declare a ``leaning``: favourable, neutral or
unfavourable for participation; a framework without leanings shows every choice and scale field), with the
multiple choices that qualify them (those whose options declare a leaning too: the kinds of market failure of
question 4, the IPCEI categories of question 8), and the facts: budget, number of member states, open findings per
severity, and concluding answers that differ from the suggested conclusion. Under a question's verdicts come
the register ids its answers cite (a row of kind ``citations``), where any assessment cites some. Each cell
carries the option's leaning, so that the page's chart and the PDF colour by meaning, with the label always
printed beside it.

:func:`difference_counts` separates questions whose verdicts differ from questions that differ in wording only,
so that «n vragen verschillen» says something when every text differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from framework.compare.sections import CITED_KIND
from framework.compare.sides import Comparison, QuestionBlock, Row
from framework.i18n import format_eur, t
from framework.models import Severity

LEANINGS = ("favourable", "neutral", "unfavourable")
STRUCTURED = ("choice", "scale", "multichoice", "amount")


@dataclass(frozen=True)
class MatrixCell:
    text: str
    leaning: str = ""  # favourable | neutral | unfavourable | '' (no leaning, a fact, or not answered)


@dataclass(frozen=True)
class MatrixRow:
    key: str  # "q9.funding_gap", or "fact.budget"
    heading: str  # "Vraag 9" / "Conclusie A" / the fact's label
    label: str
    kind: str  # verdict | qualifier | fact
    cells: tuple[MatrixCell, ...]
    differs: bool


@dataclass(frozen=True)
class Matrix:
    letters: tuple[str, ...]
    rows: tuple[MatrixRow, ...]


def _options(comparison: Comparison, question_id: str, field_id: str) -> list[Any]:
    """The answer field of each subject (None where its framework lacks it)."""
    fields = []
    for subject in comparison.subjects:
        question = subject.framework.question(question_id)
        fields.append(question.field(field_id) if question else None)
    return fields


def _leaning(answer_field: Any, raw: Any) -> str:
    if answer_field is None or raw is None or isinstance(raw, list):
        return ""
    option = answer_field.option(str(raw))
    return option.leaning.value if option is not None and option.leaning is not None else ""


def _with_leanings(comparison: Comparison) -> bool:
    """Whether the compared frameworks declare leanings at all (else every choice and scale is a verdict)."""
    return any(
        option.leaning is not None
        for subject in comparison.subjects
        for question in subject.framework.questions()
        for answer_field in question.fields
        for option in answer_field.options
    )


QUALIFIER_CHARS = 34  # an option label in a qualifier cell is cut here (the whole text follows in the prose)


def short_label(label: str, limit: int = QUALIFIER_CHARS) -> str:
    """An option label for the matrix: up to its first parenthesis, cut at a word within ``limit``."""
    label = label.split(" (", 1)[0].strip()
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _cell_text(comparison: Comparison, cell: Any, answer_field: Any = None) -> str:
    if not cell.applicable:
        return t("compare_na_short", comparison.lang)
    if cell.empty:
        return "—"
    if answer_field is not None and isinstance(cell.raw, list):  # a qualifier: its options, shortened
        labels = [o.label(comparison.lang) for o in answer_field.options if o.id in set(cell.raw)]
        return "; ".join(short_label(label) for label in labels)
    return cell.text.replace("\n", ", ")


def verdict_rows(comparison: Comparison, question: QuestionBlock) -> list[MatrixRow]:
    """The verdict fields of one question and the multiple choices that qualify them."""
    leanings = _with_leanings(comparison)
    rows: list[MatrixRow] = []
    cited: MatrixRow | None = None
    for row in question.rows:
        if row.kind == CITED_KIND:  # the register ids the answers cite, shown under the verdicts
            cells = tuple(MatrixCell(_cell_text(comparison, c)) for c in row.cells)
            cited = MatrixRow(row.key, question.heading, row.label, "citations", cells, row.differs)
        if row.kind not in ("choice", "scale", "multichoice"):
            continue
        fields = _options(comparison, row.question_id, row.field_id)
        if leanings and not any(o.leaning for f in fields if f is not None for o in f.options):
            continue  # no verdict (question 1: who took the initiative) nor a qualifier of one (question 5's list)
        kind = "qualifier" if row.kind == "multichoice" else "verdict"
        cells = tuple(
            MatrixCell(
                _cell_text(comparison, cell, f if kind == "qualifier" else None),
                _leaning(f, cell.raw) if cell.applicable else "",
            )
            for cell, f in zip(row.cells, fields, strict=True)
        )
        rows.append(MatrixRow(row.key, question.heading, row.label, kind, cells, row.differs))
    if not any(r.kind == "verdict" for r in rows):
        return []  # qualifiers only where there is a verdict to qualify
    return rows + ([cited] if cited else [])


def _fact(key: str, label: str, values: list[str]) -> MatrixRow:
    return MatrixRow(f"fact.{key}", label, "", "fact", tuple(MatrixCell(v) for v in values), len(set(values)) > 1)


def fact_rows(comparison: Comparison) -> list[MatrixRow]:
    """Budget, member-state count, open findings per severity, concluding answers that depart from a suggestion."""
    from framework.rules import check

    lang = comparison.lang
    subjects = comparison.subjects
    rows = [
        _fact("budget", t("compare_meta_national_budget_eur", lang),
              [format_eur(s.assessment.meta.national_budget_eur, lang) or "—" for s in subjects]),
        _fact("member_states", t("doc_matrix_member_states", lang),
              [str(len(s.assessment.meta.member_states)) for s in subjects]),
    ]  # fmt: skip
    results = [check(s.framework, s.assessment) for s in subjects]
    for severity in Severity:
        counts = [str(sum(1 for f in r.consistency if f.severity == severity)) for r in results]
        rows.append(_fact(f"findings_{severity.value}", t(f"doc_matrix_findings_{severity.value}", lang), counts))
    rows.append(_fact("incomplete", t("doc_matrix_incomplete", lang), [str(len(r.completeness)) for r in results]))
    departures = []
    for subject, result in zip(subjects, results, strict=True):
        count = 0
        for suggestion in result.suggestions:
            given = subject.assessment.value(suggestion.question, suggestion.field)
            count += given not in (None, "") and given != suggestion.value
        departures.append(str(count))
    rows.append(_fact("departures", t("doc_matrix_departures", lang), departures))
    return rows


def build_matrix(comparison: Comparison) -> Matrix:
    """Every verdict of every question (in the framework's order), then the facts."""
    rows: list[MatrixRow] = []
    for question in comparison.questions:
        rows += verdict_rows(comparison, question)
    if comparison.subjects:
        rows += fact_rows(comparison)
    return Matrix(letters=tuple(c.letter for c in comparison.columns), rows=tuple(rows))


def _structured(row: Row) -> bool:
    return row.kind in STRUCTURED


def difference_counts(comparison: Comparison) -> dict[str, int]:
    """Questions whose verdicts differ, questions that differ in wording only, and questions that agree."""
    verdicts = wording = 0
    for question in comparison.questions:
        if any(r.differs for r in question.rows if _structured(r)):
            verdicts += 1
        elif any(r.differs for r in question.rows):
            wording += 1
    return {"verdicts": verdicts, "wording": wording, "total": len(comparison.questions)}


def filtered(comparison: Comparison, *, only: str = "", sources: bool = True) -> tuple[Any, tuple[QuestionBlock, ...]]:
    """The metadata rows and questions to show.

    Args:
        only: ``""`` everything; ``"differences"`` the rows that differ; ``"verdicts"`` the questions whose
            verdicts differ (all their rows, so the reasoning stays beside the verdict).
        sources: ``False`` leaves the sources out.
    """
    from dataclasses import replace

    meta, questions = comparison.shown(only_differences=only == "differences")
    if only == "verdicts":
        meta = tuple(r for r in comparison.meta if r.differs)
        questions = tuple(q for q in comparison.questions if any(r.differs for r in q.rows if _structured(r)))
    if not sources:
        questions = tuple(replace(q, rows=tuple(r for r in q.rows if r.kind != "sources")) for q in questions)
    return meta, questions
