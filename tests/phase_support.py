"""A phase chain for the tests of framework.phases: verkenning → pre-notificatie → notificatie, each signed off."""

from __future__ import annotations

from gate_support import APPROVER, AUTHOR, REVIEWER, all_acceptable, example

from framework import phases
from framework import workflow as wf

CHAIN = ("verkenning", "pre_notificatie", "notificatie")
ADDED = "In de pre-notificatie stelde de Commissie vragen over de waterstofbuisleidingen."


def sign_off(store, assessment_id: str) -> None:
    """Submit, review (every question acceptable) and sign off, as the gates require."""
    wf.submit(store, assessment_id, AUTHOR)
    wf.review(store, assessment_id, REVIEWER, all_acceptable(store, assessment_id))
    wf.sign_off(store, assessment_id, APPROVER)


def first_phase(store) -> str:
    """The clean example in the phase verkenning, signed off; its id."""
    assessment = example()
    assessment = assessment.model_copy(update={"meta": assessment.meta.model_copy(update={"phase": CHAIN[0]})})
    record = wf.create(store, assessment, AUTHOR)
    sign_off(store, record.id)
    return record.id


def edit_next(store, assessment_id: str, step: int) -> None:
    """Change a text, a verdict and the national budget of a next-phase concept (what the officer does)."""
    record = store.get(assessment_id)
    a = record.assessment
    answers = {
        **a.answers,
        "q1": {**a.answers["q1"], "answer": a.answers["q1"]["answer"] + "\n\n" + ADDED + f" Ronde {step}."},
        "q2": {**a.answers["q2"], "severity": "levensbedreigend" if step == 1 else "ernstig"},
    }
    meta = a.meta.model_copy(update={"national_budget_eur": 35_000_000 + step * 5_000_000})
    wf.save(store, assessment_id, a.model_copy(update={"answers": answers, "meta": meta}), AUTHOR, record.revision)


def chain(store, *, sign_last: bool = True) -> list[str]:
    """Three assessments of one dossier, each phase started from the one before; the ids, oldest first."""
    ids = [first_phase(store)]
    for step in (1, 2):
        record = phases.start_next_phase(store, ids[-1], AUTHOR)
        assert record.assessment.meta.phase == CHAIN[step]
        edit_next(store, record.id, step)
        if step < 2 or sign_last:
            sign_off(store, record.id)
        ids.append(record.id)
    return ids
