"""The wizard (AppTest) keeps format /2 marks: a qualifier beside a verdict, «onbekend» with a reason, «geen»."""

from __future__ import annotations

from app_support import draft, full_assessment, key, open_in_wizard, person_app, stored, texts

from framework.store import open_store


def _without(assessment, question_id, field_id):
    answers = {q: dict(f) for q, f in assessment.answers.items()}
    answers.get(question_id, {}).pop(field_id, None)
    return assessment.model_copy(update={"answers": answers})


def test_a_qualifier_is_typed_beside_the_verdict_and_saved():
    record = stored(full_assessment())
    at = open_in_wizard(person_app(), record.id, "q9")
    field_key = key(at, "q9", "state_aid_necessary")
    qualifier = at.text_input(key=f"{field_key}|qualifier")
    assert qualifier.label == "Toelichting bij het oordeel" and qualifier.max_chars == 300
    qualifier.input("ja, voor het Europese project").run()
    assert not at.exception, at.exception
    assert draft(at)["data"]["qualifiers"] == {"q9": {"state_aid_necessary": "ja, voor het Europese project"}}
    saved = open_store().get(record.id).assessment
    assert saved.qualifier("q9", "state_aid_necessary") == "ja, voor het Europese project"
    at.text_input(key=f"{field_key}|qualifier").input("").run()
    assert open_store().get(record.id).assessment.qualifiers == {}


def test_onbekend_with_a_reason_and_geen_are_kept_only_for_an_empty_field():
    record = stored(_without(full_assessment(), "q12", "private_investment_eur"))
    at = open_in_wizard(person_app(), record.id, "q12")
    amount_key = key(at, "q12", "private_investment_eur")
    at.text_input(key=f"{amount_key}|unknown").input("volgt uit de nationale call").run()
    assert not at.exception, at.exception
    saved = open_store().get(record.id).assessment
    assert saved.unknown_reason("q12", "private_investment_eur") == "volgt uit de nationale call"
    at.number_input(key=amount_key).set_value(5_000_000).run()  # an amount after all: «onbekend» is not kept
    assert any("wordt niet bewaard" in c for c in texts(at.caption))
    saved = open_store().get(record.id).assessment
    assert saved.value("q12", "private_investment_eur") == 5_000_000 and saved.unknown == {}
    at.checkbox(key=f"{key(at, 'q12', 'companies')}|none").check().run()
    assert any("«geen» wordt niet bewaard" in c for c in texts(at.caption))  # the example lists companies
    assert open_store().get(record.id).assessment.none_stated == {}


def test_geen_voorwaarden_is_saved_and_shown_on_the_review_page():
    record = stored(_without(full_assessment(), "q14", "conditions"))
    at = open_in_wizard(person_app(), record.id, "q14")
    at.checkbox(key=f"{key(at, 'q14', 'conditions')}|none").check().run()
    assert not at.exception, at.exception
    assert open_store().get(record.id).assessment.none_stated == {"q14": ["conditions"]}
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    assert "geen" in texts(at.text)  # the field shown with its explicit «geen», not left out as unanswered


def test_the_new_assessment_form_takes_the_format_2_metadata():
    import datetime

    at = person_app("J. de Vries")
    at.switch_page("views/new_assessment.py").run()
    at.text_input(key="new|title").input("Deelname aan IPCEI Test")
    at.text_input(key="new|ipcei").input("IPCEI Test")
    at.selectbox(key="new|ecosystem").select("energie_intensief")
    at.selectbox(key="new|phase").select("verkenning")
    at.multiselect(key="new|member_states").set_value(["nl", "el", "de"])
    at.selectbox(key="new|coordinator").select("el")
    at.text_area(key="new|few_member_states_reason").input("Het project vraagt drie gespecialiseerde lidstaten.")
    at.date_input(key="new|reference_date").set_value(datetime.date(2024, 3, 1))
    at.multiselect(key="new|secondary_ecosystems").set_value(["digitaal"])
    at.text_input(key="new|national_budget_unknown").input("volgt na de nationale call")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    (summary,) = open_store().list().items
    meta = open_store().get(summary.id).assessment.meta
    assert (meta.coordinator, meta.reference_date) == ("el", datetime.date(2024, 3, 1))
    assert meta.secondary_ecosystems == ["digitaal"] and meta.national_budget_unknown == "volgt na de nationale call"
    assert meta.few_member_states_reason.startswith("Het project vraagt")


def test_a_coordinator_outside_the_member_states_is_refused_beside_the_field():
    at = person_app("J. de Vries")
    at.switch_page("views/new_assessment.py").run()
    at.text_input(key="new|title").input("Deelname aan IPCEI Test")
    at.text_input(key="new|ipcei").input("IPCEI Test")
    at.selectbox(key="new|ecosystem").select("energie_intensief")
    at.selectbox(key="new|phase").select("verkenning")
    at.multiselect(key="new|member_states").set_value(["nl", "de"])
    at.selectbox(key="new|coordinator").select("fr")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    messages = [m for m in texts(at.markdown) if m.startswith(":red[")]
    assert len(messages) == 1 and "niet een van de deelnemende lidstaten" in messages[0], messages
    at.selectbox(key="new|coordinator").select("de")
    at.number_input(key="new|national_budget_eur").set_value(1_000_000)
    at.text_input(key="new|national_budget_unknown").input("toch onbekend")
    at.form_submit_button[0].click().run()
    messages = [m for m in texts(at.markdown) if m.startswith(":red[")]
    assert len(messages) == 1 and "óf een bedrag óf «onbekend»" in messages[0], messages
    assert open_store().list().total == 0
