"""The gates of the workflow, called directly (framework.workflow / framework.gates) on SQLite and PostgreSQL.

Each gate is tried firing and not firing: who acts, edits by role and status, submission with open findings,
sign-off after a complete review with warnings acknowledged, four eyes (author, editor, reviewer), withdraw.
"""

from __future__ import annotations

import pytest
from gate_support import (
    APPROVER,
    AUTHOR,
    ERROR_EXAMPLE,
    REVIEWER,
    WARNING_EXAMPLE,
    all_acceptable,
    edited,
    example,
    reviewed,
)

from framework import gates
from framework import workflow as wf
from framework.assessment import Status
from framework.errors import TransitionError
from framework.gates import GateError
from framework.store import StatusError

REASON = "de raming van de funding gap volgt in de volgende fase"


def keys(exc_info) -> list[str]:
    return exc_info.value.keys


# --- who acts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "\t \n"])
def test_a_name_of_only_spaces_is_refused(name):
    with pytest.raises(GateError) as refused:
        wf.Actor.of(name, "author")
    assert keys(refused) == ["gate_no_name"]
    with pytest.raises(GateError):
        wf.Actor(name, wf.Role.AUTHOR)  # the dataclass itself refuses, however it is made


@pytest.mark.parametrize("role", ["koning", "", "admin", None])
def test_a_role_not_in_the_list_is_refused(role):
    with pytest.raises(GateError) as refused:
        wf.Actor.of("A. de Vries", role)
    assert keys(refused) == ["gate_bad_role"]
    assert "vaststeller" in refused.value.message("en")


def test_a_duck_typed_actor_without_a_role_is_refused(store):
    record = store.create(example(), "A. de Vries")

    class Fake:
        name, role = "A. de Vries", "author"

    with pytest.raises(GateError, match="rol"):
        wf.save(store, record.id, edited(record.assessment, "x"), Fake(), record.revision)
    with pytest.raises(GateError):
        wf.submit(store, record.id, None)
    assert store.get(record.id).revision == 1


def test_refusals_speak_the_language_asked():
    with pytest.raises(GateError) as refused:
        wf.Actor.of(" ", "author")
    assert "naam" in refused.value.message("nl") and "name" in refused.value.message("en")


# --- edits ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["management", "archivaris"])
def test_management_and_records_officers_never_edit(store, role):
    record = store.create(example(), "A. de Vries")
    with pytest.raises(GateError) as refused:
        wf.save(store, record.id, edited(record.assessment, "x"), wf.Actor.of("M. Baas", role), record.revision)
    assert keys(refused) == ["gate_edit_role"]
    saved = wf.save(store, record.id, edited(record.assessment, "x"), AUTHOR, record.revision)
    assert saved.revision == 2


def test_the_author_cannot_edit_under_review_but_after_withdraw_or_return(store):
    record = store.create(example(), "A. de Vries")
    record = wf.submit(store, record.id, AUTHOR)
    with pytest.raises(GateError) as refused:
        wf.save(store, record.id, edited(record.assessment, "bijgewerkt"), AUTHOR, record.revision)
    assert keys(refused) == ["gate_edit_in_review_author"]
    with pytest.raises(GateError, match="ter review"):
        wf.save(store, record.id, edited(record.assessment, "bijgewerkt"), REVIEWER, record.revision)
    record = wf.withdraw(store, record.id, AUTHOR)
    assert record.status == Status.CONCEPT
    assert store.audit(record.id)[0].action == "withdrawn"
    record = wf.save(store, record.id, edited(record.assessment, "bijgewerkt"), AUTHOR, record.revision)
    record = wf.submit(store, record.id, AUTHOR)
    record = wf.review(store, record.id, REVIEWER, {"q1": ("to_improve", "bron?")}, send_back=True)
    assert record.status == Status.TERUGGESTUURD
    record = wf.save(store, record.id, edited(record.assessment, "met bron"), AUTHOR, record.revision)
    assert record.status == Status.TERUGGESTUURD and record.assessment.value("q1", "answer") == "met bron"


def test_only_the_author_withdraws_and_only_from_review(store):
    record = store.create(example(), "A. de Vries")
    with pytest.raises(GateError) as refused:
        wf.withdraw(store, record.id, AUTHOR)
    assert "gate_step_status" in keys(refused)
    wf.submit(store, record.id, AUTHOR)
    with pytest.raises(GateError) as refused:
        wf.withdraw(store, record.id, REVIEWER)
    assert keys(refused) == ["gate_step_role"]


def test_a_plain_save_never_changes_the_status(store):
    record = store.create(example(), "A. de Vries")
    signed = record.assessment.model_copy(
        update={"meta": record.assessment.meta.model_copy(update={"status": Status.VASTGESTELD})}
    )
    with pytest.raises(StatusError):
        store.save(record.id, signed, "A. de Vries", record.revision)
    with pytest.raises(StatusError):
        wf.save(store, record.id, signed, AUTHOR, record.revision)
    with pytest.raises(StatusError):  # nor a status change to vastgesteld without the store's sign-off record
        store.set_status(record.id, Status.VASTGESTELD, "C. Bakker", record.revision)
    with pytest.raises(StatusError):
        store.create(signed, "A. de Vries")
    assert store.get(record.id).revision == 1 and store.list().total == 1
    assert store.verify() == []


# --- submit ---------------------------------------------------------------------------------------------------


def test_submit_is_refused_with_open_errors_and_empty_fields_naming_them(store):
    record = store.create(example(ERROR_EXAMPLE), "A. de Vries")
    with pytest.raises(GateError) as refused:
        wf.submit(store, record.id, AUTHOR)
    assert keys(refused) == ["gate_submit_blocked"]
    message = refused.value.message("en")
    assert "failure-contradiction" in message and "q14.advice" in message and "q4.zero_option" in message
    assert store.get(record.id).status == Status.CONCEPT


@pytest.mark.parametrize("reason", ["x", " ", "   a    ", "te kort"])
def test_a_too_short_reason_is_refused(store, reason):
    record = store.create(example(ERROR_EXAMPLE), "A. de Vries")
    with pytest.raises(GateError) as refused:
        wf.submit(store, record.id, AUTHOR, reason=reason)
    assert keys(refused)[0] in ("gate_reason_too_short", "gate_submit_blocked")
    assert store.get(record.id).status == Status.CONCEPT and store.get(record.id).revision == 1


def test_submit_anyway_keeps_the_reason_for_the_reviewer_and_the_parafenlijst(store):
    record = store.create(example(ERROR_EXAMPLE), "A. de Vries")
    record = wf.submit(store, record.id, AUTHOR, reason=REASON)
    assert record.status == Status.TER_REVIEW
    entry = store.audit(record.id)[0]
    assert entry.action == "submitted" and entry.detail["reason"] == REASON
    assert "failure-contradiction" in entry.detail["findings"]
    assert wf.parafenlijst(store, record.id).submit_reason == REASON
    assert wf.submission_notes(store, record.id)[0] == REASON


def test_a_clean_assessment_submits_without_a_reason(store):
    record = store.create(example(), "A. de Vries")
    record = wf.submit(store, record.id, AUTHOR)
    assert record.status == Status.TER_REVIEW and "reason" not in store.audit(record.id)[0].detail


# --- review and sign-off --------------------------------------------------------------------------------------


def test_sign_off_without_review_is_refused_naming_the_questions(store):
    record = store.create(example(), "A. de Vries")
    wf.submit(store, record.id, AUTHOR)
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, record.id, APPROVER)
    assert keys(refused) == ["gate_signoff_no_verdict"]
    assert "q1" in refused.value.message("nl") and "conclusion_b" in refused.value.message("nl")
    assert store.signoff(record.id) is None and store.get(record.id).status == Status.TER_REVIEW


def test_a_partial_review_is_refused_a_complete_one_recorded(store):
    record = store.create(example(), "A. de Vries")
    wf.submit(store, record.id, AUTHOR)
    with pytest.raises(GateError) as refused:
        wf.review(store, record.id, REVIEWER, {"q1": ("acceptable", "")})
    assert keys(refused) == ["gate_review_incomplete"]
    assert store.reviews(record.id) == []
    wf.review(store, record.id, REVIEWER, all_acceptable(store, record.id))
    assert gates.review_state(store, store.get(record.id), store.framework_for(store.get(record.id))).complete


def test_a_verdict_to_correct_blocks_sign_off(store):
    record = store.create(example(), "A. de Vries")
    wf.submit(store, record.id, AUTHOR)
    verdicts = all_acceptable(store, record.id) | {"q9": ("to_correct", "funding gap ontbreekt")}
    wf.review(store, record.id, REVIEWER, verdicts)
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, record.id, APPROVER)
    assert keys(refused) == ["gate_signoff_to_correct"] and "q9" in str(refused.value)


def test_a_review_of_earlier_content_does_not_count(store):
    aid = reviewed(store)
    record = wf.withdraw(store, aid, AUTHOR)
    wf.save(store, aid, edited(record.assessment, "een nieuwe aanleiding, na de review"), AUTHOR, record.revision)
    wf.submit(store, aid, AUTHOR)
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, aid, APPROVER)
    assert keys(refused) == ["gate_signoff_no_verdict"]


def test_sign_off_after_a_complete_review(store):
    aid = reviewed(store)
    record = wf.sign_off(store, aid, APPROVER)
    assert record.status == Status.VASTGESTELD
    assert store.signoff(aid).by == "C. Bakker"
    assert store.verify() == []


def test_an_error_finding_blocks_sign_off_even_when_submitted_anyway(store):
    record = store.create(example(ERROR_EXAMPLE), "A. de Vries")
    wf.submit(store, record.id, AUTHOR, reason=REASON)
    wf.review(store, record.id, REVIEWER, all_acceptable(store, record.id))
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, record.id, APPROVER)
    assert "gate_signoff_errors" in keys(refused) and "gate_signoff_warnings" in keys(refused)


def test_each_warning_needs_the_approvers_reason(store):
    aid = reviewed(store, WARNING_EXAMPLE)
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, aid, APPROVER)
    assert keys(refused) == ["gate_signoff_warnings"] and "advice-without-funding-gap" in str(refused.value)
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, aid, APPROVER, accepted={"advice-without-funding-gap": "x"})
    assert keys(refused) == ["gate_reason_too_short"]
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, aid, APPROVER, accepted={"advice-without-funding-gap": REASON, "bestaat-niet": REASON})
    assert keys(refused) == ["gate_unknown_finding"]
    assert store.signoff(aid) is None
    record = wf.sign_off(store, aid, APPROVER, accepted={"advice-without-funding-gap": REASON})
    assert record.status == Status.VASTGESTELD
    assert store.audit(aid)[0].detail["accepted"] == {"advice-without-funding-gap": REASON}
    assert wf.parafenlijst(store, aid).accepted == [f"advice-without-funding-gap: {REASON}"]


def test_four_eyes_author_editor_and_reviewer(store):
    aid = reviewed(store)
    for actor, key in (
        (wf.Actor.of("a. de  vries", "vaststeller"), "gate_four_eyes_author"),
        (wf.Actor.of("B. Jansen", "vaststeller"), "gate_four_eyes_reviewer"),
    ):
        with pytest.raises(GateError) as refused:
            wf.sign_off(store, aid, actor)
        assert key in keys(refused)
    # an editor of the content (here: the approver-to-be edited it while it was returned)
    record = wf.review(store, aid, REVIEWER, {"q1": ("to_improve", "bron?")}, send_back=True)
    record = wf.save(
        store,
        aid,
        edited(record.assessment, "aangevuld door D"),
        wf.Actor.of("D. Dekker", "vaststeller"),
        record.revision,
    )
    wf.submit(store, aid, AUTHOR)
    wf.review(store, aid, REVIEWER, all_acceptable(store, aid))
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, aid, wf.Actor.of("D. Dekker", "vaststeller"))
    assert keys(refused) == ["gate_four_eyes_editor"]
    assert wf.sign_off(store, aid, APPROVER).status == Status.VASTGESTELD


def test_only_from_ter_review_and_only_by_an_approver(store):
    record = store.create(example(), "A. de Vries")
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, record.id, APPROVER)
    assert keys(refused) == ["gate_step_status"]
    aid = reviewed(store)
    with pytest.raises(TransitionError) as refused:
        wf.sign_off(store, aid, wf.Actor.of("E. Ernst", "reviewer"))
    assert keys(refused) == ["gate_step_role"]


def test_the_parafenlijst_prints_the_reason_and_the_acknowledged_warnings(store):
    from framework.report.render import render_html

    record = store.create(example(WARNING_EXAMPLE), "A. de Vries")
    reason = "de reviewer wil de funding gap vroeg zien"
    # a clean example submits without a reason; remove an answer so that a reason is needed
    q1 = {k: v for k, v in record.assessment.answers["q1"].items() if k != "initiator"}
    answers = {**record.assessment.answers, "q1": q1}
    record = wf.save(store, record.id, record.assessment.model_copy(update={"answers": answers}), AUTHOR, 1)
    wf.submit(store, record.id, AUTHOR, reason=reason)
    wf.review(store, record.id, REVIEWER, all_acceptable(store, record.id))
    accepted = {"advice-without-funding-gap": REASON, "required:q1.initiator": "de initiatiefnemer volgt"}
    record = wf.sign_off(store, record.id, APPROVER, accepted=accepted)
    sheet = wf.parafenlijst(store, record.id)
    html = render_html(record.assessment, store.framework_for(record), signoff=sheet)
    signoff = html.split('id="signoff"', 1)[1]
    assert reason in signoff and f"advice-without-funding-gap: {REASON}" in signoff
    assert "Ingediend met open bevindingen, omdat" in signoff
