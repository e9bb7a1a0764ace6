"""The overview page (AppTest, temporary SQLite store): list, filters, paging, actions, import."""

from __future__ import annotations

import json

from app_support import ENGLISH_DEFAULTS, ROOT, app, full_assessment, person_app, placeholders_we_set, stored, texts

from framework.store import open_store


def test_empty_overview_speaks_dutch_then_english():
    at = person_app()
    assert texts(at.title) == ["Beoordelingen"]
    assert "Er zijn nog geen beoordelingen" in texts(at.info)[0]
    at.radio(key="lang").set_value("en").run()
    assert texts(at.title) == ["Assessments"]
    assert "There are no assessments yet" in texts(at.info)[0]
    for placeholder in placeholders_we_set(at):
        assert placeholder and placeholder not in ENGLISH_DEFAULTS


def test_lists_filters_and_pages():
    store = open_store()
    base = full_assessment()
    for number in range(23):
        meta = base.meta.model_copy(update={"title": f"Beoordeling kenmerk{number:02d}"})
        store.create(base.model_copy(update={"meta": meta}), "Test")
    at = person_app()
    assert "1–20 van 23" in texts(at.caption)
    assert len([b for b in at.button if b.key.startswith("open|")]) == 20
    at.pagination(key="ov_page").select(2).run()
    assert "21–23 van 23" in texts(at.caption)
    at.text_input(key="ov_text").input("kenmerk07").run()
    assert "1–1 van 1" in texts(at.caption)
    assert any("Beoordeling kenmerk07" in m for m in texts(at.markdown))
    at.text_input(key="ov_text").input("bestaat niet").run()
    assert "Geen beoordelingen gevonden met deze filters." in texts(at.info)


def test_open_duplicate_archive_restore():
    record = stored()
    at = person_app()
    at.button(key=f"dup|{record.id}").click().run()
    assert open_store().list().total == 2
    at.button(key=f"archive|{record.id}").click().run()
    assert open_store().list().total == 1
    assert f"open|{record.id}" not in [b.key for b in at.button]
    at.toggle(key="ov_archived").set_value(True).run()
    at.button(key=f"restore|{record.id}").click().run()
    assert open_store().list().total == 2
    at.button(key=f"open|{record.id}").click().run()
    assert not at.exception
    assert at.session_state["draft"]["id"] == record.id


def test_import_bad_file_names_each_problem_then_good_file():
    at = person_app()
    bad = b"format: ipcei-assessment/1\nframework: {id: afwegingskader-ipcei, version: '2022-07'}\nmeta: {title: x}\n"
    at.file_uploader(key="ov_upload").upload("kapot.yaml", bad, "application/yaml")
    at.run()
    at.button(key="ov_import").click().run()
    assert not at.exception
    errors = texts(at.error)
    assert errors and "kapot.yaml" in errors[0] and "kon niet worden geïmporteerd" in errors[0]
    table = at.dataframe[0].value
    assert "meta.title" in " ".join(table["Veld"].astype(str))
    assert open_store().list().total == 0

    good = json.dumps(full_assessment().model_dump(mode="json")).encode()
    at.file_uploader(key="ov_upload").clear()
    at.file_uploader(key="ov_upload").upload("goed.json", good, "application/json")
    at.run()
    at.button(key="ov_import").click().run()
    assert not at.exception
    assert "Geïmporteerd als nieuwe beoordeling." in texts(at.success)
    assert open_store().list().total == 1


def test_search_finds_words_in_answers_and_shows_where():
    store = open_store()
    base = full_assessment()
    answers = {
        **base.answers,
        "q2": {**base.answers.get("q2", {}), "answer": "Het probleem is onvergelijkbaar wezenlĳk voor ons."},
    }
    wanted = store.create(base.model_copy(update={"answers": answers}), "Test")
    store.create(base, "Test")
    at = app()
    at.text_input(key="ov_text").input("ONVERGELIJKBAAR wezenlijk").run()
    assert "1–1 van 1" in texts(at.caption)
    assert any(
        c.startswith("2. Hoe wezenlijk is het probleem?: ") and "wezenlĳk voor ons" in c for c in texts(at.caption)
    )
    assert f"open|{wanted.id}" in [b.key for b in at.button]
    at.text_input(key="ov_text").input('"*-').run()
    assert "De zoektekst bevat geen woorden (letters of cijfers); er is niets gevonden." in texts(at.caption)
    assert not at.exception


def test_import_of_a_file_that_claims_vastgesteld_is_a_concept_and_needs_a_person():
    from framework.loading import load_assessment

    claimed, _ = load_assessment(ROOT / "examples" / "ipcei-micro-elektronica.yaml")  # says: vastgesteld
    data = json.dumps(claimed.model_dump(mode="json")).encode()
    at = app()  # nobody stated: the import button is disabled and says why
    at.file_uploader(key="ov_upload").upload("vastgesteld.json", data, "application/json")
    at.run()
    assert at.button(key="ov_import").disabled
    assert any("wie er werkt" in c for c in texts(at.caption))
    at = person_app()
    at.file_uploader(key="ov_upload").upload("vastgesteld.json", data, "application/json")
    at.run()
    at.button(key="ov_import").click().run()
    assert not at.exception, at.exception
    assert any("noemde de status «Vastgesteld»" in i and "als concept" in i for i in texts(at.info))
    [summary] = open_store().list().items
    assert summary.status.value == "concept"
    entry = open_store().audit(summary.id)[0]
    assert entry.by == "A. de Vries" and entry.detail["claimed_status"] == "vastgesteld"
