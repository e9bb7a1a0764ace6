"""The workflow: transitions as data, four eyes enforced in framework, sign-off freezes the record."""

from __future__ import annotations

import pytest
from gate_support import APPROVER, AUTHOR, REVIEWER, all_acceptable, edited, example

from framework import workflow as wf
from framework.assessment import Status
from framework.errors import TransitionError
from framework.store import FrozenError, open_store


@pytest.fixture
def db():
    store = open_store()
    yield store
    store.close()


def _in_review(db):
    record = db.create(example(), "A. de Vries")
    return wf.submit(db, record.id, AUTHOR)


def _reviewed(db):
    record = _in_review(db)
    wf.review(db, record.id, REVIEWER, all_acceptable(db, record.id))
    return record


def test_the_transition_table_covers_the_statuses():
    assert {(t.source, t.target) for t in wf.TRANSITIONS} == {
        (Status.CONCEPT, Status.TER_REVIEW),
        (Status.TER_REVIEW, Status.TERUGGESTUURD),
        (Status.TERUGGESTUURD, Status.TER_REVIEW),
        (Status.TER_REVIEW, Status.VASTGESTELD),
        (Status.VASTGESTELD, Status.GEARCHIVEERD),
        (Status.TER_REVIEW, Status.CONCEPT),  # withdraw
    }


def test_self_approval_is_refused_by_a_direct_call(db):
    record = _reviewed(db)
    with pytest.raises(TransitionError) as refused:
        wf.sign_off(db, record.id, wf.Actor.of("a. de  vries", "vaststeller"))
    assert refused.value.keys == ["gate_four_eyes_author", "gate_four_eyes_editor"]
    assert db.get(record.id).status == Status.TER_REVIEW and db.signoff(record.id) is None


def test_an_editor_may_not_sign_off(db):
    record = _in_review(db)
    record = wf.review(db, record.id, REVIEWER, {"q1": ("to_improve", "bron?")}, send_back=True)
    record = wf.save(db, record.id, edited(record.assessment, "aangevuld"), APPROVER, record.revision)
    wf.submit(db, record.id, AUTHOR)
    wf.review(db, record.id, REVIEWER, all_acceptable(db, record.id))
    with pytest.raises(TransitionError) as refused:
        wf.sign_off(db, record.id, APPROVER)
    assert refused.value.keys == ["gate_four_eyes_editor"] and "four eyes" in refused.value.message("en")


def test_status_and_role_are_checked(db):
    record = db.create(example(), "A. de Vries")
    with pytest.raises(TransitionError, match="status «ter_review»"):
        wf.sign_off(db, record.id, APPROVER)
    with pytest.raises(TransitionError) as refused:
        wf.submit(db, record.id, REVIEWER)
    assert "needs the role author" in refused.value.message("en")


def test_review_round_trip_sign_off_and_parafenlijst(db):
    record = _in_review(db)
    record = wf.review(db, record.id, REVIEWER, {"q1": ("to correct", "klopt niet")}, send_back=True)
    assert record.status == Status.TERUGGESTUURD
    assert wf.latest_reviews(db, record.id)["q1"].comment == "klopt niet"
    record = wf.save(db, record.id, edited(record.assessment, "gecorrigeerd"), AUTHOR, record.revision)
    wf.submit(db, record.id, AUTHOR)
    wf.review(db, record.id, REVIEWER, all_acceptable(db, record.id))
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
    with pytest.raises(TransitionError) as refused:
        wf.review(db, record.id, REVIEWER, {"q1": ("great", "")})
    assert refused.value.keys == ["gate_bad_verdict"]
    with pytest.raises(TransitionError) as refused:
        wf.review(db, record.id, REVIEWER, {"q99": ("acceptable", "")})
    assert "no such question" in refused.value.message("en")


def test_edits_after_sign_off_are_refused_by_the_store(db):
    record = _reviewed(db)
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
    record = wf.sign_off(db, _reviewed(db).id, APPROVER)
    fresh = wf.new_version(db, record.id, AUTHOR)
    assert fresh.status == Status.CONCEPT
    assert fresh.assessment.meta.note.startswith(f"Vervangt versie {record.id}")
    assert db.version_links(record.id) == (None, fresh.id)
    assert db.version_links(fresh.id) == (record.id, None)
    with pytest.raises(TransitionError, match="al vervangen"):
        wf.new_version(db, record.id, AUTHOR)
    assert db.verify() == []
