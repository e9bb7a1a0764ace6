"""The wizard (AppTest) keeps the evidence register: add an entry, cite it at a question, refuse a duplicate id."""

from __future__ import annotations

from app_support import draft, full_assessment, open_in_wizard, person_app, stored, texts

from framework.store import open_store


def _add(at, entry_id: str, title: str, kind: str = "bron"):
    at.text_input(key="ev_new|id").input(entry_id)
    at.text_input(key="ev_new|title").input(title)
    at.selectbox(key="ev_new|kind").set_value(kind)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_an_entry_is_added_cited_and_saved():
    record = stored(full_assessment())
    at = open_in_wizard(person_app(), record.id, "q14")
    cite_key = f"ev|{draft(at)['id']}|{draft(at)['gen']}|q14"
    assert at.multiselect(key=cite_key).disabled  # nothing to cite while the register is empty
    _add(at, "A1", "Drie bedrijven doen mee aan de nationale call", kind="aanname")
    saved = open_store().get(record.id).assessment
    assert [(e.id, e.kind, e.status) for e in saved.evidence] == [("A1", "aanname", "open")]
    at.multiselect(key=cite_key).set_value(["A1"]).run()
    assert not at.exception, at.exception
    saved = open_store().get(record.id).assessment
    assert saved.citations == {"q14": ["A1"]}
    # the open assumption behind the advice is an info finding, shown on the concluding step
    assert any("open aanname: [A1]" in m for m in [*texts(at.markdown), *texts(at.caption), *texts(at.info)])


def test_a_duplicate_id_and_a_bad_id_are_refused_beside_the_form():
    record = stored(full_assessment())
    at = open_in_wizard(person_app(), record.id, "q9")
    _add(at, "B1", "Kamerbrief strategisch en groen industriebeleid")
    _add(at, "B1", "Een andere bron")
    messages = [m for m in texts(at.markdown) if m.startswith(":red[")]
    assert len(messages) == 1 and "B1 staat al in het register" in messages[0], messages
    _add(at, "1 fout", "Nog een bron")
    messages = [m for m in texts(at.markdown) if m.startswith(":red[")]
    assert len(messages) == 1 and "Niet toegevoegd" in messages[0] and "id" in messages[0], messages
    assert [e.id for e in open_store().get(record.id).assessment.evidence] == ["B1"]


def test_the_review_page_shows_the_citations_and_the_register():
    from app_support import app

    from framework.evidence import EvidenceEntry

    assessment = full_assessment()
    register = [
        EvidenceEntry(id="A1", kind="aanname", title="Drie bedrijven doen mee aan de nationale call"),
        EvidenceEntry(id="B1", kind="bron", title="Kamerbrief", reference="Kamerstuk 29 826, nr. 147"),
    ]
    assessment = assessment.model_copy(
        update={"format": "ipcei-assessment/2", "evidence": register, "citations": {"q12": ["A1", "B1"]}}
    )
    record = stored(assessment)
    at = app()
    at.query_params["id"] = record.id
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    assert "Onderbouwing uit het register: [A1], [B1]" in texts(at.caption)
    (table,) = [frame.value for frame in at.dataframe if "Aangehaald bij" in frame.value.columns]
    rows = {row["Id"]: row for row in table.to_dict("records")}
    assert rows["[A1]"]["Aangehaald bij"] == "vraag 12" and rows["[B1]"]["Soort"].startswith("bron")
