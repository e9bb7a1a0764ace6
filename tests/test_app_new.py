"""The new-assessment page (AppTest): validation messages beside the fields, then the wizard."""

from __future__ import annotations

from app_support import ENGLISH_DEFAULTS, app, person_app, placeholders_we_set, texts

from framework.store import open_store


def _fill(at, **values):
    for name, value in values.items():
        if name in ("ecosystem", "phase"):
            at.selectbox(key=f"new|{name}").select(value)
        elif name == "member_states":
            at.multiselect(key=f"new|{name}").set_value(value)
        elif name == "national_budget_eur":
            at.number_input(key=f"new|{name}").set_value(value)
        else:
            at.text_input(key=f"new|{name}").input(value)


def test_messages_beside_the_fields_in_dutch():
    at = app()
    at.switch_page("views/new_assessment.py").run()
    for placeholder in placeholders_we_set(at):
        assert placeholder and placeholder not in ENGLISH_DEFAULTS
    _fill(at, title="ab")
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert "Nog niet aangemaakt" in texts(at.error)[0]
    messages = [m for m in texts(at.markdown) if m.startswith(":red[")]
    assert len(messages) == 5  # title too short; IPCEI, author missing; ecosystem, phase not chosen
    assert any("Te kort; gebruik ten minste 3 tekens." in m for m in messages)
    assert any("Maak een keuze." in m for m in messages)
    assert open_store().list().total == 0


def test_no_multiselect_offers_the_english_select_all():
    """Streamlit's «Select all» is English only: every multiselect of the metadata hides it (0 = never shown)."""
    at = app()
    at.switch_page("views/new_assessment.py").run()
    shown = {box.key: box.proto.select_all for box in at.multiselect}
    assert {"new|member_states", "new|secondary_ecosystems"} <= set(shown)
    assert {key: value for key, value in shown.items() if value != 0} == {}


def test_messages_in_english():
    at = app()
    at.radio(key="lang").set_value("en").run()
    at.switch_page("views/new_assessment.py").run()
    at.form_submit_button[0].click().run()
    messages = [m for m in texts(at.markdown) if m.startswith(":red[")]
    assert any("Please fill in this field." in m for m in messages)
    assert any("Please make a choice." in m for m in messages)


def test_creates_the_assessment_and_opens_the_wizard():
    at = person_app()
    at.text_input(key="user_name").input("J. de Vries").run()
    at.switch_page("views/new_assessment.py").run()
    assert at.text_input(key="new|author").value == "J. de Vries"
    _fill(
        at,
        title="Deelname aan IPCEI Waterstof",
        ipcei="IPCEI Hy2Tech",
        ecosystem="energie_intensief",
        phase="notificatie",
        member_states=["nl", "de", "fr", "it", "be"],
        national_budget_eur=35_000_000,
    )
    at.form_submit_button[0].click().run()
    assert not at.exception
    page = open_store().list()
    assert page.total == 1 and page.items[0].title == "Deelname aan IPCEI Waterstof"
    record = open_store().get(page.items[0].id)
    assert record.assessment.meta.national_budget_eur == 35_000_000
    assert record.created_by == "J. de Vries"
    assert at.session_state["draft"]["id"] == record.id
    at.switch_page("views/wizard.py").run()  # AppTest does not follow st.switch_page into the next run
    assert texts(at.header) == ["Vraag 1. Aanleiding"]


def test_nobody_stated_nothing_is_created():
    at = app()
    at.switch_page("views/new_assessment.py").run()
    assert any("Wie werkt er?" in w for w in texts(at.warning))
    _fill(
        at,
        title="Deelname aan IPCEI Waterstof",
        ipcei="IPCEI Hy2Tech",
        author="J. de Vries",
        ecosystem="energie_intensief",
        phase="notificatie",
    )
    at.form_submit_button[0].click().run()
    assert any("Wie werkt er?" in e for e in texts(at.error))
    assert open_store().list().total == 0
