"""The app under a revised framework (AppTest): an old assessment keeps its own version, steps and guidance
and saves; «Overzetten naar versie …» moves it explicitly; number and date fields have their widgets."""

from __future__ import annotations

from datetime import date

import pytest
from app_support import FULL_EXAMPLE, app, draft, key, open_in_wizard, person_app, stored, texts
from revision_support import NEW_VERSION, OLD_VERSION_FILE, Q2_GUIDANCE, new_answers, write_revision

from framework import draft as drafting
from framework.assessment import FrameworkRef, Status
from framework.loading import load_assessment, load_framework
from framework.store import open_store


@pytest.fixture
def revised(tmp_path, monkeypatch):
    """An old assessment stored under 2022-07; then the revision becomes the default and 2022-07 is no file."""
    record = stored()
    path = write_revision(tmp_path / "herzien")
    monkeypatch.setenv("IPCEI_FRAMEWORK", str(path))
    monkeypatch.setenv("IPCEI_FRAMEWORKS_DIR", str(tmp_path / "leeg"))
    return record, load_framework(path)


def _steps(at) -> list[str]:
    return [
        b.key.removeprefix("step|") for b in at.sidebar.button if b.key.startswith("step|") and b.key != "step|review"
    ]


def test_an_old_assessment_shows_its_own_steps_and_saves(revised):
    record, _new = revised
    old = open_store().framework_for(record)
    at = open_in_wizard(person_app(), record.id, "q2")
    assert _steps(at) == [s.id for s in drafting.steps(old)] and "q15" not in _steps(at)
    assert not any(Q2_GUIDANCE in m for m in texts(at.markdown))  # its own guidance of Q2, not the new one
    assert any("volgt versie 2022-07" in i for i in texts(at.info))
    text = "Een aangepast antwoord op vraag 2, onder de eigen versie van het kader, langer dan veertig tekens."
    at.text_area(key=key(at, "q2", "answer")).input(text).run()
    assert not at.exception and not draft(at)["dirty"]
    saved = open_store().get(record.id)
    assert saved.assessment.value("q2", "answer") == text and saved.framework_key.endswith("@2022-07")
    assert saved.revision == 2

    # «Overzetten naar versie 2026-01»: the plan first, then the move
    assert f"Overzetten naar versie {NEW_VERSION}" in [e.label for e in at.expander]
    assert any("Nieuw in deze versie: 1" in m for m in texts(at.markdown))
    at.button(key="versions|upgrade").click().run()
    assert not at.exception, at.exception
    moved = open_store().get(record.id)
    assert moved.framework_key.endswith(f"@{NEW_VERSION}") and moved.revision == 3
    assert moved.assessment.value("q2", "answer") == text
    assert "q15" in _steps(at) and draft(at)["framework_sha"] == moved.framework_sha256
    assert [e.action for e in open_store().audit(record.id, limit=1)] == ["upgraded"]


def test_number_and_date_fields_in_the_wizard(revised):
    _record, new = revised
    assessment = load_assessment(FULL_EXAMPLE, framework=load_framework(OLD_VERSION_FILE))[0]
    answers = {**assessment.answers, "q15": new_answers()}
    ref = FrameworkRef(id=new.id, version=new.version)
    meta = assessment.meta.model_copy(update={"status": Status.CONCEPT})  # editable: a concept, not ter review
    record = open_store().create(
        assessment.model_copy(update={"framework": ref, "answers": answers, "meta": meta}), "Tester"
    )
    at = open_in_wizard(person_app(), record.id, "q15")
    assert texts(at.header) == ["Vraag 15. Economische veiligheid"]
    assert any("C · Economische veiligheid: Is de waardeketen weerbaar?" in c for c in texts(at.caption))
    share = at.number_input(key=key(at, "q15", "share_nl"))
    assert share.value == 7.5 and share.label == "Aandeel Nederlandse deelnemers (%)"
    assert share.proto.step == 0.5  # no widget range: Streamlit's range error is English; the bounds are ours
    assert at.date_input(key=key(at, "q15", "decision_date")).value == date(2026, 3, 31)
    assert any(
        "De gevraagde steun is groter dan het financieringstekort." in m
        for m in [*texts(at.markdown), *texts(at.error), *texts(at.warning)]
    )
    share.set_value(12.5).run()
    at.date_input(key=key(at, "q15", "decision_date")).set_value(date(2026, 4, 1)).run()
    assert not at.exception
    assert "12,5%" in texts(at.caption)
    at.number_input(key=key(at, "q15", "share_nl")).set_value(150).run()
    assert any("groter dan het maximum van 100%" in e for e in texts(at.error)), texts(at.error)
    saved = open_store().get(record.id).assessment.answers["q15"]
    assert saved["share_nl"] == 12.5 and saved["decision_date"] == "2026-04-01"


def test_a_version_that_cannot_be_read_is_named_and_the_assessment_stays_read_only(revised):
    """No fallback to another version: the kept copy is unreadable, so the page says which version, and stops."""
    from sqlalchemy import update

    from framework.store.tables import frameworks

    record, _new = revised
    with open_store().engine.begin() as conn:
        conn.execute(
            update(frameworks).where(frameworks.c.sha256 == record.framework_sha256).values(text="format: kapot\n")
        )
    at = app()
    at.query_params["id"] = record.id
    at.switch_page("views/wizard.py").run()
    assert not at.exception, at.exception
    assert any("volgt versie 2022-07 van het kader" in e for e in texts(at.error))
    assert not at.text_area and not at.number_input  # nothing to edit
    assert open_store().get(record.id).revision == 1
