"""Two revisions of one assessment: what changed, word by word, and who changed it last, and when.

The revisions are compared as any two assessments are (:func:`framework.compare.sides.build`); :func:`changes` adds a
word-level diff (``framework.compare.diff``) of each field that differs, :func:`attribute` walks the revisions in
between (of one assessment, or across the versions that supersede each other) to name the last one that
changed a field, and :func:`signed_off_pairs` finds each signed-off version and its successor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from framework.assessment import Assessment, Status
from framework.compare.diff import Segment, word_diff
from framework.compare.sections import CITED, REGISTER, entry_key
from framework.compare.sides import META, Comparison, QuestionBlock, Row, normalised

T = TypeVar("T")
FROZEN = frozenset({Status.VASTGESTELD, Status.GEARCHIVEERD})


@dataclass(frozen=True)
class Change:
    """A field that differs between two revisions, with a word-level diff of its shown value."""

    question: QuestionBlock | None  # None for metadata
    row: Row
    segments: tuple[Segment, ...]

    @property
    def register(self) -> str:
        """For an entry of the evidence register: ``added``, ``removed`` or ``changed``; else ''."""
        if self.row.question_id != REGISTER:
            return ""
        old, new = self.row.cells[0], self.row.cells[1]
        return "added" if old.empty else "removed" if new.empty else "changed"


def changes(comparison: Comparison) -> list[Change]:
    """Every metadata item, field and register entry that differs between the first and the second assessment.

    A register entry (``Change.register``) is added, removed or changed (an assumption whose status went from
    open to bevestigd is a change); the ids a question cites are a row of that question (field ``cited``).
    """
    found = []
    sections = [(None, comparison.meta), *((q, q.rows) for q in comparison.questions), (None, comparison.register)]
    for question, rows in sections:
        for row in rows:
            if row.differs:
                old, new = row.cells[0], row.cells[1]
                found.append(Change(question, row, tuple(word_diff(old.text, new.text))))
    return found


@dataclass(frozen=True)
class Attribution:
    """Who made the last change to a field in a range of revisions, and when."""

    number: int
    by: str
    at: Any
    revision: Any = None  # the step itself, as given to :func:`attribute`


def _raw(assessment: Assessment, key: str) -> Any:
    question_id, field_id = key.split(".", 1)
    if question_id == "key_figures":
        return getattr(assessment.key_figures, field_id, None)
    if question_id == REGISTER:
        entry = next((e for e in assessment.evidence if e.id == field_id), None)
        return entry_key(entry) if entry is not None else None
    if field_id == CITED:
        return frozenset(assessment.citations.get(question_id, [])) or None
    if question_id == META:
        value = assessment.framework.key if field_id == "framework" else getattr(assessment.meta, field_id)
        return normalised(value.value if isinstance(value, Status) else value, field_id)
    return normalised(assessment.value(question_id, field_id), "")


def attribute(keys: Iterable[str], base: Assessment, steps: Sequence[tuple[Any, Assessment]]) -> dict[str, Attribution]:
    """For each ``question.field`` key: the last revision in ``steps`` that changed it.

    Args:
        keys: the fields to look up, as ``Row.key`` (``q4.answer``, ``meta.title``).
        base: the older revision the range starts from.
        steps: the later revisions in order, each ``(info, assessment)`` where ``info`` has ``number``,
            ``by`` and ``at`` (a :class:`framework.store.RevisionInfo`).
    """
    found: dict[str, Attribution] = {}
    for key in keys:
        before = _raw(base, key)
        for info, assessment in steps:
            now = _raw(assessment, key)
            if now != before:
                found[key] = Attribution(info.number, info.by, info.at, info)
            before = now
    return found


def signed_off_pairs(revisions: Sequence[T]) -> list[tuple[T, T]]:
    """Each signed-off version with its successor: the next signed-off version, else the latest revision.

    A signed-off assessment is frozen; a change makes a new version (a new assessment that supersedes it).
    ``revisions`` are the revisions of such a chain of versions, oldest first (or of one assessment): anything
    with a ``status``, e.g. :class:`framework.store.RevisionInfo`. A signed-off version is the first revision
    of a run with status ``vastgesteld`` (archiving it afterwards changes nothing); it is paired with the next
    signed-off version, else with the latest revision, when that lies after the signed-off run.
    """
    starts = [
        i
        for i, r in enumerate(revisions)
        if r.status == Status.VASTGESTELD and (i == 0 or revisions[i - 1].status not in FROZEN)
    ]
    pairs = []
    for k, start in enumerate(starts):
        end = start
        while end + 1 < len(revisions) and revisions[end + 1].status in FROZEN and end + 1 not in starts:
            end += 1
        successor = starts[k + 1] if k + 1 < len(starts) else len(revisions) - 1
        if successor > end:
            pairs.append((revisions[start], revisions[successor]))
    return pairs
