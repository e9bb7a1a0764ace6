"""Phases of an IPCEI dossier (framework.phases): the next phase from the signed-off advice, never backwards,
what was carried over, and «wat is er veranderd sinds het vastgestelde advies» (SQLite and PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from gate_support import APPROVER, AUTHOR, REVIEWER, example
from phase_support import ADDED, CHAIN, chain, edit_next, first_phase, sign_off
from pypdf import PdfReader
from sqlalchemy import inspect, text
from store_support import make_assessment

from framework import phases
from framework import workflow as wf
from framework.dossier import dossier_key, fold_name, next_phase_of
from framework.gates import GateError
from framework.parafen import parafenlijst
from framework.report.render import render_pdf


def test_the_dossier_key_folds_the_ipcei_name_unless_one_is_given():
    assert fold_name("  Hy2Infra ") == fold_name("HY2-INFRA") == fold_name("hy2 infra") == "hy2infra"
    assert fold_name("Hy2Use") == "hy2use" and fold_name("Énergie  propre") == "energiepropre"
    assert dossier_key({"ipcei": "IPCEI Waterstof"}) == "ipceiwaterstof"
    assert dossier_key({"ipcei": "IPCEI Waterstof", "dossier": "Hy2Tech"}) == "hy2tech"
    assert dossier_key({"ipcei": "IPCEI Waterstof", "dossier": "  "}) == "ipceiwaterstof"


def test_phase_order_comes_from_the_framework(framework):
    assert next_phase_of(framework, "verkenning") == "pre_notificatie"
    assert next_phase_of(framework, "afgerond") is None
    assert next_phase_of(framework, "") is None


def test_every_save_fills_the_indexed_dossier_column(store):
    first = store.create(make_assessment(1, ipcei="Hy2Infra"), "A")
    other = store.create(make_assessment(2, ipcei="HY2 infra "), "A")
    store.create(make_assessment(3, ipcei="Hy2Use"), "A")
    assert store.dossier_of(first.id) == store.dossier_of(other.id) == "hy2infra"
    assert [e.id for e in store.dossier("hy2infra")] == [first.id, other.id]
    store.save(other.id, make_assessment(2, ipcei="Hy2Use"), "A", based_on=1)
    assert [e.id for e in store.dossier("hy2infra")] == [first.id]
    assert store.verify() == []  # the column is recomputed from the document by verify
    with store.engine.connect() as conn:
        indexed = {i["name"] for i in inspect(conn).get_indexes("assessments")}
    assert "ix_assessments_dossier" in indexed


def test_the_migration_fills_the_dossier_of_stored_assessments(store_url):
    from framework.store import open_store
    from framework.store.migrations import LATEST, MIGRATIONS, schema_version

    seven = next(n for n, _, f in MIGRATIONS if f.__name__ == "_m7_dossiers_phases")
    eight = next(n for n, _, f in MIGRATIONS if f.__name__ == "_m8_created_on")
    assert LATEST == len(MIGRATIONS)
    store = open_store(store_url)
    record = store.create(make_assessment(1, ipcei="Hy2Move"), "Oud")
    with store.engine.begin() as conn:  # migrations 7 and 8 undone (the later ones touch other tables)
        conn.execute(text("DROP INDEX ix_assessments_ipcei_created_on"))  # migration 8 first
        conn.execute(text("ALTER TABLE assessments DROP COLUMN created_on"))
        conn.execute(text("DROP INDEX ix_assessments_dossier"))
        conn.execute(text("ALTER TABLE assessments DROP COLUMN dossier"))
        conn.execute(text("DROP TABLE phase_links"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version IN (:a, :b)"), {"a": seven, "b": eight})
    store.close()
    store = open_store(store_url)
    assert schema_version(store.engine) == LATEST
    assert store.dossier_of(record.id) == "hy2move"
    assert store.verify() == []
    store.close()


def test_a_phase_chain_of_three_signed_off_assessments(store):
    ids = chain(store)
    assert [store.get(i).assessment.meta.phase for i in ids] == list(CHAIN)
    assert all(store.get(i).status == "vastgesteld" for i in ids)
    dossier = store.dossier_of(ids[0])
    assert [e.id for e in store.dossier(dossier)] == ids
    assert store.latest_signed_off(dossier).id == ids[2]
    assert store.phase_link(ids[1]).based_on == ids[0] and store.phase_link(ids[2]).based_on == ids[1]
    assert store.phase_link(ids[0]) is None
    actions = [e.action for e in store.audit(ids[0], limit=50)]
    assert "next_phase" in actions
    # The third is compared with the second (it started from it), not with the first.
    ref = phases.reference(store, store.get(ids[2]))
    assert ref is not None and ref.id == ids[1] and ref.how == "phase"


def test_answers_are_carried_over_until_changed(store):
    base = first_phase(store)
    record = phases.start_next_phase(store, base, AUTHOR)
    assert record.status == "concept" and record.assessment.meta.phase == "pre_notificatie"
    assert record.assessment.answers == store.get(base).assessment.answers
    ref = phases.reference(store, record)
    carried = phases.carried_over(ref, record.assessment)
    assert ("q1", "answer") in carried and ("q2", "severity") in carried
    edit_next(store, record.id, 1)
    carried = phases.carried_over(ref, store.get(record.id).assessment)
    assert ("q1", "answer") not in carried and ("q2", "severity") not in carried
    assert ("q3", "answer") in carried


def test_what_changed_since_the_signed_off_advice(store):
    ids = chain(store, sign_last=False)
    found = phases.changes_since(store, store.get(ids[2]), "nl")
    assert found.title().startswith("Wat is er veranderd sinds het vastgestelde advies van ")
    verdicts = {c.key: (c.was, c.now) for c in found.verdicts}
    assert verdicts == {"q2.severity": ("Levensbedreigend", "Ernstig")}
    figures = {c.key: (c.was, c.now) for c in found.figures}
    assert figures["meta.phase"] == ("Pre-notificatie", "Notificatie")
    assert figures["meta.national_budget_eur"] == ("€ 40.000.000", "€ 45.000.000")
    (answer,) = found.texts
    assert answer.key == "q1.answer" and answer.counts == {"insert": 16, "delete": 0}
    changed = [(s.op.value, s.text.strip()) for s in answer.segments if s.op.value != "equal"]
    assert changed == [("insert", ADDED + " Ronde 2.")]
    lines = "\n".join(found.lines())
    assert "Ernstig" in lines and f"+ {ADDED} Ronde 2." in lines
    english = phases.changes_since(store, store.get(ids[2]), "en")
    assert english.title().startswith("What changed since the advice signed off on ")


def test_findings_that_are_new_or_resolved_are_named(store):
    base = first_phase(store)
    record = phases.start_next_phase(store, base, AUTHOR)
    a = record.assessment
    answers = {**a.answers, "q4": {**a.answers["q4"], "failures": ["geen", "marktfalen"]}}
    wf.save(store, record.id, a.model_copy(update={"answers": answers}), AUTHOR, record.revision)
    found = phases.changes_since(store, store.get(record.id), "nl")
    assert any(f.new and "geen falen" in f.text("nl") for f in found.findings)
    assert not any(not f.new for f in found.findings)
    unchanged = phases.changes_since(store, record, "nl")
    assert unchanged.findings == () and unchanged.texts == () and unchanged.verdicts == ()


def test_phases_going_backwards_are_refused_and_nothing_is_stored(store):
    base = first_phase(store)
    record = phases.start_next_phase(store, base, AUTHOR, phase="notificatie")  # a phase may be skipped
    sign_off(store, record.id)
    count = store.row_counts()["assessments"]
    for phase in ("pre_notificatie", "verkenning", "notificatie"):
        with pytest.raises(GateError) as refused:
            phases.start_next_phase(store, base, AUTHOR, phase=phase)
        assert refused.value.keys == ["phases_backwards"]
        assert "gaat niet terug in fase" in refused.value.message("nl") and "Notificatie" in refused.value.message("nl")
    # A new assessment of the same IPCEI in an earlier phase, or a concept moved back: refused, nothing stored.
    earlier = example()
    earlier = earlier.model_copy(update={"meta": earlier.meta.model_copy(update={"phase": "verkenning"})})
    with pytest.raises(GateError, match="gaat niet terug"):
        wf.create(store, earlier, AUTHOR)
    following = phases.start_next_phase(store, base, AUTHOR)  # uitvoering
    a = following.assessment
    moved = a.model_copy(update={"meta": a.meta.model_copy(update={"phase": "pre_notificatie"})})
    with pytest.raises(GateError, match="gaat niet terug"):
        wf.save(store, following.id, moved, AUTHOR, following.revision)
    assert store.get(following.id).revision == following.revision
    assert store.row_counts()["assessments"] == count + 1
    # The same phase as the signed-off one is not backwards for a save (a new version keeps its phase).
    kept = a.model_copy(update={"meta": a.meta.model_copy(update={"phase": "notificatie"})})
    assert wf.save(store, following.id, kept, AUTHOR, following.revision).revision == following.revision + 1


def test_a_next_phase_needs_a_signed_off_advice_and_a_role_that_starts_one(store):
    concept = wf.create(store, example(), AUTHOR)
    with pytest.raises(GateError) as refused:
        phases.start_next_phase(store, concept.id, AUTHOR)
    assert refused.value.keys == ["phases_no_signed_off"]
    base = first_phase(store)
    with pytest.raises(GateError) as refused:
        phases.start_next_phase(store, base, REVIEWER)
    assert refused.value.keys == ["phases_role"]
    with pytest.raises(GateError) as refused:
        phases.start_next_phase(store, base, APPROVER, phase="bestaat_niet")
    assert refused.value.keys == ["phases_unknown"]
    with store.engine.connect() as conn:
        links = conn.execute(text("SELECT COUNT(*) FROM phase_links")).scalar()
    assert links == 0


def test_phase_links_are_append_only(store):
    base = first_phase(store)
    phases.start_next_phase(store, base, AUTHOR)
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM phase_links"))


def test_the_advice_pdf_shows_what_changed_and_what_was_carried_over(sqlite_store):
    store = sqlite_store
    ids = chain(store, sign_last=False)
    record = store.get(ids[2])
    sheet = parafenlijst(store, record.id)
    assert sheet.phases is not None and "q3.answer" in sheet.phases.carried and "q1.answer" not in sheet.phases.carried
    pdf = render_pdf(record.assessment, store.framework_for(record), lang="nl", signoff=sheet)
    layer = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Wat is er veranderd sinds het vastgestelde advies van" in layer
    assert "Levensbedreigend" in layer and "Ernstig" in layer
    assert "€ 40.000.000" in layer and "€ 45.000.000" in layer
    assert "16 woorden toegevoegd, 0 geschrapt" in layer.casefold()  # the label is set in capitals
    assert "Overgenomen uit het vastgestelde advies van" in layer
    assert ADDED in layer
    # The first advice of the dossier follows none: no such section, no marks.
    first = store.get(ids[0])
    plain = render_pdf(first.assessment, store.framework_for(first), lang="nl", signoff=parafenlijst(store, ids[0]))
    first_layer = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(plain)).pages)
    assert "Wat is er veranderd" not in first_layer and "Overgenomen uit" not in first_layer


def test_the_command_line_starts_the_next_phase_and_compares_since_the_signed_off_advice(tmp_path, capsys):
    from framework.cli.main import main
    from framework.store import open_store

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with open_store(url) as store:
        base = first_phase(store)
    assert main(["next-phase", base[:8], "--phase", "verkenning", "--by", AUTHOR.name, "--database", url]) == 1
    assert "gaat niet terug in fase" in capsys.readouterr().err
    assert main(["next-phase", base[:8], "--by", AUTHOR.name, "--database", url]) == 0
    new_id = capsys.readouterr().out.split(":")[0]
    with open_store(url) as store:
        assert store.get(new_id).assessment.meta.phase == "pre_notificatie"
        edit_next(store, new_id, 1)
    assert main(["dossier", new_id[:8], "--database", url]) == 0
    listing = capsys.readouterr().out
    assert base in listing and new_id in listing and "pre_notificatie" in listing and "vastgesteld" in listing
    pdf = tmp_path / "sinds.pdf"
    assert main(["compare", new_id[:8], "--since-signed-off", "-o", str(pdf), "--database", url]) == 0
    printed = capsys.readouterr().out
    assert "Wat is er veranderd sinds het vastgestelde advies van" in printed and "Levensbedreigend" in printed
    layer = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Wat is er veranderd sinds het vastgestelde advies van" in layer and ADDED in layer
    assert main(["compare", base[:8], "--since-signed-off", "-o", str(pdf), "--database", url]) == 1
    assert "follows no signed-off advice" in capsys.readouterr().err
    assert main(["compare", base[:8], new_id[:8], "--since-signed-off", "-o", str(pdf), "--database", url]) == 2


def test_a_sign_off_in_an_earlier_phase_is_refused(store):
    base = first_phase(store)
    later = phases.start_next_phase(store, base, AUTHOR, phase="notificatie")
    sign_off(store, later.id)
    earlier = example()  # as an import brings it in: history is not refused, but it is not signed off either
    earlier = earlier.model_copy(update={"meta": earlier.meta.model_copy(update={"phase": "pre_notificatie"})})
    record = store.create(earlier, AUTHOR.name)
    wf.submit(store, record.id, AUTHOR)
    wf.review(
        store,
        record.id,
        REVIEWER,
        {q: ("acceptable", "") for q in (f.id for f in store.framework_for(record).questions())},
    )
    with pytest.raises(GateError) as refused:
        wf.sign_off(store, record.id, APPROVER)
    assert "phases_backwards" in refused.value.keys
    assert store.get(record.id).status == "ter_review" and store.signoff(record.id) is None


def test_coverage_of_the_criteria_that_changed_is_named(store):
    from datetime import date

    from framework.keyfigures import KeyFigures

    base = first_phase(store)
    record = phases.start_next_phase(store, base, AUTHOR)
    untouched = phases.changes_since(store, record, "nl")
    assert untouched.extra["criteria"] == ()  # carried over unchanged: the coverage is the same
    figures = KeyFigures(
        cofinancing_pct=40, funding_gap_eur=100_000_000, aid_requested_eur=80_000_000, nl_direct_participants=5,
        nl_direct_smes=2, nl_indirect_partners=10, cost_share_rdi_pct=50, cost_share_fid_pct=30,
        cost_share_infrastructure_pct=20, start_date=date(2024, 1, 1), fid_date=date(2026, 1, 1),
        end_date=date(2030, 12, 31), eu_call_date=date(2023, 3, 1),
    )  # fmt: skip
    a = record.assessment
    wf.save(store, record.id, a.model_copy(update={"key_figures": figures}), AUTHOR, record.revision)
    found = phases.changes_since(store, store.get(record.id), "nl")
    changes = {c.key: (c.was, c.now) for c in found.extra["criteria"]}
    assert changes, "key figures that give evidence must change the coverage of some criterion"
    assert all(now == "gedekt" and was != "gedekt" for was, now in changes.values()), changes
    assert "Dekking van de criteria van de Commissie" in "\n".join(found.lines())


def test_the_word_document_shows_the_key_figures_and_what_changed(sqlite_store):
    from datetime import date

    from docx import Document

    from framework.keyfigures import KeyFigures
    from framework.report.docx import render_docx

    store = sqlite_store
    ids = chain(store, sign_last=False)
    record = store.get(ids[2])
    figures = KeyFigures(aid_requested_eur=30_000_000, funding_gap_eur=50_000_000, start_date=date(2025, 1, 1))
    record = store.get(ids[2])
    assessment = record.assessment.model_copy(update={"key_figures": figures})
    wf.save(store, record.id, assessment, AUTHOR, record.revision)
    record = store.get(ids[2])
    for variant in ("advies", "beslisnota"):
        data = render_docx(record.assessment, store.framework_for(record), signoff=parafenlijst(store, record.id),
                           variant=variant)  # fmt: skip
        document = Document(io.BytesIO(data))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        text = "\n".join([p.text for p in document.paragraphs] + cells)
        assert "Wat is er veranderd sinds het vastgestelde advies van" in text, variant
        assert "Levensbedreigend" in text and "Ernstig" in text
        assert "€ 30.000.000" in text and "€ 50.000.000" in text  # the key figures given
        inserted = [r.text for p in document.paragraphs for r in p.runs if r.underline]
        assert any(ADDED in run for run in inserted), variant  # the word diff: inserted words underlined
    first = store.get(ids[0])
    plain = Document(io.BytesIO(render_docx(first.assessment, store.framework_for(first))))
    assert not any("Wat is er veranderd" in p.text for p in plain.paragraphs)
