"""The workflow: transitions as data, four eyes enforced in framework, sign-off freezes the record."""

from __future__ import annotations

import pytest
from store_support import edited, make_assessment

from framework import workflow as wf
from framework.assessment import Status
from framework.errors import TransitionError
from framework.store import FrozenError, open_store

AUTHOR = wf.Actor.of("A. de Vries", "beleidsmedewerker")
REVIEWER = wf.Actor.of("B. Jansen", "reviewer")
APPROVER = wf.Actor.of("C. Bakker", "vaststeller")


@pytest.fixture
def db():
    store = open_store()
    yield store
    store.close()


def _in_review(db):
    record = db.create(make_assessment(), "A. de Vries")
    return wf.submit(db, record.id, AUTHOR)


def test_the_transition_table_covers_the_statuses():
    assert {(t.source, t.target) for t in wf.TRANSITIONS} == {
        (Status.CONCEPT, Status.TER_REVIEW),
        (Status.TER_REVIEW, Status.TERUGGESTUURD),
        (Status.TERUGGESTUURD, Status.TER_REVIEW),
        (Status.TER_REVIEW, Status.VASTGESTELD),
        (Status.VASTGESTELD, Status.GEARCHIVEERD),
    }


def test_self_approval_is_refused_by_a_direct_call(db):
    record = _in_review(db)
    with pytest.raises(TransitionError, match="four eyes"):
        wf.sign_off(db, record.id, wf.Actor.of("a. de  vries", "vaststeller"))
    assert db.get(record.id).status == Status.TER_REVIEW and db.signoff(record.id) is None


def test_the_last_editor_may_not_sign_off(db):
    record = _in_review(db)
    record = wf.review(db, record.id, REVIEWER, {"q1": ("to_improve", "bron?")}, send_back=True)
    record = db.save(record.id, edited(record.assessment, "aangevuld"), "C. Bakker", record.revision)
    wf.submit(db, record.id, AUTHOR)
    with pytest.raises(TransitionError, match="last edit"):
        wf.sign_off(db, record.id, APPROVER)


def test_status_and_role_are_checked(db):
    record = db.create(make_assessment(), "A. de Vries")
    with pytest.raises(TransitionError, match="needs status ter_review"):
        wf.sign_off(db, record.id, APPROVER)
    with pytest.raises(TransitionError, match="role author"):
        wf.submit(db, record.id, REVIEWER)


def test_review_round_trip_sign_off_and_parafenlijst(db):
    record = _in_review(db)
    record = wf.review(db, record.id, REVIEWER, {"q1": ("to correct", "klopt niet")}, send_back=True)
    assert record.status == Status.TERUGGESTUURD
    assert wf.latest_reviews(db, record.id)["q1"].comment == "klopt niet"
    record = db.save(record.id, edited(record.assessment, "gecorrigeerd"), "A. de Vries", record.revision)
    wf.submit(db, record.id, AUTHOR)
    wf.review(db, record.id, REVIEWER, {"q1": ("acceptable", "")})
    record = wf.sign_off(db, record.id, APPROVER)
    assert record.status == Status.VASTGESTELD
    signed = db.signoff(record.id)
    assert signed.by == "C. Bakker" and signed.content_hash == record.assessment.content_hash()
    sheet = wf.parafenlijst(db, record.id)
    assert sheet.drafted_by.name == "A. de Vries" and sheet.approved_by.name == "C. Bakker"
    assert [e.name for e in sheet.reviewed_by] == ["B. Jansen"]
    actions = [e.action for e in db.audit(record.id)]
    for action in ("submitted", "returned", "resubmitted", "reviewed", "signed_off"):
        assert action in actions
    assert db.verify() == []


def test_unknown_verdicts_and_questions_are_refused(db):
    record = _in_review(db)
    with pytest.raises(TransitionError, match="verdict"):
        wf.review(db, record.id, REVIEWER, {"q1": ("great", "")})
    with pytest.raises(TransitionError, match="no such question"):
        wf.review(db, record.id, REVIEWER, {"q99": ("acceptable", "")})


def test_edits_after_sign_off_are_refused_by_the_store(db):
    record = _in_review(db)
    record = wf.sign_off(db, record.id, APPROVER)
    with pytest.raises(FrozenError):
        db.save(record.id, edited(record.assessment, "stiekem"), "C. Bakker", record.revision)
    with pytest.raises(FrozenError):
        db.set_status(record.id, Status.CONCEPT, "C. Bakker", record.revision)
    assert db.get(record.id).revision == record.revision
    archived = wf.transition(db, record.id, wf.Step.ARCHIVE, APPROVER)
    assert archived.status == Status.GEARCHIVEERD
    with pytest.raises(FrozenError):
        db.set_status(record.id, Status.VASTGESTELD, "C. Bakker", archived.revision)


def test_a_new_version_replaces_the_signed_off_one(db):
    record = wf.sign_off(db, _in_review(db).id, APPROVER)
    fresh = wf.new_version(db, record.id, AUTHOR)
    assert fresh.status == Status.CONCEPT
    assert fresh.assessment.meta.note.startswith(f"Vervangt versie {record.id}")
    assert db.version_links(record.id) == (None, fresh.id)
    assert db.version_links(fresh.id) == (record.id, None)
    with pytest.raises(TransitionError, match="already replaced"):
        wf.new_version(db, record.id, AUTHOR)
    assert db.verify() == []
