"""The three-way merge of two edits from one revision (framework.merge), called directly and through the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework import draft, merge
from framework.errors import ConflictError
from framework.loading import load_assessment
from framework.store import open_store

FULL = Path(__file__).resolve().parent / "fixtures" / "report_assessment.yaml"


def _three():
    assessment, _ = load_assessment(FULL)
    base = assessment.model_dump(mode="json")
    return base, assessment.model_dump(mode="json"), assessment.model_dump(mode="json")


def test_a_field_one_side_changed_takes_that_side_without_asking(framework):
    base, mine, theirs = _three()
    draft.set_answer(mine, "q2", "answer", "Mijn ernst.")
    draft.set_answer(theirs, "q1", "answer", "Hun aanleiding.")
    found = merge.changes(framework, base, mine, theirs)
    assert {c.key: c.side for c in found} == {"q1.answer": merge.Side.THEIRS, "q2.answer": merge.Side.MINE}
    assert merge.to_choose(found) == []
    merged = merge.merge(theirs, found, set())
    assert merged["answers"]["q1"]["answer"] == "Hun aanleiding."  # the colleague's text stays
    assert merged["answers"]["q2"]["answer"] == "Mijn ernst."
    # «all mine» applies only to fields both changed: asking for mine everywhere does not restore the old q1
    everywhere = merge.merge(theirs, found, {c.key for c in found})
    assert everywhere["answers"]["q1"]["answer"] == "Hun aanleiding."


def test_a_field_both_changed_is_asked_with_the_base_and_never_decided_silently(framework):
    base, mine, theirs = _three()
    old = base["answers"]["q1"]["answer"]
    draft.set_answer(mine, "q1", "answer", "Mijn aanleiding.")
    draft.set_answer(theirs, "q1", "answer", "Hun aanleiding.")
    mine["meta"]["title"] = "Mijn titel"
    found = merge.changes(framework, base, mine, theirs)
    both = merge.to_choose(found)
    assert [(c.key, c.base, c.mine, c.theirs) for c in both] == [
        ("q1.answer", old, "Mijn aanleiding.", "Hun aanleiding.")
    ]
    with pytest.raises(ValueError, match=r"q1\.answer"):
        merge.resolve(framework, base, mine, theirs, {})
    kept = merge.resolve(framework, base, mine, theirs, {"q1.answer": "theirs"})
    assert kept["answers"]["q1"]["answer"] == "Hun aanleiding." and kept["meta"]["title"] == "Mijn titel"
    taken = merge.resolve(framework, base, mine, theirs, {"q1.answer": "mine"})
    assert taken["answers"]["q1"]["answer"] == "Mijn aanleiding."


def test_both_made_the_same_change_or_emptied_a_field(framework):
    base, mine, theirs = _three()
    draft.set_answer(mine, "q3", "answer", "Zelfde tekst.")
    draft.set_answer(theirs, "q3", "answer", "Zelfde tekst.")
    assert merge.changes(framework, base, mine, theirs) == []
    draft.set_answer(theirs, "q4", "answer", None)  # they emptied a field I did not touch: it stays empty
    found = merge.changes(framework, base, mine, theirs)
    assert [(c.key, c.side) for c in found] == [("q4.answer", merge.Side.THEIRS)]
    assert "answer" not in merge.merge(theirs, found, set()).get("answers", {}).get("q4", {})


def test_through_the_store_nothing_a_colleague_saved_disappears(tmp_path, framework):
    store = open_store(f"sqlite:///{tmp_path / 'merge.db'}")
    assessment, _ = load_assessment(FULL)
    record = store.create(assessment, "Anna")
    base = record.assessment.model_dump(mode="json")
    theirs = record.assessment.model_copy(deep=True)
    theirs.answers["q1"]["answer"] = "Bram schreef dit."
    store.save(record.id, theirs, "Bram", based_on=record.revision)
    mine = record.assessment.model_dump(mode="json")
    draft.set_answer(mine, "q2", "answer", "Anna schreef dit.")
    with pytest.raises(ConflictError):
        store.save(record.id, draft.assessment_from_data(mine), "Anna", based_on=record.revision)
    current = store.get(record.id)
    stored_base = store.revision(record.id, record.revision).model_dump(mode="json")
    assert stored_base == base
    merged = merge.resolve(framework, stored_base, mine, current.assessment.model_dump(mode="json"), {})
    final = store.save(record.id, draft.assessment_from_data(merged), "Anna", based_on=current.revision)
    assert final.assessment.value("q1", "answer") == "Bram schreef dit."
    assert final.assessment.value("q2", "answer") == "Anna schreef dit."
    store.close()
