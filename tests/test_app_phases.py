"""Phases in the app (AppTest): the review page says what changed since the signed-off advice, the wizard and the
review page mark carried-over answers, and the new-assessment page starts the next phase of a dossier."""

from __future__ import annotations

from app_support import app, person_app, texts
from phase_support import chain

from framework.store import open_store


def _review(at, record_id):
    at.query_params["id"] = record_id
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    return at


def test_the_review_page_shows_what_changed_since_the_signed_off_advice():
    with open_store() as store:
        ids = chain(store, sign_last=False)
    at = _review(app(), ids[2])
    shown = "\n".join(texts(at.header))
    assert "Wat is er veranderd sinds het vastgestelde advies van" in shown
    markdown = "\n".join(texts(at.markdown))
    assert "Ernst van het probleem" in markdown and "~~Levensbedreigend~~ → Ernstig" in markdown
    assert "~~€ 40.000.000~~ → € 45.000.000" in markdown
    assert ":green[**In de pre-notificatie stelde de Commissie vragen" in markdown
    captions = texts(at.caption)
    assert any("Overgenomen uit het vastgestelde advies van" in c for c in captions)
    assert any("vastgesteld door C. Bakker" in c for c in captions)


def test_the_first_advice_of_a_dossier_has_no_such_section():
    with open_store() as store:
        ids = chain(store, sign_last=False)
    at = _review(app(), ids[0])
    assert not any("Wat is er veranderd" in h for h in texts(at.header))
    assert not any("Overgenomen uit" in c for c in texts(at.caption))


def test_the_wizard_marks_an_answer_until_it_is_changed():
    with open_store() as store:
        ids = chain(store, sign_last=False)
    at = person_app()
    at.query_params["id"] = ids[2]
    at.query_params["step"] = "q3"
    at.switch_page("views/wizard.py").run()
    assert not at.exception, at.exception
    assert any("Overgenomen uit het vastgestelde advies van" in c for c in texts(at.caption))
    at.query_params["step"] = "q1"
    at.switch_page("views/wizard.py").run()
    q1 = [c for c in texts(at.caption) if "Overgenomen uit" in c]
    with open_store() as store:
        answers = store.get(ids[2]).assessment.answers["q1"]
    filled = [f for f, v in answers.items() if v not in (None, "", [])]
    assert "answer" in filled and len(q1) == len(filled) - 1  # all but the answer, changed in this phase


def test_the_next_phase_starts_from_the_latest_signed_off_advice():
    with open_store() as store:
        ids = chain(store)  # three phases, all signed off: the next is uitvoering
    at = person_app()
    at.query_params["from"] = ids[0]  # any assessment of the dossier: the start is its latest signed-off one
    at.switch_page("views/new_assessment.py").run()
    assert not at.exception, at.exception
    choice = at.selectbox(key="phases|next")
    assert choice.options == ["Uitvoering", "Afgerond"]  # never a phase before the signed-off one
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    with open_store() as store:
        dossier = store.dossier(store.dossier_of(ids[0]))
        assert len(dossier) == 4
        new = dossier[-1]
        assert new.phase == "uitvoering" and new.status == "concept"
        assert store.phase_link(new.id).based_on == ids[2]
    assert at.session_state["draft"]["id"] == new.id


def test_the_dossier_is_stated_on_the_general_step():
    from app_support import stored

    record = stored(by="A. de Vries")
    at = person_app()
    at.query_params["id"] = record.id
    at.query_params["step"] = "meta"
    at.switch_page("views/wizard.py").run()
    field = next(w for w in at.text_input if w.key.endswith("|dossier"))
    field.input("Hy2 Tech").run()
    at.button(key="nav|save").click().run()
    assert not at.exception, at.exception
    with open_store() as store:
        assert store.get(record.id).assessment.meta.dossier == "Hy2 Tech"
        assert store.dossier_of(record.id) == "hy2tech"
