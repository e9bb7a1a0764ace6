"""The review page's sign-off panel and the wizard's view of review (AppTest): the framework's rules in the UI.

Self-approval is refused by ``framework.workflow`` even when the button is pressed; the reviewer's verdicts reach
the author in the wizard; a signed-off assessment is read-only and a new version replaces it.
"""

from __future__ import annotations

from app_support import app, full_assessment, stored, texts
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


def on_review(at: AppTest, record_id: str) -> AppTest:
    at.query_params["id"] = record_id
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def in_review() -> str:
    example = full_assessment()
    meta = example.meta.model_copy(update={"status": Status.CONCEPT, "author": "A. de Vries"})
    record = stored(example.model_copy(update={"meta": meta}), by="A. de Vries")
    wf.submit(open_store(), record.id, AUTHOR)
    return record.id


def test_self_approval_is_refused_in_the_ui():
    record_id = in_review()
    at = on_review(as_person(app(), "A. de Vries", "vaststeller"), record_id)
    assert any("Vier ogen" in w.value for w in at.warning)
    button(at, "wf|sign_off").click().run()
    assert any("Niet toegestaan" in e.value and "vier ogen" in e.value for e in at.error)
    assert not any("four eyes" in e.value for e in at.error)  # Dutch in the Dutch app
    assert open_store().get(record_id).status == Status.TER_REVIEW


def test_without_a_stated_identity_no_step_is_offered():
    record_id = in_review()
    at = on_review(app(), record_id)
    assert any("naam en rol" in i.value for i in at.info)
    assert not [b for b in at.button if str(b.key).startswith("wf|")]


def test_review_returns_with_comments_the_author_sees_them_then_sign_off_freezes():
    record_id = in_review()
    at = on_review(as_person(app(), "B. Jansen", "reviewer"), record_id)
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
    assert any("De ernst is niet onderbouwd" in w.value for w in at.warning)
    assert any("Teruggestuurd met opmerkingen" in w.value for w in at.warning)
    on_review(at, record_id)
    button(at, "wf|resubmit").click().run()
    assert open_store().get(record_id).status == Status.TER_REVIEW

    as_person(at, "C. Bakker", "vaststeller")
    on_review(at, record_id)
    button(at, "wf|sign_off").click().run()
    assert not at.exception, at.exception
    assert open_store().get(record_id).status == Status.VASTGESTELD
    assert any("Vastgesteld" in s.value for s in at.success)
    assert any("Vastgesteld door C. Bakker" in m for m in texts(at.markdown))

    # Signed off: the wizard is read-only and offers a new version, which replaces this one.
    at.query_params["step"] = "q1"
    at.switch_page("views/wizard.py").run()
    assert any("kan niet meer worden gewijzigd" in i.value for i in at.info)
    assert all(t.disabled for t in at.text_area)
    button(at, "wf|new_version").click().run()
    assert not at.exception, at.exception
    newer = at.session_state["draft"]["id"]
    assert newer != record_id and at.session_state["draft"]["status"] == "concept"
    assert open_store().version_links(record_id)[1] == newer
