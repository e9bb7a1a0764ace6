"""Helpers of the gate tests: a clean assessment (no finding open), a complete review, the way to sign-off."""

from __future__ import annotations

from pathlib import Path

from framework import workflow as wf
from framework.assessment import Assessment, Status
from framework.loading import load_assessment

ROOT = Path(__file__).resolve().parent.parent
CLEAN_EXAMPLE = ROOT / "examples" / "ipcei-waterstof.yaml"  # complete, no finding open
WARNING_EXAMPLE = ROOT / "examples" / "ipcei-cloud.yaml"  # complete, one warning: advice-without-funding-gap
ERROR_EXAMPLE = ROOT / "examples" / "ipcei-onvolledig.yaml"  # empty required fields and an error finding

AUTHOR = wf.Actor.of("A. de Vries", "beleidsmedewerker")
REVIEWER = wf.Actor.of("B. Jansen", "reviewer")
APPROVER = wf.Actor.of("C. Bakker", "vaststeller")


def example(path: Path = CLEAN_EXAMPLE, author: str = "A. de Vries") -> Assessment:
    """An example as a concept by ``author``."""
    assessment, _ = load_assessment(path)
    meta = assessment.meta.model_copy(update={"status": Status.CONCEPT, "author": author})
    return assessment.model_copy(update={"meta": meta})


def all_acceptable(store, assessment_id: str) -> dict[str, tuple[str, str]]:
    record = store.get(assessment_id)
    return {q.id: ("acceptable", "") for q in store.framework_for(record).questions()}


def reviewed(store, path: Path = CLEAN_EXAMPLE, reviewer: wf.Actor = REVIEWER) -> str:
    """A stored assessment, submitted and completely reviewed (every question acceptable); its id."""
    record = store.create(example(path), AUTHOR.name)
    wf.submit(store, record.id, AUTHOR)
    wf.review(store, record.id, reviewer, all_acceptable(store, record.id))
    return record.id


def edited(assessment: Assessment, text_value: str) -> Assessment:
    """The assessment with another answer to question 1 (its other fields kept)."""
    answers = {**assessment.answers, "q1": {**assessment.answers.get("q1", {}), "answer": text_value}}
    return assessment.model_copy(update={"answers": answers})
