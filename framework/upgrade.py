"""Moving an assessment to another version of the framework: an explicit act, never a silent fallback.

:func:`plan` says first what the move means: the questions that are new, the questions whose text changed
(title, question, guidance or their fields), the questions dropped, and for the answers which are carried
over and which cannot be (their question or field is gone, or the value no longer fits, e.g. an option that
was removed). :func:`upgrade` then stores the moved assessment as a revision of kind ``upgraded``, with an audit
entry naming both versions and what was dropped. A signed-off assessment is refused: it moves only through a
new version (``framework.workflow.new_version``), which is then upgraded.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from framework import marks
from framework.assessment import Assessment, FrameworkRef, Status, answer_model, is_empty
from framework.errors import IpceiError
from framework.models import Framework, Question, Text

FROZEN = (Status.VASTGESTELD, Status.GEARCHIVEERD)


class UpgradeError(IpceiError):
    """The move cannot be made (another framework id, the same version, or a signed-off assessment)."""


@dataclass(frozen=True)
class QuestionNote:
    """A question in the plan: its id, number and title (in the version where it exists), and what changed."""

    id: str
    number: str
    title: Text
    changes: tuple[str, ...] = ()  # title, text, guidance, fields

    def label(self, lang: str) -> str:
        return f"{self.number}. {self.title(lang)}"


@dataclass(frozen=True)
class Plan:
    source: str  # framework key, e.g. afwegingskader-ipcei@2022-07
    target: str
    new: tuple[QuestionNote, ...]
    changed: tuple[QuestionNote, ...]
    dropped: tuple[QuestionNote, ...]
    carried: tuple[str, ...]  # "q2.answer"
    lost: tuple[tuple[str, str], ...]  # ("q3.objectives", why)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    meta_changes: dict[str, Any] = field(default_factory=dict, repr=False)
    note: Text | None = None  # the target's revision note: what changed, in its authors' words

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "new": [q.id for q in self.new],
            "changed": {q.id: list(q.changes) for q in self.changed},
            "dropped": [q.id for q in self.dropped],
            "carried": len(self.carried),
            "lost": [{"field": ref, "why": why} for ref, why in self.lost],
            "note": self.note.model_dump() if self.note else None,
        }


def _note(question: Question, changes: tuple[str, ...] = ()) -> QuestionNote:
    return QuestionNote(question.id, question.number, question.title, changes)


def _changes(old: Question, new: Question) -> tuple[str, ...]:
    found = [name for name in ("title", "text", "guidance", "footnote") if getattr(old, name) != getattr(new, name)]
    if old.fields != new.fields:
        found.append("fields")
    return tuple(found)


def plan(assessment: Assessment, old: Framework, new: Framework) -> Plan:
    """What moving ``assessment`` from ``old`` to ``new`` means (nothing is changed yet).

    Raises:
        UpgradeError: the frameworks have different ids, or the same version.
    """
    if old.id != new.id:
        raise UpgradeError(
            f"{old.key} and {new.key} are different frameworks; an assessment moves only between versions"
        )
    if old.version == new.version:
        raise UpgradeError(f"the assessment answers version {old.version} already")
    new_questions = [_note(q) for q in new.questions() if old.question(q.id) is None]
    dropped = [_note(q) for q in old.questions() if new.question(q.id) is None]
    changed = []
    for question in new.questions():
        before = old.question(question.id)
        if before is not None and (what := _changes(before, question)):
            changed.append(_note(question, what))
    answers: dict[str, dict[str, Any]] = {}
    lost: list[tuple[str, str]] = []
    for question_id, values in assessment.answers.items():
        question = new.question(question_id)
        for field_id, value in values.items():
            if is_empty(value):
                continue
            ref = f"{question_id}.{field_id}"
            if question is None:
                lost.append((ref, f"question {question_id} is not in {new.key}"))
            elif question.field(field_id) is None:
                lost.append((ref, f"the field {field_id} is not in {new.key}"))
            else:
                answers.setdefault(question_id, {})[field_id] = copy.deepcopy(value)
    lost += _drop_unfit(answers, new)
    meta_changes, meta_lost = _meta(assessment, new)
    carried = tuple(f"{q}.{f}" for q, fields in answers.items() for f in fields)
    return Plan(
        old.key, new.key, tuple(new_questions), tuple(changed), tuple(dropped), carried,
        tuple(lost + meta_lost), answers, meta_changes, new.revision_note,
    )  # fmt: skip


def _drop_unfit(answers: dict[str, dict[str, Any]], new: Framework) -> list[tuple[str, str]]:
    """Remove the values the new version refuses (an option removed, a number out of the new range)."""
    lost = []
    model = answer_model(new)
    for _ in range(1000):
        try:
            model.model_validate(answers)
            return lost
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            question_id, field_id = str(error["loc"][0]), str(error["loc"][1])
            lost.append((f"{question_id}.{field_id}", f"no longer fits: {error['msg']}"))
            answers[question_id].pop(field_id, None)
            if not answers[question_id]:
                del answers[question_id]
    raise AssertionError("every round drops one answer")  # pragma: no cover


def _meta(assessment: Assessment, new: Framework) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    meta, changes, lost = assessment.meta, {}, []
    for name, list_name in (("ecosystem", "ecosystems"), ("phase", "phases")):
        value = getattr(meta, name)
        if value and value not in {e.id for e in getattr(new, list_name)}:
            changes[name] = ""
            lost.append((f"meta.{name}", f"{value!r} is not in the list of {new.key}; choose again"))
    known = {e.id for e in new.member_states}
    if any(s not in known for s in meta.member_states):
        changes["member_states"] = [s for s in meta.member_states if s in known]
        lost += [
            (f"meta.member_states.{s}", f"not a member state of {new.key}")
            for s in meta.member_states
            if s not in known
        ]
    return changes, lost


def upgraded(assessment: Assessment, new: Framework, the_plan: Plan) -> Assessment:
    """The assessment as it answers ``new``: the carried answers, the metadata adjusted (see :func:`plan`)."""
    meta = assessment.meta.model_copy(update=the_plan.meta_changes)
    return assessment.model_copy(
        update={
            "framework": FrameworkRef(id=new.id, version=new.version),
            "meta": meta,
            "answers": copy.deepcopy(the_plan.answers),
            **_marks(assessment, new),
        }
    )


def _marks(assessment: Assessment, new: Framework) -> dict[str, Any]:
    """The format /2 marks (qualifier, «onbekend», «geen») of the fields that still exist and take that mark."""

    def fits(question_id: str, field_id: str, kind: str) -> bool:
        question = new.question(question_id)
        answer_field = question.field(field_id) if question else None
        return answer_field is not None and kind in marks.kinds_for(answer_field)

    def kept(mapping: dict[str, Any], kind: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for question_id, fields in mapping.items():
            if isinstance(fields, list):
                items: Any = [f for f in fields if fits(question_id, f, kind)]
            else:
                items = {f: v for f, v in fields.items() if fits(question_id, f, kind)}
            if items:
                found[question_id] = items
        return found

    return {
        "qualifiers": kept(assessment.qualifiers, marks.QUALIFIER),
        "unknown": kept(assessment.unknown, marks.UNKNOWN),
        "none_stated": kept(assessment.none_stated, marks.NONE),
    }


def upgrade(store: Any, assessment_id: str, new: Framework, by: str) -> tuple[Any, Plan]:
    """Move a stored assessment to ``new``: one revision of kind ``upgraded`` and its audit entry.

    Raises:
        UpgradeError: the assessment is signed off (make a new version and upgrade that), or see :func:`plan`.
    """
    record = store.get(assessment_id)
    if record.status in FROZEN:
        raise UpgradeError(
            f"assessment {assessment_id} is {record.status.value} (signed off) and keeps its framework version; "
            "make a new version of it (ipcei new-version) and upgrade that"
        )
    old = store.framework_for(record)
    the_plan = plan(record.assessment, old, new)
    moved = upgraded(record.assessment, new, the_plan)
    detail = {k: v for k, v in the_plan.as_dict().items() if k in ("from", "to", "new", "dropped", "carried")}
    detail["lost"] = [ref for ref, _why in the_plan.lost]
    saved = store.upgrade_framework(assessment_id, moved, by, record.revision, detail)
    return saved, the_plan
