"""Findings of the second new-user walk (reviewer, approver, records officer, management): docs/newuser-walk.md.

Each fix is tried firing and silent, on SQLite and PostgreSQL where the store is involved.
"""

from __future__ import annotations

import pytest
from gate_support import APPROVER, AUTHOR, REVIEWER, all_acceptable, edited, example

from framework import workflow as wf
from framework.assessment import Status
from framework.gates import GateError

# --- W1: no one reviews their own text --------------------------------------------------------------------------


def _submitted(store, created_by: str = AUTHOR.name) -> str:
    record = store.create(example(), created_by)
    wf.submit(store, record.id, AUTHOR)
    return record.id


@pytest.mark.parametrize("name", ["A. de Vries", "a. de  VRIES"])
def test_the_author_cannot_review_their_own_assessment(store, name):
    aid = _submitted(store)
    me = wf.Actor.of(name, "reviewer")
    with pytest.raises(GateError) as refused:
        wf.review(store, aid, me, all_acceptable(store, aid))
    assert refused.value.keys == ["walk2_review_own_author"]
    assert refused.value.message("nl").endswith(
        "is de auteur van deze beoordeling en kan die niet zelf beoordelen; een tweede persoon beoordeelt (vier ogen)."
    )
    with pytest.raises(GateError) as refused:  # nor send it back as its own reviewer, even as approver
        wf.review(store, aid, wf.Actor.of(name, "vaststeller"), {"q1": ("to_improve", "x")}, send_back=True)
    assert refused.value.keys == ["walk2_review_own_author"]
    assert store.reviews(aid) == []
    assert store.get(aid).status == Status.TER_REVIEW


def test_the_person_who_stored_it_cannot_review_it(store):
    aid = _submitted(store, created_by="S. Importeur")  # meta.author is A. de Vries; S. Importeur stored the file
    with pytest.raises(GateError) as refused:
        wf.review(store, aid, wf.Actor.of("S. Importeur", "reviewer"), all_acceptable(store, aid))
    assert refused.value.keys == ["walk2_review_own_creator"]
    assert refused.value.message("en") == (
        "S. Importeur stored this assessment (created or imported it) and cannot review it; "
        "a second person reviews it (four eyes)."
    )
    assert "S. Importeur heeft deze beoordeling opgeslagen" in refused.value.message("nl")


def test_an_editor_of_the_content_cannot_review_it(store):
    aid = _submitted(store)
    record = wf.review(store, aid, REVIEWER, {"q1": ("to_improve", "bron?")}, send_back=True)
    editor = wf.Actor.of("D. Dekker", "reviewer")
    record = wf.save(store, aid, edited(record.assessment, "aangevuld door D"), editor, record.revision)
    wf.submit(store, aid, AUTHOR)
    with pytest.raises(GateError) as refused:
        wf.review(store, aid, editor, all_acceptable(store, aid))
    assert refused.value.keys == ["walk2_review_own_editor"]
    assert "D. Dekker heeft deze inhoud bewerkt" in refused.value.message("nl")
    # silent for a second person: the review counts and the approver signs off
    wf.review(store, aid, REVIEWER, all_acceptable(store, aid))
    assert wf.sign_off(store, aid, APPROVER).status == Status.VASTGESTELD


def test_a_second_person_reviews_and_returns(store):
    aid = _submitted(store)
    record = wf.review(store, aid, REVIEWER, {"q1": ("to_improve", "bron?")}, send_back=True)
    assert record.status == Status.TERUGGESTUURD
    assert [(e.question_id, e.by) for e in store.reviews(aid)] == [("q1", REVIEWER.name)]


# --- W3: the verdict on an advice names the approver's role in the reader's language -----------------------------


def test_the_signoff_note_names_the_role_in_the_language_of_the_reader():
    from datetime import UTC, datetime

    from framework.verification import Note

    note = Note("verify_note_signoff", {"by": "C. Bakker", "role": "approver", "at": datetime(2026, 3, 2, tzinfo=UTC)})
    assert "door C. Bakker (vaststeller) op" in note.text("nl")
    assert "by C. Bakker (approver) at" in note.text("en")
    stated = Note("verify_note_signoff", {"by": "X", "role": "directeur", "at": datetime(2026, 3, 2, tzinfo=UTC)})
    assert "door X (directeur) op" in stated.text("nl")  # a role stated outside the list: as it was stated


# --- W1 in the app: the review page does not offer the author a verdict form ------------------------------------


def test_the_review_page_tells_the_author_acting_as_reviewer_why_there_is_no_form():
    from app_support import app, open_in_review, texts
    from test_app_signoff import as_person, in_review

    record_id = in_review()
    at = open_in_review(as_person(app(), "A. de Vries", "reviewer"), record_id)
    assert not at.exception, at.exception
    prefix = f"wf|{record_id}|"
    assert not [r for r in at.radio if str(r.key).startswith(prefix)]
    refusal = "A. de Vries is de auteur van deze beoordeling en kan die niet zelf beoordelen"
    assert any(refusal in w for w in texts(at.warning))
    at = open_in_review(as_person(at, "B. Jansen", "reviewer"), record_id)  # a second person gets the form
    assert [r for r in at.radio if str(r.key).startswith(prefix)]
    assert not any("niet zelf beoordelen" in w for w in texts(at.warning))


# --- W4: the advice says which verdicts were given on an earlier text ---------------------------------------------


def test_verdicts_of_an_earlier_round_are_marked_in_the_advice(store, tmp_path):
    from pypdf import PdfReader

    from framework.cli import main
    from framework.parafen import parafenlijst
    from framework.report.signoff_sheet import review_rows

    aid = _submitted(store)
    record = wf.review(store, aid, REVIEWER, {"q5": ("to_correct", "Bedrag klopt niet")}, send_back=True)
    framework = store.framework_for(record)

    def q5(lang: str = "nl") -> list[str]:
        rows = review_rows(parafenlijst(store, aid), framework, lang)
        heading = {"nl": "Vraag 5", "en": "Question 5"}[lang]
        return [f"{row['verdict']} | {row['comment']}" for row in rows if row["question"] == heading]

    assert q5() == ["te corrigeren | Bedrag klopt niet"]  # silent: the text has not changed since
    record = wf.save(store, aid, edited(record.assessment, "herzien na review"), AUTHOR, record.revision)
    wf.submit(store, aid, AUTHOR)
    wf.review(store, aid, REVIEWER, all_acceptable(store, aid))
    wf.sign_off(store, aid, APPROVER)
    assert q5() == ["te corrigeren (op een eerdere tekst) | Bedrag klopt niet", "akkoord | "]
    assert q5("en")[0] == "to correct (on an earlier text) | Bedrag klopt niet"
    out = tmp_path / "advies.pdf"
    assert main(["render", aid, "--database", store.url, "-o", str(out)]) == 0
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert "te corrigeren (op een eerdere tekst)" in text and text.count("(op een eerdere tekst)") == 1


# --- W9: the review page offers «Bewerken» only where the text can be edited --------------------------------------


def test_the_review_page_says_edit_only_where_the_text_can_be_edited():
    from app_support import app, open_in_review
    from test_app_signoff import as_person, complete_review, in_review

    from framework.store import open_store

    def labels(at) -> set[str]:
        return {b.label for b in at.button if str(b.key).startswith(("edit|", "review|criterion|"))}

    record_id = in_review()  # ter review: the text is fixed
    at = open_in_review(as_person(app(), "B. Jansen", "reviewer"), record_id)
    assert labels(at) == {"Bekijken in de wizard"}
    complete_review(record_id)
    wf.sign_off(open_store(), record_id, APPROVER)  # vastgesteld: frozen
    at = open_in_review(as_person(at, "A. de Vries", "beleidsmedewerker"), record_id)
    assert labels(at) == {"Bekijken in de wizard"}
    at.button(key="edit|q1").click().run()  # still opens the question, to read
    assert not at.exception and at.session_state["step"] == "q1"
    # silent: a returned assessment, for its author, can be edited
    store = open_store()
    other = in_review()
    wf.review(store, other, REVIEWER, {"q1": ("to_improve", "bron?")}, send_back=True)
    at = open_in_review(as_person(app(), "A. de Vries", "beleidsmedewerker"), other)
    assert labels(at) == {"Bewerken"}


def test_the_criteria_coverage_says_edit_only_where_the_text_can_be_edited():
    from app_support import app, open_in_review, stored
    from gate_support import ERROR_EXAMPLE

    from framework.store import open_store

    record = stored(example(ERROR_EXAMPLE), by="A. de Vries")
    at = open_in_review(app(), record.id)
    assert at.button(key="review|criterion|cofinancing").label == "Bewerken"  # silent: a concept
    wf.submit(open_store(), record.id, AUTHOR, reason="de ontbrekende antwoorden volgen na het overleg")
    at = open_in_review(app(), record.id)
    assert at.button(key="review|criterion|cofinancing").label == "Bekijken in de wizard"


# --- W7: the parafenlijst of an imported assessment says who brought it in, and when ------------------------------


def test_the_parafenlijst_of_an_import_names_the_importer_and_the_files_own_date(store):
    from framework.imports import import_bytes
    from framework.parafen import parafenlijst
    from framework.report.signoff_sheet import signoff_rows
    from framework.yamlio import dump_yaml

    assessment = example()
    content = dump_yaml(assessment.model_dump(mode="json")).encode()
    record = import_bytes(store, content, "elders-opgesteld.yaml", "R. Registratie")
    rows = signoff_rows(parafenlijst(store, record.id), "nl")
    steps = [row["role"] for row in rows]
    assert steps[:2] == ["Opgesteld", "Ingevoerd (import)"]
    drafted, imported = rows[0], rows[1]
    assert drafted["name"] == assessment.meta.author
    assert drafted["date"] == assessment.meta.created.strftime("%d-%m-%Y")  # the file's date, not the import's
    assert imported["name"] == "R. Registratie" and imported["date"]
    assert signoff_rows(parafenlijst(store, record.id), "en")[1]["role"] == "Imported"
    # silent: an assessment created here has no import line, and «Opgesteld» is the moment it was stored
    made = store.create(example(), AUTHOR.name)
    assert [row["role"] for row in signoff_rows(parafenlijst(store, made.id), "nl")] == [
        "Opgesteld",
        "Beoordeeld",
        "Vastgesteld",
    ]


# --- W6: only who answers for the text submits or withdraws it ----------------------------------------------------


def test_a_colleague_who_never_wrote_on_it_cannot_submit_or_withdraw_it(store):
    stranger = wf.Actor.of("Z. Vreemd", "beleidsmedewerker")
    record = store.create(example(), AUTHOR.name)
    with pytest.raises(GateError) as refused:
        wf.submit(store, record.id, stranger)
    assert refused.value.keys == ["walk2_not_an_author"]
    assert "Z. Vreemd heeft niet aan deze beoordeling geschreven" in refused.value.message("nl")
    assert store.get(record.id).status == Status.CONCEPT  # nothing happened
    wf.submit(store, record.id, AUTHOR)  # silent: who stored it submits
    with pytest.raises(GateError) as refused:
        wf.withdraw(store, record.id, stranger)
    assert refused.value.keys == ["walk2_not_an_author"]
    assert store.get(record.id).status == Status.TER_REVIEW
    # a co-author who edited the content may: authorship is shared by writing, not by the role alone
    record = wf.withdraw(store, record.id, AUTHOR)
    co_author = wf.Actor.of("D. Mede", "beleidsmedewerker")
    wf.save(store, record.id, edited(record.assessment, "aangevuld door een collega"), co_author, record.revision)
    assert wf.submit(store, record.id, co_author).status == Status.TER_REVIEW
    assert wf.withdraw(store, record.id, co_author).status == Status.CONCEPT


def test_the_command_line_refuses_a_stranger_by_name(store, capsys):
    from framework.cli import main

    record = store.create(example(), AUTHOR.name)
    assert main(["submit", record.id, "--by", "Z. Vreemd", "--database", store.url]) == 1
    assert "Z. Vreemd" in capsys.readouterr().err
    assert store.get(record.id).status == Status.CONCEPT
    assert main(["submit", record.id, "--by", AUTHOR.name, "--database", store.url]) == 0
