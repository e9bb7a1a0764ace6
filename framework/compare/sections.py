"""The sections of a comparison beside the questions: the key figures and the evidence register.

:func:`figure_rows` gives the key figures (format /2, ``framework.keyfigures``) where one of the assessments
gives them. :func:`register_rows` gives the section «Onderbouwing (register)»: one row per register id across
the assessments (the union, in the first one's order), the entry as text (kind, status, title, reference, date,
what it supports) in each assessment that has it. A row is the same when every assessment has the entry with
equal content, else it differs; :func:`presence` says which assessments lack it («alleen in A»).
:func:`cited_row` gives, per question, the ids its answers cite, placed beside the verdict.

Nothing here renders; user text stays as written (the page, PDF and CSV escape it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from framework.compare.rows import Cell, Row, cell, merged_order, normalised, row
from framework.i18n import t

if TYPE_CHECKING:
    from framework.compare.sides import Subject
    from framework.evidence import EvidenceEntry

FIGURES = "key_figures"  # the question id of the key-figure rows
REGISTER = "evidence"  # the question id of the register rows (the field id is the entry's id)
CITED = "cited"  # the field id of a question's row of cited ids
REGISTER_KIND, CITED_KIND = "evidence", "citations"


def figure_rows(subjects: Sequence[Subject], lang: str) -> list[Row]:
    """The key figures (format /2, ``framework.keyfigures``), only where one of the assessments gives them."""
    from framework import keyfigures

    given = [s.assessment.key_figures.model_dump() if s.assessment.key_figures else {} for s in subjects]
    rows = []
    for name in keyfigures.NAMES:
        values = [g.get(name) for g in given]
        if all(v is None for v in values):
            continue
        cells = [cell(keyfigures.display(name, v, lang), v) for v in values]
        keys = [normalised(v, name) for v in values]
        rows.append(row(FIGURES, name, keyfigures.label(name, lang), FIGURES, cells, keys))
    return rows


def entry_text(entry: EvidenceEntry, lang: str) -> str:
    """An entry as one block of text: «aanname (open): title», then reference and date, then what it supports."""
    kind = t(f"evidence_kind_{entry.kind.value}", lang)
    if entry.status is not None:
        kind += f" ({t(f'evidence_status_{entry.status.value}', lang)})"
    lines = [f"{kind}: {entry.title}"]
    if where := " · ".join(part for part in (entry.reference, entry.date) if part):
        lines.append(where)
    if entry.supports:
        lines.append(f"{t('evidence_supports', lang)}: {entry.supports}")
    return "\n".join(lines)


def entry_key(entry: EvidenceEntry) -> tuple:
    """Equal for two entries that say the same (white space normalised)."""
    texts = (entry.title, entry.reference, entry.date, entry.supports)
    return (entry.kind.value, entry.status.value if entry.status else "", *(" ".join(s.split()) for s in texts))


def register_rows(subjects: Sequence[Subject], lang: str) -> list[Row]:
    """One row per register id across the assessments (see the module docstring); none without a register."""
    registers = [{e.id: e for e in s.assessment.evidence} for s in subjects]
    rows = []
    for entry_id in merged_order([list(r) for r in registers]):
        entries = [r.get(entry_id) for r in registers]
        cells = [cell(entry_text(e, lang), e) if e else cell("", None) for e in entries]  # raw: the entry itself
        keys = [entry_key(e) if e else None for e in entries]
        shown = next(e for e in entries if e is not None)
        rows.append(row(REGISTER, entry_id, f"[{entry_id}] {shown.title}", REGISTER_KIND, cells, keys))
    return rows


def presence(register_row: Row, letters: Sequence[str], lang: str) -> str:
    """«gelijk», «verschilt», or which assessments have the entry: «alleen in A», «alleen in A en C»."""
    have = [letter for letter, c in zip(letters, register_row.cells, strict=True) if not c.empty]
    if len(have) == len(letters):
        return t(f"compare_status_{register_row.status.value}", lang)
    listed = have[0] if len(have) == 1 else t("evid_and", lang, first=", ".join(have[:-1]), last=have[-1])
    return t("evid_only_in", lang, letters=listed)


def cited_ids(subject: Subject, question_id: str) -> list[str]:
    return list(subject.assessment.citations.get(question_id, []))


def cited_row(question_id: str, subjects: Sequence[Subject], present: Sequence[bool], lang: str) -> Row | None:
    """The ids a question's answers cite, per assessment; None when no assessment cites any there."""
    cited = [cited_ids(s, question_id) if here else [] for s, here in zip(subjects, present, strict=True)]
    if not any(cited):
        return None
    cells: list[Cell] = []
    for ids, here in zip(cited, present, strict=True):
        text = ", ".join(f"[{i}]" for i in ids)
        cells.append(cell(text, ids) if here else Cell(applicable=False, empty=True, raw=None, text="", preview=""))
    keys = [frozenset(ids) or None for ids, here in zip(cited, present, strict=True) if here]
    return row(question_id, CITED, t("evid_cited", lang), CITED_KIND, cells, keys)


def with_cited(rows: list[Row], cited: Row | None) -> list[Row]:
    """The question's rows with the cited ids right after its last verdict (at the end when it has none)."""
    if cited is None:
        return rows
    verdicts = [i for i, r in enumerate(rows) if r.kind in ("choice", "scale")]
    at = verdicts[-1] + 1 if verdicts else len(rows)
    return [*rows[:at], cited, *rows[at:]]


def register_counts(rows: Sequence[Row]) -> dict[str, int]:
    """Register ids the same in every assessment, different in content, and not in every assessment."""
    partial = sum(1 for r in rows if any(c.empty for c in r.cells))
    different = sum(1 for r in rows if r.differs) - partial
    return {"same": len(rows) - different - partial, "different": different, "partial": partial}
