"""The wizard (AppTest, temporary SQLite store): steps, autosave, text kept, suggestions, findings, conflicts."""

from __future__ import annotations

import re
from pathlib import Path

from app_support import ENGLISH_DEFAULTS, ROOT, draft, full_assessment, key, open_in_wizard, person_app, stored, texts

from framework import draft as drafting
from framework.loading import default_framework
from framework.store import open_store


def _partial():
    """The full example without its conclusions, so that the wizard suggests them."""
    assessment = full_assessment()
    answers = {k: v for k, v in assessment.answers.items() if k not in ("conclusion_a", "conclusion_b", "q14")}
    return assessment.model_copy(update={"answers": answers})


def test_one_step_per_question_with_states(framework):
    record = stored(_partial())
    at = open_in_wizard(person_app(), record.id)
    step_buttons = [b for b in at.sidebar.button if b.key.startswith("step|") and b.key != "step|review"]
    assert [b.key.removeprefix("step|") for b in step_buttons] == [s.id for s in drafting.steps(framework)]
    icons = {b.key: b.proto.icon for b in step_buttons}
    assert icons["step|q1"] == ":material/check_circle:"
    assert icons["step|q14"] == ":material/radio_button_unchecked:"
    assert texts(at.header) == ["Vraag 1. Aanleiding"]
    assert any("Wat is de aanleiding?" in m for m in texts(at.markdown))
    assert [e.label for e in at.expander] == ["Toelichting bij deze vraag"] or "Toelichting bij deze vraag" in [
        e.label for e in at.expander
    ]
    progress = at.get("progress")[0]
    assert "13 van 16 vragen beantwoord" in progress.proto.text
    for widget in (*at.selectbox, *at.multiselect, *at.text_area):
        assert widget.proto.placeholder not in ENGLISH_DEFAULTS


def test_text_survives_reruns_steps_language_and_page_switch():
    record = stored(_partial())
    at = open_in_wizard(person_app(), record.id, "q2")
    text = "Een nieuw antwoord op vraag 2 dat langer is dan veertig tekens, zodat het telt."
    at.text_area(key=key(at, "q2", "answer")).input(text).run()
    assert draft(at)["data"]["answers"]["q2"]["answer"] == text
    assert not draft(at)["dirty"]  # saved at once
    at.run()
    assert at.text_area(key=key(at, "q2", "answer")).value == text
    # AppTest cannot keep a translated choice across a change of language: the role is cleared first (the wizard
    # is then read-only, which is what is checked below: the saved text is shown, in English surroundings)
    at.sidebar.selectbox(key="user_role").set_value(None).run()
    at.radio(key="lang").set_value("en").run()
    assert texts(at.header) == ["Question 2. How substantial is the problem?"]
    assert at.text_area(key=key(at, "q2", "answer")).value == text
    assert open_store().get(record.id).assessment.value("q2", "answer") == text
    at.switch_page("views/overview.py").run()
    at.switch_page("views/wizard.py").run()
    assert at.text_area(key=key(at, "q2", "answer")).value == text


def test_autosave_on_every_change_and_on_save():
    record = stored(_partial())
    at = open_in_wizard(person_app(), record.id, "q3")
    at.text_area(key=key(at, "q3", "objectives")).input("Doel één\nDoel twee\n").run()
    saved = open_store().get(record.id)  # a committed change is saved at once: a reload loses nothing
    assert saved.revision == record.revision + 1
    assert saved.assessment.value("q3", "objectives") == ["Doel één", "Doel twee"]
    at.button(key="nav|next").click().run()
    assert texts(at.header) == ["Vraag 4. Ligt er een actieve taak voor de overheid?"]
    assert open_store().get(record.id).revision == record.revision + 1  # nothing new: no new revision
    at.radio(key=key(at, "q4", "verdict")).set_value("deels").run()
    at.button(key="nav|save").click().run()
    assert open_store().get(record.id).assessment.value("q4", "verdict") == "deels"
    assert at.query_params["step"] in (["q4"], "q4")
    at.button(key="step|q1").click().run()
    assert texts(at.header) == ["Vraag 1. Aanleiding"]


def test_a_change_that_comes_back_to_what_is_stored_makes_no_revision():
    record = stored(_partial())
    at = open_in_wizard(person_app(), record.id, "q3")
    box = key(at, "q3", "objectives")
    before = at.text_area(key=box).value
    at.text_area(key=box).input("Een doel dat weer weggaat").run()
    assert open_store().get(record.id).revision == record.revision + 1
    at.text_area(key=box).input(before).run()  # back as it was stored first: a change, saved
    assert open_store().get(record.id).revision == record.revision + 2
    draft(at)["dirty"] = True  # marked changed (a widget that reports its value again), the same content
    at.button(key="nav|next").click().run()
    assert open_store().get(record.id).revision == record.revision + 2  # no revision without a change
    assert not draft(at)["dirty"]


def test_suggestion_with_reasoning_can_be_accepted():
    record = stored(_partial())
    at = open_in_wizard(person_app(), record.id, "conclusion_a")
    assert any("Voorstel voor «Is een actieve overheidsrol nodig?»" in m for m in texts(at.markdown))
    at.button(key="accept|conclusion_a.government_role").click().run()
    assert draft(at)["data"]["answers"]["conclusion_a"]["government_role"] == "ja"
    assert at.radio(key=key(at, "conclusion_a", "government_role")).value == "ja"
    assert any("Overgenomen." in c for c in texts(at.caption))
    at.radio(key=key(at, "conclusion_a", "government_role")).set_value("nee").run()
    assert any("U wijkt af van het voorstel" in c for c in texts(at.caption))


def test_consistency_finding_appears_with_links_and_disappears():
    record = stored(_partial())
    at = open_in_wizard(person_app(), record.id, "q4")
    failures = key(at, "q4", "failures")
    at.multiselect(key=failures).set_value(["marktfalen", "geen"]).run()
    assert any("tegelijk «geen falen aangetoond»" in e for e in texts(at.error))
    assert at.sidebar.button(key="step|q4").proto.icon == ":material/warning:"
    at.multiselect(key=failures).set_value(["marktfalen"]).run()
    assert not any("tegelijk" in e for e in texts(at.error))
    # a finding that names another question offers a button to it
    at.button(key="step|q14").click().run()
    at.radio(key=key(at, "q14", "advice")).set_value("deelnemen").run()
    at.button(key="step|conclusion_b").click().run()
    at.radio(key=key(at, "conclusion_b", "only_via_ipcei")).set_value("nee").run()
    jump = [b for b in at.button if b.key.startswith("jump|") and b.key.endswith("|q14")]
    assert jump
    jump[0].click().run()
    assert texts(at.header) == ["Vraag 14. Conclusie: Advies"]
    assert any("Daadwerkelijke deelname" in c for c in texts(at.caption))  # the footnote of Q14


def test_general_data_step_validates_beside_fields():
    record = stored(_partial())
    at = open_in_wizard(person_app(), record.id, "meta")
    d = draft(at)
    title = f"m|{d['id']}|{d['gen']}|nl|title"
    at.text_input(key=title).input("x").run()
    assert any("Te kort" in m for m in texts(at.markdown))
    assert draft(at)["data"]["meta"]["title"] == record.assessment.meta.title  # the invalid title is not taken
    at.text_input(key=title).input("Een betere titel").run()
    assert draft(at)["data"]["meta"]["title"] == "Een betere titel"


def test_conflict_shows_both_versions_and_nothing_is_overwritten_silently():
    record = stored(_partial())
    at = open_in_wizard(person_app(), record.id, "q1")
    theirs_text = "De versie van een collega, die intussen heeft opgeslagen, ook lang genoeg."
    store = open_store()
    other = record.assessment.model_copy(deep=True)
    other.answers["q1"]["answer"] = theirs_text
    store.save(record.id, other, "Collega", based_on=record.revision)
    mine = "Mijn versie van de aanleiding, lang genoeg om volledig te zijn voor de regels."
    at.text_area(key=key(at, "q1", "answer")).input(mine).run()
    assert not at.exception
    warning = " ".join(texts(at.warning))
    assert "Collega" in warning and "1 veld(en)" in warning
    shown = texts(at.text)
    assert mine in shown and theirs_text in shown
    assert store.get(record.id).assessment.value("q1", "answer") == theirs_text  # nothing overwritten yet
    assert at.button(key="c|apply").disabled
    radios = [r for r in at.radio if r.key and r.key.startswith("c|")]
    radios[0].set_value("mine").run()
    at.button(key="c|apply").click().run()
    assert not at.exception
    final = store.get(record.id)
    assert final.assessment.value("q1", "answer") == mine
    assert final.revision == record.revision + 2
    assert "conflict" not in at.session_state
    assert at.text_area(key=key(at, "q1", "answer")).value == mine


def test_a_fifteenth_question_is_a_fifteenth_step(tmp_path, monkeypatch):
    meta = full_assessment().meta
    text = (ROOT / "questions.yaml").read_text(encoding="utf-8")
    extra = (
        "  - id: q15\n    number: '15'\n    title:\n      nl: Een vijftiende vraag\n      en: A fifteenth question\n"
        "    fields:\n    - id: answer\n      type: text\n      label:\n        nl: Beknopt antwoord\n"
        "        en: Concise answer\n      required: true\n"
    )
    revised = re.sub(r"(?m)^version: .*$", "version: 2099-01", text, count=1).replace(
        "- id: conclusion\n", extra + "- id: conclusion\n", 1
    )
    path = Path(tmp_path) / "revised.yaml"
    path.write_text(revised, encoding="utf-8")
    monkeypatch.setenv("IPCEI_FRAMEWORK", str(path))
    framework = default_framework()
    assert framework.version == "2099-01"
    assessment = drafting.new_assessment(framework, meta)
    record = stored(assessment)
    at = open_in_wizard(person_app(), record.id, "q15")
    assert texts(at.header) == ["Vraag 15. Een vijftiende vraag"]
    assert "step|q15" in [b.key for b in at.sidebar.button]
