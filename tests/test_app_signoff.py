"""The review page's sign-off panel and the wizard's view of review (AppTest): the framework's rules in the UI.

Self-approval is refused by ``framework.workflow`` even when the button is pressed; sign-off waits for a complete
review recorded on the review page; the reviewer's verdicts reach the author in the wizard; a signed-off
assessment is read-only and a new version replaces it. The gates of ``docs/signoff.md`` each fire here too.
"""

from __future__ import annotations

from app_support import app, full_assessment, open_in_review, open_in_wizard, stored, texts
from gate_support import ERROR_EXAMPLE, REVIEWER, WARNING_EXAMPLE, all_acceptable, example
from streamlit.testing.v1 import AppTest

from framework import workflow as wf
from framework.assessment import Status
from framework.i18n import t
from framework.store import open_store

AUTHOR = wf.Actor.of("A. de Vries", "beleidsmedewerker")


def as_person(at: AppTest, name: str, role: str) -> AppTest:
    """State a name and role in the sidebar, as a person does."""
    at.sidebar.text_input(key="user_name").set_value(name)
    # By position: AppTest compares a set value with the shown (translated) labels.
    roles = at.sidebar.selectbox(key="user_role")
    roles.select_index(roles.options.index(t(f"ui_role_{role}", "nl")))
    return at


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def in_review() -> str:
    example = full_assessment()
    meta = example.meta.model_copy(update={"status": Status.CONCEPT, "author": "A. de Vries"})
    record = stored(example.model_copy(update={"meta": meta}), by="A. de Vries")
    wf.submit(open_store(), record.id, AUTHOR)
    return record.id


def complete_review(record_id: str) -> None:
    store = open_store()
    wf.review(store, record_id, REVIEWER, all_acceptable(store, record_id))


def review_all(at: AppTest, record_id: str, verdict: str = "acceptable") -> AppTest:
    """The reviewer gives a verdict on every question in the review page's form and saves them."""
    d = at.session_state["draft"]
    prefix = f"wf|{record_id}|{d['revision']}"
    for radio in at.radio:
        if str(radio.key).startswith(prefix) and str(radio.key).endswith("|verdict"):
            radio.set_value(verdict)
    next(b for b in at.button if b.label == "Oordelen opslaan").click().run()
    assert not at.exception, at.exception
    return at


def test_self_approval_is_refused_in_the_ui():
    record_id = in_review()
    complete_review(record_id)
    at = open_in_review(as_person(app(), "A. de Vries", "vaststeller"), record_id)
    assert any("Vier ogen" in w for w in texts(at.warning))
    button(at, "wf|sign_off").click().run()
    assert any("Niet toegestaan" in e.value and "vier ogen" in e.value for e in at.error)
    assert not any("four eyes" in e.value for e in at.error)  # Dutch in the Dutch app
    assert open_store().get(record_id).status == Status.TER_REVIEW


def test_sign_off_waits_for_a_complete_review_on_the_page():
    record_id = in_review()
    at = open_in_review(as_person(app(), "C. Bakker", "vaststeller"), record_id)
    assert any("Nog geen oordeel op de huidige tekst bij: q1, q2" in w for w in texts(at.warning))
    button(at, "wf|sign_off").click().run()
    assert any("volledige beoordeling" in e and "conclusion_b" in e for e in texts(at.error))
    assert open_store().get(record_id).status == Status.TER_REVIEW
    # a partial review is refused, naming the questions without a verdict; a complete one is recorded
    as_person(at, "B. Jansen", "reviewer")
    open_in_review(at, record_id)
    prefix = f"wf|{record_id}|{at.session_state['draft']['revision']}"
    at.radio(key=f"{prefix}|q1|verdict").set_value("acceptable")
    next(b for b in at.button if b.label == "Oordelen opslaan").click().run()
    assert any("Een beoordeling is volledig" in e and "q2" in e for e in texts(at.error))
    assert open_store().reviews(record_id) == []
    review_all(at, record_id)
    assert len(open_store().reviews(record_id)) == 16
    as_person(at, "C. Bakker", "vaststeller")
    open_in_review(at, record_id)
    assert any("Volledig beoordeeld door B. Jansen" in c for c in texts(at.caption))
    button(at, "wf|sign_off").click().run()
    assert open_store().get(record_id).status == Status.VASTGESTELD


def test_each_open_warning_needs_a_reason_on_the_page():
    record = stored(example(WARNING_EXAMPLE), by="A. de Vries")
    wf.submit(open_store(), record.id, AUTHOR)
    complete_review(record.id)
    at = open_in_review(as_person(app(), "C. Bakker", "vaststeller"), record.id)
    field = next(i for i in at.text_input if "advice-without-funding-gap" in str(i.key))
    button(at, "wf|sign_off").click().run()
    assert any("Bevestig elke open waarschuwing" in e for e in texts(at.error))
    field = next(i for i in at.text_input if "advice-without-funding-gap" in str(i.key))
    field.set_value("ok").run()
    button(at, "wf|sign_off").click().run()
    assert any("te kort" in e for e in texts(at.error))
    assert open_store().get(record.id).status == Status.TER_REVIEW
    field = next(i for i in at.text_input if "advice-without-funding-gap" in str(i.key))
    field.set_value("de funding gap volgt bij de notificatie").run()
    button(at, "wf|sign_off").click().run()
    assert open_store().get(record.id).status == Status.VASTGESTELD
    assert open_store().audit(record.id)[0].detail["accepted"] == {
        "advice-without-funding-gap": "de funding gap volgt bij de notificatie"
    }


def test_submit_with_open_findings_needs_a_reason_the_reviewer_then_sees():
    record = stored(example(ERROR_EXAMPLE), by="A. de Vries")
    at = open_in_review(as_person(app(), "A. de Vries", "beleidsmedewerker"), record.id)
    assert any("bevinding(en) staan open" in w or "bevinding(en) open" in w for w in texts(at.warning))
    button(at, "wf|submit").click().run()
    assert any("Indienen kan niet" in e and "failure-contradiction" in e for e in texts(at.error))
    at.text_area(key=f"wf|reason|{record.id}").set_value("x").run()
    button(at, "wf|submit").click().run()
    assert any("te kort" in e for e in texts(at.error))
    assert open_store().get(record.id).status == Status.CONCEPT
    reason = "het consortium is nog in vorming; graag al een eerste blik"
    at.text_area(key=f"wf|reason|{record.id}").set_value(reason).run()
    button(at, "wf|submit").click().run()
    assert open_store().get(record.id).status == Status.TER_REVIEW
    as_person(at, "B. Jansen", "reviewer")
    open_in_review(at, record.id)
    assert any(reason in w for w in texts(at.warning))


def test_without_a_stated_identity_no_step_is_offered():
    record_id = in_review()
    at = open_in_review(app(), record_id)
    assert any("naam en rol" in i for i in texts(at.info))
    assert not [b for b in at.button if str(b.key).startswith("wf|")]


def test_review_returns_with_comments_the_author_sees_them_then_sign_off_freezes():
    record_id = in_review()
    at = open_in_review(as_person(app(), "B. Jansen", "reviewer"), record_id)
    d = at.session_state["draft"]
    prefix = f"wf|{record_id}|{d['revision']}"
    at.radio(key=f"{prefix}|q2|verdict").set_value("to_correct")
    at.text_input(key=f"{prefix}|q2|comment").set_value("De ernst is niet onderbouwd")
    next(b for b in at.button if "terugsturen" in b.label).click().run()
    assert not at.exception, at.exception
    assert open_store().get(record_id).status == Status.TERUGGESTUURD

    # The author sees the comment at the question in the wizard, and resubmits from the review page.
    as_person(at, "A. de Vries", "beleidsmedewerker")
    at.query_params["step"] = "q2"
    at.switch_page("views/wizard.py").run()
    assert any("De ernst is niet onderbouwd" in w for w in texts(at.warning))
    assert any("Teruggestuurd met opmerkingen" in w for w in texts(at.warning))
    open_in_review(at, record_id)
    button(at, "wf|resubmit").click().run()
    assert open_store().get(record_id).status == Status.TER_REVIEW
    as_person(at, "B. Jansen", "reviewer")
    open_in_review(at, record_id)
    review_all(at, record_id)

    as_person(at, "C. Bakker", "vaststeller")
    open_in_review(at, record_id)
    button(at, "wf|sign_off").click().run()
    assert not at.exception, at.exception
    assert open_store().get(record_id).status == Status.VASTGESTELD
    assert any("Vastgesteld" in s.value for s in at.success)
    assert any("Vastgesteld door C. Bakker" in m for m in texts(at.markdown))

    # Signed off: the wizard is read-only and offers a new version, which replaces this one.
    at.query_params["step"] = "q1"
    at.switch_page("views/wizard.py").run()
    assert any("kan niet meer worden gewijzigd" in i for i in texts(at.info))
    assert all(t.disabled for t in at.text_area)
    button(at, "wf|new_version").click().run()
    assert not at.exception, at.exception
    newer = at.session_state["draft"]["id"]
    assert newer != record_id and at.session_state["draft"]["status"] == "concept"
    assert open_store().version_links(record_id)[1] == newer


# --- the wizard: read-only until someone may edit -----------------------------------------------------------


def test_the_wizard_is_read_only_until_a_name_and_role_are_stated():
    record = stored(example(), by="A. de Vries")
    at = open_in_wizard(app(), record.id)
    assert at.warning and "Wie werkt er?" in at.warning[0].value  # the first message on the page
    assert all(t.disabled for t in at.text_area)
    assert next(b for b in at.button if b.key == "nav|save").disabled
    as_person(at, "A. de Vries", "beleidsmedewerker").run()
    assert not any("Wie werkt er?" in w for w in texts(at.warning))
    assert not all(t.disabled for t in at.text_area)


def test_management_reads_but_does_not_edit():
    record = stored(example(), by="A. de Vries")
    at = open_in_wizard(as_person(app(), "M. Baas", "management"), record.id)
    assert any("bewerkt geen antwoorden" in i for i in texts(at.info))
    assert all(t.disabled for t in at.text_area)


def test_the_author_under_review_is_read_only_and_may_withdraw():
    record_id = in_review()
    at = open_in_wizard(as_person(app(), "A. de Vries", "beleidsmedewerker"), record_id)
    assert any("trek dan de indiening in" in i for i in texts(at.info))
    assert all(t.disabled for t in at.text_area)
    button(at, "wf|withdraw|wizard").click().run()
    assert not at.exception, at.exception
    assert open_store().get(record_id).status == Status.CONCEPT
    assert open_store().audit(record_id)[0].action == "withdrawn"
    assert not all(t.disabled for t in at.text_area)
