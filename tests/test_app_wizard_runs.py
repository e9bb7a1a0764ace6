"""One click, one run: the wizard's step buttons draw the chosen step in the run the click causes (AppTest).

Before, a click on «Volgende», «Vorige» or a step in the sidebar ran the page twice: once to draw the old step
(and save), then ``st.rerun()`` to draw the new one. Now the buttons' ``on_click`` (``ui.state.select_step``)
chooses the step before the run; the run saves the answer sent with the click and draws the new step. The runs
are counted at ``ui.state.absorb``, which ``app.py`` calls once at the start of every run.
"""

from __future__ import annotations

import tomllib

import pytest
from app_support import ROOT, draft, key, open_in_wizard, person_app, stored, texts

from framework.store import open_store
from ui import state


@pytest.fixture
def runs(monkeypatch):
    """The number of runs of the app since the last reset (``runs.clear()``)."""
    counted: list[int] = []
    absorb = state.absorb

    def counting() -> None:
        counted.append(1)
        absorb()

    monkeypatch.setattr(state, "absorb", counting)
    return counted


def _step(at) -> str:
    step = at.query_params["step"]
    return step[0] if isinstance(step, list) else step


def test_next_with_a_typed_answer_is_one_run_that_saves_it_and_draws_the_next_step(runs):
    record = stored()
    at = open_in_wizard(person_app(), record.id, "q2")
    text = "Een antwoord dat met de klik op Volgende meekomt, zoals een browser het stuurt."
    at.text_area(key=key(at, "q2", "answer")).input(text)  # typed, not yet sent: it goes with the click
    runs.clear()
    at.button(key="nav|next").click().run()
    assert not at.exception, at.exception
    assert len(runs) == 1
    assert texts(at.header) == ["Vraag 3. Hoe gaan we het probleem oplossen?"]
    assert _step(at) == "q3" and at.session_state["step"] == "q3"
    saved = open_store().get(record.id)  # saved before the next step was drawn, in that same run
    assert saved.revision == record.revision + 1
    assert saved.assessment.value("q2", "answer") == text
    assert saved.updated_by == "A. de Vries"  # attributed to who typed it, not to the author
    assert not draft(at)["dirty"]
    assert "A. de Vries" in " ".join(texts(at.caption))  # «opgeslagen ... door A. de Vries» shows the new revision


def test_next_without_a_change_is_one_run_and_makes_no_revision(runs):
    record = stored()
    at = open_in_wizard(person_app(), record.id, "q2")
    runs.clear()
    at.button(key="nav|next").click().run()
    assert len(runs) == 1
    assert _step(at) == "q3"
    assert open_store().get(record.id).revision == record.revision


def test_back_and_a_step_in_the_sidebar_are_one_run_each(runs):
    record = stored()
    at = open_in_wizard(person_app(), record.id, "q3")
    runs.clear()
    at.button(key="nav|back").click().run()
    assert len(runs) == 1
    assert texts(at.header) == ["Vraag 2. Hoe wezenlijk is het probleem?"]
    runs.clear()
    at.sidebar.button(key="step|q1").click().run()
    assert len(runs) == 1
    assert texts(at.header) == ["Vraag 1. Aanleiding"]
    assert at.sidebar.button(key="step|q1").proto.type == "primary"  # the step shown is marked in the list
    runs.clear()
    at.run()  # a run without a click stays on the step
    assert len(runs) == 1 and _step(at) == "q1"


def test_a_step_chosen_while_read_only_still_moves_and_saves_nothing(runs):
    record = stored()
    at = open_in_wizard(person_app(), record.id, "q2")
    at.session_state["user_role"] = None  # nobody stated with a role: read-only, as the gates require
    at.run()
    runs.clear()
    at.button(key="nav|next").click().run()
    assert len(runs) == 1
    assert _step(at) == "q3"
    assert open_store().get(record.id).revision == record.revision


def test_no_full_garbage_collection_after_every_run():
    """Streamlit's ``runner.postScriptGC`` (on by default) ran ``gc.collect(2)`` after every run: 100-170 ms of
    server CPU each on this app's heap (docs/performance.md). The settings ``streamlit run`` reads turn it off."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert settings["runner"]["postScriptGC"] is False


def test_a_read_only_deviation_is_stated_not_asked_for_and_offers_no_accept_button():
    """Finding of the new-user walk: a locked assessment told its reader «licht uw keuze toe» beside a greyed
    «Voorstel overnemen». A reader gets a statement and no button; whoever may edit keeps the request and the button."""
    from framework.loading import load_assessment

    med4cure = load_assessment(ROOT / "tests" / "data" / "newuser" / "ipcei-med4cure.yaml")[0]  # deviates at q14
    from framework.assessment import Status

    record = stored(med4cure.model_copy(update={"meta": med4cure.meta.model_copy(update={"status": Status.CONCEPT})}))
    editing = open_in_wizard(person_app(), record.id, "q14")
    shown = " ".join(texts(editing.caption))
    assert "licht uw keuze toe in de motivering" in shown
    assert any(b.key and b.key.startswith("accept|q14.") for b in editing.button)
    reading = person_app()
    reading.session_state["user_role"] = None  # nobody stated with a role: read-only
    reading = open_in_wizard(reading, record.id, "q14")
    shown = " ".join(texts(reading.caption))
    assert "wijkt af van het voorstel; de motivering licht de keuze toe" in shown
    assert "licht uw keuze toe" not in shown
    assert not any(b.key and b.key.startswith("accept|") for b in reading.button)
