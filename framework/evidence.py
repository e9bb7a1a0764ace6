"""The evidence register of an assessment (format /2): sources, assumptions and facts known later, cited by id.

An assessment keeps one register (``evidence``: a list of entries, each with an id) and per question the ids its
answers cite (``citations``: ``{q9: [B3, A2]}``). An assumption (``aanname``) has a status: open, bevestigd or
vervallen. :func:`problems` checks a register and its citations (a duplicate id, a cited id not in the register,
a status on an entry that is no assumption); :func:`register` is the register as the report prints it, with the
questions that cite each entry, including the per-answer sources of a /1 file, read in as entries of kind
«bron» (``S1``, ``S2`` ...; the same source under several questions is one entry). :func:`findings` notes an open
assumption that a concluding answer relies on. :func:`move_sources` moves the per-answer sources into the register
for good (``ipcei migrate``). Nothing here knows a user interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from framework.models import Framework, Severity, Text

if TYPE_CHECKING:  # the assessment module imports this one
    from framework.assessment import Assessment
    from framework.rules import Finding

EvidenceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,19}$")]
CONCLUDING = ("conclusion_a", "conclusion_b", "q14")
DERIVED_PREFIX = "S"  # ids of entries read in from per-answer sources
MAX_ENTRIES = 500  # entries in one register


class Kind(StrEnum):
    BRON = "bron"
    AANNAME = "aanname"
    LATER_BEKEND = "later_bekend"


class AssumptionStatus(StrEnum):
    OPEN = "open"
    BEVESTIGD = "bevestigd"
    VERVALLEN = "vervallen"


class EvidenceEntry(BaseModel):
    """One entry of the register: what it is, where to find it, and what it supports."""

    model_config = ConfigDict(extra="forbid")

    id: EvidenceId
    kind: Kind
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    reference: Annotated[str, StringConstraints(max_length=500)] = ""
    date: Annotated[str, StringConstraints(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")] = ""
    supports: Annotated[str, StringConstraints(max_length=1000)] = ""  # a note on what it supports
    status: AssumptionStatus | None = None  # assumptions only; an assumption without one is open

    @model_validator(mode="after")
    def _status_only_for_assumptions(self) -> EvidenceEntry:
        if self.kind is Kind.AANNAME and self.status is None:
            self.status = AssumptionStatus.OPEN
        elif self.kind is not Kind.AANNAME and self.status is not None:
            raise ValueError(f"only an assumption (aanname) has a status; entry {self.id} is a {self.kind.value}")
        return self


def problems(framework: Framework, assessment: Assessment) -> list[tuple[tuple, str]]:
    """Where the register or a citation is wrong, as (path, message) like the other format /2 checks."""
    found: list[tuple[tuple, str]] = []
    first: dict[str, int] = {}
    for index, entry in enumerate(assessment.evidence):
        if entry.id in first:
            found.append(
                (
                    ("evidence", index, "id"),
                    f"the id {entry.id} is used twice in the evidence register "
                    f"(entries {first[entry.id] + 1} and {index + 1}); give each entry an id of its own",
                )
            )
        else:
            first[entry.id] = index
    for question_id, ids in assessment.citations.items():
        question = framework.question(question_id)
        if question is None:
            found.append((("citations", question_id), "there is no such question in the framework"))
            continue
        seen: set[str] = set()
        for index, cited in enumerate(ids):
            where = ("citations", question_id, index)
            if cited not in first:
                found.append(
                    (where, f"question {question.number} cites {cited}, which is not in the evidence register")
                )
            elif cited in seen:
                found.append((where, f"question {question.number} cites {cited} twice"))
            seen.add(cited)
    return found


@dataclass(frozen=True)
class RegisterEntry:
    """An entry as the report shows it: the entry and the questions (ids, in framework order) that cite it."""

    entry: EvidenceEntry
    cited_by: tuple[str, ...]
    derived: bool = False  # read in from the per-answer sources of the questions in ``cited_by``


def register(framework: Framework, assessment: Assessment) -> list[RegisterEntry]:
    """The register in its own order, then the per-answer sources not in it (one entry per distinct source)."""
    order = {q.id: n for n, q in enumerate(framework.questions())}
    citing: dict[str, list[str]] = {}
    for question_id, ids in assessment.citations.items():
        for cited in ids:
            citing.setdefault(cited, []).append(question_id)
    entries = [
        RegisterEntry(e, tuple(sorted(set(citing.get(e.id, [])), key=lambda q: order.get(q, len(order)))))
        for e in assessment.evidence
    ]
    known = _known_sources(assessment)
    derived: dict[tuple[str, str, str], tuple[EvidenceEntry, list[str]]] = {}
    fresh = _fresh_ids({e.id for e in assessment.evidence})
    for question_id, _, key in per_answer_sources(framework, assessment):
        if key in known:
            continue
        if key not in derived:
            entry = EvidenceEntry(id=next(fresh), kind=Kind.BRON, title=key[0], reference=key[1], date=key[2])
            derived[key] = (entry, [])
        if question_id not in derived[key][1]:
            derived[key][1].append(question_id)
    return entries + [RegisterEntry(e, tuple(qs), derived=True) for e, qs in derived.values()]


def _known_sources(assessment: Assessment) -> dict[tuple[str, str, str], str]:
    """The register's sources by (title, reference, date): a per-answer source equal to one of them is that one."""
    return {(e.title, e.reference, e.date): e.id for e in assessment.evidence if e.kind is Kind.BRON}


def _fresh_ids(taken: set[str]) -> Iterator[str]:
    """``S1``, ``S2`` …, skipping every id the register already uses (a collision gets the next free id)."""
    number = 0
    while True:
        number += 1
        if f"{DERIVED_PREFIX}{number}" not in taken:
            yield f"{DERIVED_PREFIX}{number}"


def per_answer_sources(framework: Framework, assessment: Assessment) -> Iterator[tuple[str, str, tuple[str, str, str]]]:
    """Each per-answer source in framework order: (question id, field id, (title, reference, date))."""
    for question in framework.questions():
        for answer_field in question.fields:
            if answer_field.type != "sources":
                continue
            for source in assessment.value(question.id, answer_field.id) or []:
                key = (_get(source, "title"), _get(source, "reference"), _get(source, "date"))
                if key[0]:
                    yield question.id, answer_field.id, key


def move_sources(framework: Framework, assessment: Assessment) -> Assessment:
    """The assessment with its per-answer sources moved into the register (what ``ipcei migrate`` writes).

    Each distinct source becomes one entry of kind «bron» with the id :func:`register` gives it (``S1``, ``S2`` …,
    never an id the register already uses), cited by every question that listed it; a source the register
    already holds (same title, reference and date) is cited under its own id. The per-answer ``sources``
    fields are removed, so nothing is written twice. Raises ``ValueError`` when the register would grow past
    its limit.
    """
    sources = list(per_answer_sources(framework, assessment))
    if not sources:
        return assessment
    known = _known_sources(assessment)
    added = [item for item in register(framework, assessment) if item.derived]
    ids = dict(known)
    ids.update({(i.entry.title, i.entry.reference, i.entry.date): i.entry.id for i in added})
    citations = {q: list(cited) for q, cited in assessment.citations.items()}
    for question_id, _, key in sources:
        cited = citations.setdefault(question_id, [])
        if ids[key] not in cited:
            cited.append(ids[key])
    evidence = [*assessment.evidence, *(i.entry for i in added)]
    if len(evidence) > MAX_ENTRIES:
        raise ValueError(
            f"moving the per-answer sources would make {len(evidence)} register entries; "
            f"the register holds at most {MAX_ENTRIES}"
        )
    moved = {(q, f) for q, f, _ in sources}
    answers = {}
    for question_id, fields in assessment.answers.items():
        kept = {f: v for f, v in fields.items() if (question_id, f) not in moved}
        if kept:
            answers[question_id] = kept
    return assessment.model_copy(update={"answers": answers, "evidence": evidence, "citations": citations})


def _get(source: Any, name: str) -> str:
    value = source.get(name) if isinstance(source, dict) else getattr(source, name, "")
    return str(value or "")


def findings(framework: Framework, assessment: Assessment) -> list[Finding]:
    """An info finding for each open assumption that a concluding answer (A, B, the advice) cites."""
    from framework.i18n import t
    from framework.rules import Finding

    found = []
    for item in register(framework, assessment):
        entry = item.entry
        if entry.status is not AssumptionStatus.OPEN:
            continue
        concluding = tuple(q for q in item.cited_by if q in CONCLUDING)
        if not concluding:
            continue
        numbers = ", ".join(framework.question(q).number for q in concluding)
        text = Text(
            nl=t("evidence_open_assumption", "nl", id=entry.id, title=entry.title, questions=numbers),
            en=t("evidence_open_assumption", "en", id=entry.id, title=entry.title, questions=numbers),
        )
        found.append(Finding("open-assumption-in-conclusion", Severity.INFO, concluding, text, f"evidence.{entry.id}"))
    return found
