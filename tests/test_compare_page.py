"""The compare page (AppTest on views/compare.py, temporary SQLite store): pick, toggle, chart, export, revisions."""

from __future__ import annotations

import json

import pyarrow
import pytest
from app_support import texts
from compare_support import ROOT, example, examples, with_answer, with_meta
from streamlit.testing.v1 import AppTest

from framework.assessment import Status
from framework.store import open_store

PAGE = str(ROOT / "views" / "compare.py")


def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def stored():
    """The examples in the app's store (as concepts: only a sign-off in the store makes one vastgesteld)."""
    store = open_store()
    names = ("ipcei-micro-elektronica", "ipcei-waterstof", "ipcei-negatief-advies", "ipcei-cloud")
    found = zip(names, examples(*names), strict=True)
    return {name: store.create(with_meta(a, status=Status.CONCEPT), "Test").id for name, (a, _) in found}


def shown(at) -> str:
    return "\n".join(texts(at.markdown) + texts(at.caption))


def chart(at) -> tuple[dict, list[dict]]:
    """The Altair chart's spec and its data (sent apart from the spec, as Arrow)."""
    [element] = at.get("vega_lite_chart")
    [dataset] = element.proto.datasets
    data = pyarrow.ipc.open_stream(dataset.data.data).read_all().to_pylist()
    return json.loads(element.proto.spec), data


def test_empty_store_says_so():
    at = page()
    assert texts(at.title) == ["Beoordelingen vergelijken"]
    assert "Er zijn nog geen beoordelingen om te vergelijken." in texts(at.info)


def test_pick_three_see_them_side_by_side_toggle_and_export(stored):
    at = page()
    assert "4 beoordelingen voldoen aan de filters." in texts(at.caption)
    assert "Kies ten minste twee beoordelingen om ze te vergelijken." in texts(at.info)
    picker = at.multiselect(key="cmp_ids")
    assert len(picker.options) == 4
    picker.set_value([stored["ipcei-micro-elektronica"]]).run()
    assert "Kies ten minste twee beoordelingen om ze te vergelijken." in texts(at.info)
    ids = [stored["ipcei-micro-elektronica"], stored["ipcei-waterstof"], stored["ipcei-negatief-advies"]]
    at.multiselect(key="cmp_ids").set_value(ids).run()
    assert not at.exception, at.exception
    # verdicts differ in 15 questions, the wording alone in 1 (question 1: the initiator is the same, texts differ)
    assert [m.value for m in at.metric] == ["15 / 16", "1 / 16", "0 / 16", "0"]
    assert "15 van de 16 vragen verschillen in oordeel, 1 alleen in formulering." in texts(at.caption)
    [matrix] = at.dataframe
    assert list(matrix.value.columns) == ["≠", "A", "B", "C"]
    assert matrix.value.loc["Vraag 14 · Advies"].tolist() == ["≠", "▲ Deelnemen", "▲ Deelnemen", "▼ Niet deelnemen"]
    assert matrix.value.loc["Aantal deelnemende lidstaten"].tolist()[1:] == ["14", "15", "3"]
    page_text = shown(at)
    for expected in (
        "A. Deelname aan de IPCEI Micro-elektronica en communicatietechnologieën",
        "C. Verkenning deelname aan een IPCEI Digitale Winkelstraat (fictief)",
        "**Niet deelnemen**",
        "hernieuwbare energiebronnen",
        ":orange-badge[≠ verschilt]",
        ":gray-badge[= gelijk]",
        "Daadwerkelijke deelname",
    ):
        assert expected in page_text, expected
    assert [s.value for s in at.header][:4] == [
        "Oordelen naast elkaar", "Oordelen per vraag", "Algemene gegevens", "Conclusies en advies",
    ]  # fmt: skip
    assert len([b for b in at.get("download_button")]) == 2
    assert at.expander  # long answers folded with their first lines visible
    before = len(at.markdown)

    at.toggle(key="cmp_only_diff").set_value(True).run()
    assert not at.exception
    assert len(at.markdown) < before
    assert ":gray-badge[= gelijk]" not in "\n".join(texts(at.markdown))  # rows that agree are gone
    assert "Versie van het afwegingskader" not in shown(at)
    assert len(at.get("download_button")) == 2


def test_chart_of_verdicts_reads_without_colour(stored):
    at = page()
    at.multiselect(key="cmp_ids").set_value([stored["ipcei-waterstof"], stored["ipcei-negatief-advies"]]).run()
    spec, values = chart(at)
    layers = spec["layer"]
    assert layers[0]["mark"]["type"] == "point" and layers[0]["encoding"]["shape"]["field"] == "leaning"
    assert layers[0]["encoding"]["color"]["field"] == "leaning"  # colour means something, and says so
    assert layers[0]["encoding"]["color"]["legend"]["title"] == "Strekking"
    assert layers[0]["encoding"]["color"]["scale"]["range"][:3] == ["#1b6b35", "#6b7178", "#a1261c"]
    assert layers[1]["mark"]["type"] == "text" and layers[1]["encoding"]["text"]["field"] == "value"
    advice = {p["letter"]: (p["value"], p["leaning"]) for p in values if p["field"] == "≠ 14 · Advies"}
    assert advice == {"A": ("Deelnemen", "gunstig voor deelname"), "B": ("Niet deelnemen", "ongunstig voor deelname")}
    balance = {p["letter"]: p["leaning"] for p in values if p["key"] == "q13.balance"}
    assert balance == {"A": "gunstig voor deelname", "B": "ongunstig voor deelname"}


def test_filters_narrow_the_list_and_keep_what_is_chosen(stored):
    at = page()
    chosen = [stored["ipcei-cloud"], stored["ipcei-waterstof"]]
    at.multiselect(key="cmp_ids").set_value(chosen).run()
    at.text_input(key="cmp_f_text").input("halfgeleiders").run()
    assert not at.exception
    assert "1 beoordeling voldoet aan de filters." in texts(at.caption)
    picker = at.multiselect(key="cmp_ids")
    assert picker.value == chosen and len(picker.options) == 3
    at.selectbox(key="cmp_f_advice").set_value("niet_deelnemen").run()
    assert "0 beoordelingen voldoen aan de filters." in texts(at.caption)
    assert at.multiselect(key="cmp_ids").value == chosen
    assert at.metric[0].value == "10 / 16"  # cloud and hydrogen: 10 questions differ in verdict


def test_user_text_is_shown_as_text(stored):
    store = open_store()
    hydrogen, _ = example("ipcei-waterstof")
    odd = with_meta(hydrogen, title="**Vet** <b>html</b> [link](http://x)")
    odd = with_answer(odd, "q14", "focus", "<script>alert(1)</script> :red[rood]")
    odd_id = store.create(odd, "Test").id
    at = page()
    at.multiselect(key="cmp_ids").set_value([stored["ipcei-waterstof"], odd_id]).run()
    assert not at.exception
    raw = "\n".join(str(m.value) for m in at.markdown)
    # the column heading; a word joiner after "http" keeps Streamlit from making a link of the URL
    assert r"B\. \*\*Vet\*\* \<b\>html\</b\> \[link\]\(http" + "\u2060" + r"\://x\)" in raw
    assert r"\<script\>alert\(1\)\</script\> \:" + "\u2060" + r"red\[rood\]" in raw  # and no icon of ":name:"
    assert "**Vet**" not in raw and "<script>" not in raw and ":red[rood]" not in raw


def test_the_url_carries_the_comparison_and_restores_it(stored):
    at = page()
    chosen = [stored["ipcei-waterstof"], stored["ipcei-negatief-advies"]]
    at.multiselect(key="cmp_ids").set_value(chosen).run()
    assert at.query_params["ids"] == chosen  # /vergelijken?ids=…&ids=…: bookmark it, send it
    again = AppTest.from_file(PAGE, default_timeout=60)
    again.query_params["ids"] = chosen
    again.run()
    assert not again.exception, again.exception
    assert again.multiselect(key="cmp_ids").value == chosen
    [matrix] = again.dataframe
    assert matrix.value.loc["Vraag 14 · Advies"].tolist() == ["≠", "▲ Deelnemen", "▼ Niet deelnemen"]


def test_leaving_out_sources_and_showing_only_other_verdicts(stored):
    at = page()
    at.multiselect(key="cmp_ids").set_value([stored["ipcei-cloud"], stored["ipcei-micro-elektronica"]]).run()
    assert "Bronnen en onderbouwing" in shown(at)
    at.toggle(key="cmp_no_sources").set_value(True).run()
    assert not at.exception
    assert "Bronnen en onderbouwing" not in shown(at)
    at.toggle(key="cmp_only_verdicts").set_value(True).run()
    assert not at.exception
    headings = "\n".join(texts(at.markdown))
    assert "Vraag 1**" not in headings  # question 1 differs in wording only


def test_ids_in_the_url_preselect(stored):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["ids"] = [stored["ipcei-cloud"], stored["ipcei-micro-elektronica"], "bestaat-niet"]
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="cmp_ids").value == [stored["ipcei-cloud"], stored["ipcei-micro-elektronica"]]
    assert at.metric


def test_english(stored):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.multiselect(key="cmp_ids").set_value([stored["ipcei-cloud"], stored["ipcei-negatief-advies"]]).run()
    assert texts(at.title) == ["Compare assessments"]
    assert "**Participate under conditions**" in "\n".join(texts(at.markdown))
    assert at.toggle(key="cmp_only_diff").label == "Only questions that differ"


def test_revisions_word_diff_with_who_and_when():
    store = open_store()
    hydrogen, _ = example("ipcei-waterstof")
    record = store.create(with_meta(hydrogen, status=Status.CONCEPT), "Anna")
    focus = hydrogen.value("q14", "focus")
    edited = with_answer(record.assessment, "q14", "focus", focus.replace("De focus", "Het zwaartepunt", 1))
    r2 = store.save(record.id, edited, "Bram", based_on=1)
    r3 = store.save(record.id, with_answer(r2.assessment, "q2", "severity", "levensbedreigend"), "Cor", based_on=2)
    at = page()
    at.radio(key="cmp_mode").set_value("revisions").run()
    at.selectbox(key="cmp_rev_id").set_value(record.id).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="cmp_rev_old").value == f"{record.id}@2"
    assert at.selectbox(key="cmp_rev_new").value == f"{record.id}@3"
    page_text = shown(at)
    assert "Was: :red[~~Ernstig~~] → Wordt: :green[**Levensbedreigend**]" in page_text
    assert "Laatst gewijzigd in revisie 3 door Cor" in page_text
    assert "1 velden gewijzigd tussen revisie 2 en revisie 3." in page_text

    at.selectbox(key="cmp_rev_old").set_value(f"{record.id}@1").run()
    page_text = shown(at)
    assert ":red[~~De focus~~] :green[**Het zwaartepunt**]" in page_text
    assert "Laatst gewijzigd in revisie 2 door Bram" in page_text
    assert "2 velden gewijzigd tussen revisie 1 en revisie 3." in page_text
    at.selectbox(key="cmp_rev_new").set_value(f"{record.id}@1").run()
    assert "Kies twee verschillende revisies." in texts(at.info)
    assert r3.revision == 3


def test_a_signed_off_version_with_its_successor():
    from framework import workflow

    store = open_store()
    hydrogen, _ = example("ipcei-waterstof")
    old = store.create(with_meta(hydrogen, status=Status.CONCEPT), "Anna")
    anna = workflow.Actor.of("Anna", "author")
    workflow.submit(store, old.id, anna)  # revision 2: ter review
    verdicts = {q.id: ("acceptable", "") for q in store.framework_for(store.get(old.id)).questions()}
    workflow.review(store, old.id, workflow.Actor.of("Rita", "reviewer"), verdicts)
    workflow.sign_off(store, old.id, workflow.Actor.of("Vera", "vaststeller"))  # revision 3: vastgesteld
    new = workflow.new_version(store, old.id, anna)
    changed = with_answer(new.assessment, "q14", "advice", "deelnemen_onder_voorwaarden")
    workflow.save(store, new.id, changed, workflow.Actor.of("Bram", "author"), based_on=new.revision)

    at = page()
    at.radio(key="cmp_mode").set_value("revisions").run()
    at.selectbox(key="cmp_rev_id").set_value(new.id).run()
    assert not at.exception, at.exception
    assert any("Deze beoordeling heeft 2 versies" in c for c in texts(at.caption))
    options = at.selectbox(key="cmp_rev_old").options
    assert len(options) == 5 and options[0].startswith("Versie 2 · Revisie 2 · Bram")
    label = "Vastgestelde versie (versie 1, revisie 3) met opvolger (versie 2, revisie 2)"
    [pair] = [b for b in at.button if b.label == label]
    pair.click().run()
    assert at.selectbox(key="cmp_rev_old").value == f"{old.id}@3"
    assert at.selectbox(key="cmp_rev_new").value == f"{new.id}@2"
    page_text = shown(at)
    assert "Was: :red[~~Deelnemen~~] → Wordt: :green[**Deelnemen onder voorwaarden**]" in page_text
    assert "Laatst gewijzigd in versie 2, revisie 2 door Bram" in page_text
    assert "Vervangt versie" in page_text  # the new version's note says what it replaces
    assert "Laatst gewijzigd in versie 2, revisie 1 door Anna" in page_text


def test_one_revision_has_nothing_to_compare():
    record = open_store().create(example("ipcei-cloud")[0], "Anna")
    at = page()
    at.radio(key="cmp_mode").set_value("revisions").run()
    at.selectbox(key="cmp_rev_id").set_value(record.id).run()
    assert "Deze beoordeling heeft maar één revisie; er is nog niets te vergelijken." in texts(at.info)
