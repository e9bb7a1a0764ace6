"""The wizard (AppTest) keeps format /2 marks: a qualifier beside a verdict, «onbekend» with a reason, «geen»."""

from __future__ import annotations

from app_support import app, draft, full_assessment, key, open_in_wizard, stored, texts

from framework.store import open_store


def _without(assessment, question_id, field_id):
    answers = {q: dict(f) for q, f in assessment.answers.items()}
    answers.get(question_id, {}).pop(field_id, None)
    return assessment.model_copy(update={"answers": answers})


def test_a_qualifier_is_typed_beside_the_verdict_and_saved():
    record = stored(full_assessment())
    at = open_in_wizard(app(), record.id, "q9")
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
    at = open_in_wizard(app(), record.id, "q12")
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
    at = open_in_wizard(app(), record.id, "q14")
    at.checkbox(key=f"{key(at, 'q14', 'conditions')}|none").check().run()
    assert not at.exception, at.exception
    assert open_store().get(record.id).assessment.none_stated == {"q14": ["conditions"]}
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    assert "geen" in texts(at.text)  # the field shown with its explicit «geen», not left out as unanswered
