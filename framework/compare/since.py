"""«Wat is er veranderd sinds het vastgestelde advies»: one assessment against the signed-off advice it follows.

Built on the comparison of two assessments (:func:`framework.compare.sides.build`) and its word diff
(:func:`framework.compare.revisions.changes`): the verdicts (choice and scale fields) that changed, the key
figures and metadata that changed, the findings that are new or resolved (the framework's rules run on both),
and a word diff of every answer text that changed. The page, the advice PDF and ``ipcei compare --since`` draw
what :func:`since` returns; nothing here renders.

Further sections go in :data:`EXTRA_SECTIONS` (a function ``(base, current, lang) -> list[FigureChange]`` per
section; its heading is the catalog text ``phases_since_<name>``): the coverage of the Commission's criteria
(``framework.criteria``) is one, the evidence register (entries added, removed or changed, and the ids each
question cites) another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from framework.compare.diff import Segment, counts
from framework.compare.revisions import Change, changes
from framework.compare.sections import CITED, REGISTER, cited_row, register_rows
from framework.compare.sides import META, VERDICT_TYPES, Comparison, Subject, build
from framework.i18n import t
from framework.rules import Finding, check

# The metadata rows that count as key figures and data (the rest, such as title and dates, is bookkeeping).
FIGURE_META = ("phase", "member_states", "national_budget_eur", "ecosystem", "ipcei")
# Rows of a key_figures block (format /2), when the comparison has them: their question id.
FIGURES = "key_figures"


@dataclass(frozen=True)
class FigureChange:
    """A verdict or figure that changed: its label, what it was and what it is now (as shown)."""

    key: str
    label: str
    was: str
    now: str


@dataclass(frozen=True)
class FindingChange:
    """A finding that is new since the signed-off advice, or resolved since."""

    finding: Finding
    new: bool

    def text(self, lang: str) -> str:
        return self.finding.message(lang)


@dataclass(frozen=True)
class TextChange:
    """An answer whose text changed, with its word diff."""

    key: str
    label: str
    segments: tuple[Segment, ...]

    @property
    def counts(self) -> dict[str, int]:
        return counts(list(self.segments))


@dataclass(frozen=True)
class Since:
    """What changed in ``current`` since the signed-off ``base``, by kind."""

    lang: str
    base_title: str
    base_phase: str
    signed_on: date
    signed_by: str
    verdicts: tuple[FigureChange, ...]
    figures: tuple[FigureChange, ...]
    findings: tuple[FindingChange, ...]
    texts: tuple[TextChange, ...]
    extra: dict[str, tuple[FigureChange, ...]] = field(default_factory=dict)
    comparison: Comparison | None = None

    @property
    def empty(self) -> bool:
        return not (self.verdicts or self.figures or self.findings or self.texts or any(self.extra.values()))

    def title(self) -> str:
        return t("phases_since_title", self.lang, date=self.signed_on.strftime("%d-%m-%Y"))

    def base_line(self) -> str:
        return t(
            "phases_since_base",
            self.lang,
            title=self.base_title,
            phase=self.base_phase,
            by=self.signed_by,
            date=self.signed_on.strftime("%d-%m-%Y"),
        )

    def lines(self) -> list[str]:
        """The whole view as plain lines (the command line, and a check that page and PDF say the same)."""
        lang, empty = self.lang, t("phases_since_empty", self.lang)
        out = [self.title(), self.base_line()]
        if self.empty:
            return [*out, t("phases_since_nothing", lang)]
        for key, items in (("verdicts", self.verdicts), ("figures", self.figures), *self.extra.items()):
            if items:
                out.append(t(f"phases_since_{key}", lang))
                out += [f"  {c.label}: {c.was or empty} → {c.now or empty}" for c in items]
        if self.findings:
            out.append(t("phases_since_findings", lang))
            for f in self.findings:
                mark = t("phases_since_new_finding" if f.new else "phases_since_resolved_finding", lang)
                out.append(f"  [{mark}] {f.text(lang)}")
        if self.texts:
            out.append(t("phases_since_texts", lang))
            for c in self.texts:
                out.append(f"  {c.label} ({t('phases_since_counts', lang, **c.counts)})")
                out += [f"    - {s.text.strip()}" for s in c.segments if s.op.value == "delete" and s.text.strip()]
                out += [f"    + {s.text.strip()}" for s in c.segments if s.op.value == "insert" and s.text.strip()]
        return out


def _coverage_changes(base: Subject, current: Subject, lang: str) -> list[FigureChange]:
    """The criteria whose coverage changed (covered / partly / not covered), in the criteria's order."""
    from framework.criteria import coverage

    was, now = coverage(base.framework, base.assessment), coverage(current.framework, current.assessment)
    if was is None or now is None:
        return []
    found = []
    for item in now.items:
        before = was.item(item.criterion.id)
        if before is not None and before.status is not item.status:
            label = f"{item.criterion.section} · {item.criterion.name(lang)}"
            found.append(FigureChange(item.criterion.id, label, before.status_label(lang), item.status_label(lang)))
    return found


def _register_changes(base: Subject, current: Subject, lang: str) -> list[FigureChange]:
    """Register entries added, removed or changed (an assumption now bevestigd), then changed citations."""
    from framework.compare.sides import question_heading

    pair = [base, current]
    found = []
    for row in register_rows(pair, lang):
        if row.differs:
            was, now = (c.text.replace("\n", " · ") for c in row.cells)
            found.append(FigureChange(row.key, row.label, was, now))
    for question in current.framework.questions():
        present = [s.framework.question(question.id) is not None for s in pair]
        row = cited_row(question.id, pair, present, lang)
        if row is not None and row.differs:
            label = f"{question_heading(question, lang)} · {row.label}"
            found.append(FigureChange(row.key, label, row.cells[0].text, row.cells[1].text))
    return found


# Further sections: name -> (base, current, lang) -> changes; the heading is the catalog text phases_since_<name>.
EXTRA_SECTIONS: dict[str, Callable[[Subject, Subject, str], list[FigureChange]]] = {
    "criteria": _coverage_changes,
    "register": _register_changes,
}


def _label(change: Change, lang: str) -> str:
    if change.question is None:
        return change.row.label
    return f"{change.question.heading} · {change.row.label}"


def _figure(change: Change, lang: str) -> FigureChange:
    return FigureChange(change.row.key, _label(change, lang), change.row.cells[0].text, change.row.cells[1].text)


def _findings(base: Subject, current: Subject) -> list[FindingChange]:
    def keyed(subject: Subject) -> dict[tuple[str, str | None, tuple[str, ...]], Finding]:
        found = check(subject.framework, subject.assessment).consistency
        return {(f.rule, f.field, f.questions): f for f in found}

    before, after = keyed(base), keyed(current)
    new = [FindingChange(f, True) for k, f in after.items() if k not in before]
    gone = [FindingChange(f, False) for k, f in before.items() if k not in after]
    return new + gone


def since(base: Subject, current: Subject, *, signed_on: date, signed_by: str, lang: str = "nl", **extra: Any) -> Since:
    """What changed in ``current`` since the signed-off ``base`` (see the module docstring).

    Args:
        base: the signed-off advice (the revision that was signed off).
        current: the assessment now.
        signed_on: the day ``base`` was signed off (local date), and ``signed_by`` who signed it off.
    """
    comparison = build([base, current], lang=lang)
    verdicts, figures, texts = [], [], []
    for change in changes(comparison):
        row = change.row
        if row.question_id == REGISTER or row.field_id == CITED:
            continue  # in the section «Onderbouwing (register)» (EXTRA_SECTIONS)
        if row.question_id == META:
            if row.field_id in FIGURE_META:
                figures.append(_figure(change, lang))
        elif row.question_id == FIGURES:
            figures.append(_figure(change, lang))
        elif row.kind in {k.value for k in VERDICT_TYPES}:
            verdicts.append(_figure(change, lang))
        elif row.kind in ("text", "list"):
            texts.append(TextChange(row.key, _label(change, lang), change.segments))
        else:
            figures.append(_figure(change, lang))
    phase = base.framework.label("phases", base.assessment.meta.phase, lang) if base.assessment.meta.phase else ""
    return Since(
        lang=lang,
        base_title=base.assessment.meta.title,
        base_phase=phase,
        signed_on=signed_on,
        signed_by=signed_by,
        verdicts=tuple(verdicts),
        figures=tuple(figures),
        findings=tuple(_findings(base, current)),
        texts=tuple(texts),
        extra={name: tuple(hook(base, current, lang)) for name, hook in EXTRA_SECTIONS.items()},
        comparison=comparison,
    )
