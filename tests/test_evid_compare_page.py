"""The compare page (AppTest) shows the evidence registers side by side, the ids cited, and register revisions."""

from __future__ import annotations

from app_support import texts
from compare_support import ROOT, with_meta
from evid_support import CITATIONS_A, REGISTER_A, SOURCE, pair, with_register
from streamlit.testing.v1 import AppTest

from framework.assessment import Status
from framework.evidence import AssumptionStatus
from framework.store import open_store

PAGE = str(ROOT / "views" / "compare.py")


def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


def test_two_registers_side_by_side_with_the_cited_ids():
    store = open_store()
    ids = [store.create(with_meta(a, status=Status.CONCEPT), "Test").id for a, _ in pair()]
    at = page()
    at.multiselect(key="cmp_ids").set_value(ids).run()
    assert not at.exception, at.exception
    assert "Onderbouwing (register)" in texts(at.header)
    frames = [f.value for f in at.dataframe]
    register = next(v for v in frames if "Aanwezig" in v.columns)
    assert register.loc["[B2] Marktanalyse <b>cloud</b> & edge"].tolist()[:2] == ["alleen in B", "niet in het register"]
    assert register.loc["[A1] Drie Nederlandse bedrijven doen mee aan de call"].tolist() == [
        "verschilt",
        "aanname (open): Drie Nederlandse bedrijven doen mee aan de call",
        "aanname (bevestigd): Drie Nederlandse bedrijven doen mee aan de call",
    ]
    matrix = next(v for v in frames if "≠" in v.columns)
    assert matrix.loc["Vraag 14 · Onderbouwing (register-id's)"].tolist() == ["≠", "[A1]", "[A1], [B2]"]
    shown = "\n".join(texts(at.markdown) + texts(at.caption))
    assert "Onderbouwing (register): 1 gelijk, 1 verschillend, 2 niet in elke beoordeling." in shown
    assert "Onderbouwing (register-id's)" in shown and "[A1], [B2]" in shown  # beside the verdict, in the question
    at.toggle(key="cmp_only_diff").set_value(True).run()
    register = next(f.value for f in at.dataframe if "Aanwezig" in f.value.columns)
    assert "[B1] Kamerbrief strategisch en groen industriebeleid" not in register.index  # the same: left out


def test_no_register_no_section():
    from compare_support import examples

    store = open_store()
    pairs = examples("ipcei-waterstof", "ipcei-cloud")
    ids = [store.create(with_meta(a, status=Status.CONCEPT), "Test").id for a, _ in pairs]
    at = page()
    at.multiselect(key="cmp_ids").set_value(ids).run()
    assert not at.exception, at.exception
    assert "Conclusies en advies" in texts(at.header)  # the comparison is drawn
    assert "Onderbouwing (register)" not in texts(at.header)
    assert not any("Aanwezig" in f.value.columns for f in at.dataframe)


def test_revisions_name_a_register_entry_whose_status_changed():
    store = open_store()
    assessment, _ = with_register("ipcei-waterstof", REGISTER_A, CITATIONS_A)
    record = store.create(with_meta(assessment, status=Status.CONCEPT), "Anna")
    status = AssumptionStatus.BEVESTIGD
    confirmed = [e.model_copy(update={"status": status}) if e.id == "A1" else e for e in record.assessment.evidence]
    store.save(record.id, record.assessment.model_copy(update={"evidence": confirmed}), "Bram", based_on=1)
    at = page()
    at.radio(key="cmp_mode").set_value("revisions").run()
    at.selectbox(key="cmp_rev_id").set_value(record.id).run()
    assert not at.exception, at.exception
    shown = "\n".join(texts(at.markdown) + texts(at.caption))
    assert "**Onderbouwing (register) (gewijzigd)** · [A1] Drie Nederlandse bedrijven doen mee aan de call" in shown
    assert ":red[~~open~~]" in shown and ":green[**bevestigd**]" in shown
    assert "Laatst gewijzigd in revisie 2 door Bram" in shown
    assert SOURCE["title"] not in shown  # B1 did not change


def test_the_review_page_names_the_register_change_since_the_signed_off_advice():
    from app_support import app
    from gate_support import AUTHOR, example
    from phase_support import sign_off

    from framework import phases
    from framework import workflow as wf
    from framework.loading import assessment_from_data

    data = example().model_dump(mode="json")
    data["meta"]["phase"] = "verkenning"
    data.update(evidence=REGISTER_A, citations={"q12": ["A1", "B1"]})
    first, _ = assessment_from_data(data, "eerste.yaml")
    with open_store() as store:
        base = wf.create(store, first, AUTHOR).id
        sign_off(store, base)
        record = phases.start_next_phase(store, base, AUTHOR)
        a = record.assessment
        status = AssumptionStatus.BEVESTIGD
        register = [e.model_copy(update={"status": status}) if e.id == "A1" else e for e in a.evidence]
        wf.save(store, record.id, a.model_copy(update={"evidence": register}), AUTHOR, record.revision)
    at = app()
    at.query_params["id"] = record.id
    at.switch_page("views/review.py").run()
    assert not at.exception, at.exception
    assert "Onderbouwing (register)" in texts(at.subheader)
    markdown = "\n".join(texts(at.markdown))
    assert (
        "**[A1] Drie Nederlandse bedrijven doen mee aan de call**: ~~aanname (open): Drie Nederlandse bedrijven doen "
        "mee aan de call~~ → aanname (bevestigd): Drie Nederlandse bedrijven doen mee aan de call"
    ) in markdown
